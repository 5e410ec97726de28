//! Users and sessions on SQLite.

use super::SqliteStore;
use crate::columns::Columns;
use crate::{Credentials, NewSession, NewUser, Result, Session, SessionStage, StoreError, User};
use caseward_domain::user::Role;
use chrono::{DateTime, Duration, Utc};
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

pub(super) const USER_COLUMNS: &str = "id, username, display_name, role, agency_id, disabled, mfa_enabled, version, created_at, updated_at";

pub(super) fn user_from_row(row: &impl Columns) -> Result<User> {
    Ok(User {
        id: row.id("id")?,
        username: row.text("username")?,
        display_name: row.text("display_name")?,
        role: Role::stored(row.text("role")?),
        agency: row.opt_id("agency_id")?,
        disabled: row.flag("disabled")?,
        mfa_enabled: row.flag("mfa_enabled")?,
        version: row.int("version")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

pub(super) async fn create_user(store: &SqliteStore, user: NewUser) -> Result<User> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, agency_id, password_hash, disabled, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?)",
    )
    .bind(user.id)
    .bind(&user.username)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(user.agency)
    .bind(&user.password_hash)
    .bind(user.now)
    .bind(user.now)
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "username"))?;
    super::audit::append_in(&mut tx, &user.audit, user.now).await?;
    tx.commit().await?;
    Ok(User {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role.clone(),
        agency: user.agency,
        disabled: false,
        mfa_enabled: false,
        version: 1,
        created_at: user.now,
        updated_at: user.now,
    })
}

pub(super) async fn user_by_id(pool: &SqlitePool, id: Uuid) -> Result<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub(super) async fn credentials(pool: &SqlitePool, username: &str) -> Result<Option<Credentials>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?"
    ))
    .bind(username)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(Credentials {
            user: user_from_row(&row)?,
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

pub(super) async fn set_password_hash(
    store: &SqliteStore,
    id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?",
    )
    .bind(hash)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn create_session(store: &SqliteStore, session: NewSession) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_digest, user_id, created_at, last_seen_at, expires_at, stage) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&session.token_digest[..])
        .bind(session.user_id)
        .bind(session.now)
        .bind(session.now)
        .bind(session.expires_at)
        .bind(session.stage.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// How stale `last_seen_at` may get before a request refreshes it; saves a write per request.
pub(crate) const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// The query of a session and its user by the token's digest.
pub(super) fn session_query() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "SELECT s.last_seen_at AS last_seen_at, s.expires_at AS expires_at, s.stage AS stage, {}
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = ?",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c} AS {c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

pub(super) async fn session_user(
    store: &SqliteStore,
    digest: &[u8; 32],
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Option<Session>> {
    let Some(stored) = store.point_reads.session(digest)? else {
        return Ok(None);
    };
    let stage = SessionStage::parse(&stored.stage)
        .ok_or_else(|| StoreError::Corrupt(format!("session stage {}", stored.stage)))?;
    if now >= stored.expires_at || now - stored.last_seen_at >= idle_timeout || stored.user.disabled
    {
        delete_session(store, digest).await?;
        return Ok(None);
    }
    if now - stored.last_seen_at >= Duration::seconds(TOUCH_INTERVAL_SECONDS) {
        let mut tx = store.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_digest = ?")
            .bind(now)
            .bind(&digest[..])
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Some(Session {
        user: stored.user,
        stage,
    }))
}

pub(super) async fn delete_session(store: &SqliteStore, digest: &[u8; 32]) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_digest = ?")
        .bind(&digest[..])
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
