//! Users and sessions on PostgreSQL.

use super::PostgresStore;
use crate::{Credentials, NewSession, NewUser, Result, Session, SessionStage, StoreError, User};
use caseward_domain::user::Role;
use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use uuid::Uuid;

pub(super) const USER_COLUMNS: &str = "id, username, display_name, role, agency_id, disabled, mfa_enabled, version, created_at, updated_at";

/// The names a row's user columns are read by: as stored ([`USER_COLUMNS`], in its order), or
/// beside a case's columns ([`SESSION_USER_NAMES`]).
pub(super) type UserNames = [&'static str; 10];

const STORED_NAMES: UserNames = [
    "id",
    "username",
    "display_name",
    "role",
    "agency_id",
    "disabled",
    "mfa_enabled",
    "version",
    "created_at",
    "updated_at",
];

/// The session's user's columns in the row that also holds a case (`cases::session_and_case`).
pub(super) const SESSION_USER_NAMES: UserNames = [
    "session_user_id",
    "session_user_username",
    "session_user_display_name",
    "session_user_role",
    "session_user_agency_id",
    "session_user_disabled",
    "session_user_mfa_enabled",
    "session_user_version",
    "session_user_created_at",
    "session_user_updated_at",
];

pub(super) fn user_from_row(row: &PgRow) -> Result<User> {
    named_user_from_row(row, &STORED_NAMES)
}

/// A user from the columns `names` gives.
fn named_user_from_row(row: &PgRow, names: &UserNames) -> Result<User> {
    let [
        id,
        username,
        display_name,
        role,
        agency,
        disabled,
        mfa_enabled,
        version,
        created_at,
        updated_at,
    ] = *names;
    let role: String = row.try_get(role)?;
    Ok(User {
        id: row.try_get(id)?,
        username: row.try_get(username)?,
        display_name: row.try_get(display_name)?,
        role: Role::stored(role),
        agency: row.try_get(agency)?,
        disabled: row.try_get(disabled)?,
        mfa_enabled: row.try_get(mfa_enabled)?,
        version: row.try_get(version)?,
        created_at: row.try_get(created_at)?,
        updated_at: row.try_get(updated_at)?,
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

/// The user's columns (of `users u`) as the session reads them, named `names`.
pub(super) fn session_user_columns(names: &UserNames) -> String {
    STORED_NAMES
        .iter()
        .zip(names)
        .map(|(column, name)| format!("u.{column} AS {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) async fn session_user(
    store: &PostgresStore,
    digest: &[u8; 32],
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Option<Session>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "SELECT s.last_seen_at AS session_last_seen_at, s.expires_at AS session_expires_at,
                    s.stage AS session_stage, {}
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_digest = $1",
            session_user_columns(&STORED_NAMES)
        )
    });
    let row = sqlx::query(sql)
        .bind(&digest[..])
        .fetch_optional(&store.pool)
        .await?;
    match row {
        Some(row) => hold_session(store, digest, &row, &STORED_NAMES, now, idle_timeout).await,
        None => Ok(None),
    }
}

/// The session read in `row` (its user's columns named `user_names`), if it still
/// holds: an expired, idle or disabled user's session is removed; a live one's idle timer is
/// refreshed when it has gone stale.
pub(super) async fn hold_session(
    store: &PostgresStore,
    digest: &[u8; 32],
    row: &PgRow,
    user_names: &UserNames,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Option<Session>> {
    let last_seen: DateTime<Utc> = row.try_get("session_last_seen_at")?;
    let expires: DateTime<Utc> = row.try_get("session_expires_at")?;
    let user = named_user_from_row(row, user_names)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_names_follow_the_stored_columns() {
        assert_eq!(STORED_NAMES.join(", "), USER_COLUMNS);
        for (stored, beside) in STORED_NAMES.iter().zip(SESSION_USER_NAMES) {
            assert_eq!(beside, format!("session_user_{stored}"));
        }
    }
}
