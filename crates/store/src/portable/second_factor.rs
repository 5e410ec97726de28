// Second factor and session stages: portable SQL, included by `sqlite/second_factor.rs` and
// `postgres/second_factor.rs` (see `portable/access.rs`).

use crate::{Result, SecondFactor, SessionStage, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

pub(super) async fn set_session_stage(
    store: &BackendStore,
    digest: &[u8; 32],
    stage: SessionStage,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query("UPDATE sessions SET stage = $1 WHERE token_digest = $2")
        .bind(stage.as_str())
        .bind(&digest[..])
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn second_factor(store: &BackendStore, user: Uuid) -> Result<Option<SecondFactor>> {
    let row = sqlx::query("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(store.reads())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let secret: Option<Vec<u8>> = row.try_get("totp_secret")?;
    // A last step that cannot be read is an error, never "no step yet" (that would reopen
    // replays).
    let last_step: Option<i64> = row.try_get("totp_last_step")?;
    Ok(secret.map(|secret| SecondFactor { secret, last_step }))
}

pub(super) async fn set_pending_second_factor(
    store: &BackendStore,
    user: Uuid,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_pending_secret = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(secret)
    .bind(now)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn pending_second_factor(store: &BackendStore, user: Uuid) -> Result<Option<Vec<u8>>> {
    let secret: Option<Option<Vec<u8>>> = sqlx::query_scalar("SELECT totp_pending_secret FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(store.reads())
        .await?;
    Ok(secret.flatten())
}

pub(super) async fn enable_second_factor(
    store: &BackendStore,
    user: Uuid,
    step: i64,
    hashes: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, mfa_enabled = $1,
                          totp_last_step = $2, version = version + 1, updated_at = $3
         WHERE id = $4 AND totp_pending_secret IS NOT NULL",
    )
    .bind(true)
    .bind(step)
    .bind(now)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, hash) VALUES ($1, $2)")
            .bind(user)
            .bind(hash.as_slice())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn accept_totp_step(store: &BackendStore, user: Uuid, step: i64) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn recovery_code_hashes(store: &BackendStore, user: Uuid) -> Result<Vec<Vec<u8>>> {
    Ok(
        sqlx::query_scalar(
            "SELECT hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user)
        .fetch_all(store.reads())
        .await?,
    )
}

pub(super) async fn use_recovery_code(
    store: &BackendStore,
    user: Uuid,
    hash: &[u8],
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND hash = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() >= 1)
}
