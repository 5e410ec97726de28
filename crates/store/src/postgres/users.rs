//! Users and sessions on PostgreSQL.

use super::PostgresStore;
use crate::{Credentials, NewSession, NewUser, Result, Session, SessionStage, StoreError, User};
use caseward_domain::user::Role;
use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use uuid::Uuid;

pub(super) const USER_COLUMNS: &str = "id, username, display_name, role, agency_id, disabled, mfa_enabled, version, created_at, updated_at";

pub(super) fn user_from_row(row: &PgRow) -> Result<User> {
    prefixed_user_from_row(row, "")
}

/// A user from columns named `{prefix}{column}`.
fn prefixed_user_from_row(row: &PgRow, prefix: &str) -> Result<User> {
    let column = |name: &str| format!("{prefix}{name}");
    let role: String = row.try_get(column("role").as_str())?;
    Ok(User {
        id: row.try_get(column("id").as_str())?,
        username: row.try_get(column("username").as_str())?,
        display_name: row.try_get(column("display_name").as_str())?,
        role: Role::stored(role),
        agency: row.try_get(column("agency_id").as_str())?,
        disabled: row.try_get(column("disabled").as_str())?,
        mfa_enabled: row.try_get(column("mfa_enabled").as_str())?,
        version: row.try_get(column("version").as_str())?,
        created_at: row.try_get(column("created_at").as_str())?,
        updated_at: row.try_get(column("updated_at").as_str())?,
    })
}

pub(super) async fn create_user(store: &PostgresStore, user: NewUser) -> Result<User> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, agency_id, password_hash, disabled, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, FALSE, 1, $7, $8)",
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

pub(super) async fn user_by_id(pool: &PgPool, id: Uuid) -> Result<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub(super) async fn credentials(pool: &PgPool, username: &str) -> Result<Option<Credentials>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"
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
    store: &PostgresStore,
    id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3",
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

pub(super) async fn create_session(store: &PostgresStore, session: NewSession) -> Result<()> {
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

/// The user's columns as the session reads them, each named `{prefix}{column}`.
pub(super) fn session_user_columns(prefix: &str) -> String {
    USER_COLUMNS
        .split(", ")
        .map(|c| format!("u.{c} AS {prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) async fn session_user(
    store: &PostgresStore,
    digest: &[u8; 32],
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Option<Session>> {
    let row = sqlx::query(&format!(
        "SELECT s.last_seen_at AS session_last_seen_at, s.expires_at AS session_expires_at,
                s.stage AS session_stage, {}
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = $1",
        session_user_columns("")
    ))
    .bind(&digest[..])
    .fetch_optional(&store.pool)
    .await?;
    match row {
        Some(row) => hold_session(store, digest, &row, "", now, idle_timeout).await,
        None => Ok(None),
    }
}

/// The session read in `row` (its user's columns named `{user_prefix}{column}`), if it still
/// holds: an expired, idle or disabled user's session is removed; a live one's idle timer is
/// refreshed when it has gone stale.
pub(super) async fn hold_session(
    store: &PostgresStore,
    digest: &[u8; 32],
    row: &PgRow,
    user_prefix: &str,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Option<Session>> {
    let last_seen: DateTime<Utc> = row.try_get("session_last_seen_at")?;
    let expires: DateTime<Utc> = row.try_get("session_expires_at")?;
    let user = prefixed_user_from_row(row, user_prefix)?;
    let stage: String = row.try_get("session_stage")?;
    let stage = SessionStage::parse(&stage)
        .ok_or_else(|| StoreError::Corrupt(format!("session stage {stage}")))?;
    if now >= expires || now - last_seen >= idle_timeout || user.disabled {
        delete_session(store, digest).await?;
        return Ok(None);
    }
    if now - last_seen >= Duration::seconds(TOUCH_INTERVAL_SECONDS) {
        let mut tx = store.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_digest = $2")
            .bind(now)
            .bind(&digest[..])
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Some(Session { user, stage }))
}

pub(super) async fn delete_session(store: &PostgresStore, digest: &[u8; 32]) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
        .bind(&digest[..])
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
