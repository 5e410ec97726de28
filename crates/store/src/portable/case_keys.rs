// Case data keys and their rotation: portable SQL, included by `sqlite/case_keys.rs` and
// `postgres/case_keys.rs` (see `portable/access.rs`).

use crate::Result;
use crate::sealing::Sealing;
use caseward_crypto::envelope::WrappedKey;
use sqlx::Row;
use uuid::Uuid;

/// Rewrap up to `limit` data keys that another master key than the current one wraps, in one
/// transaction. A rotation killed midway resumes where it stopped: each batch is whole or
/// not at all, and the keys not yet rewrapped still open with the older master key.
pub(super) async fn rewrap(store: &BackendStore, sealing: &Sealing, limit: u32) -> Result<u32> {
    let current = i64::from(sealing.keyring().current_master().id());
    let mut tx = store.begin_write().await?;
    let rows = sqlx::query(
        "SELECT case_id, master_key_id, wrapped FROM case_keys WHERE master_key_id <> $1 LIMIT $2",
    )
    .bind(current)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await?;
    let mut done = 0;
    for row in &rows {
        let case: Uuid = row.try_get("case_id")?;
        let old_id: i64 = row.try_get("master_key_id")?;
        let wrapped = WrappedKey {
            master_key_id: u32::try_from(old_id)
                .map_err(|_| crate::StoreError::Corrupt("master key id".into()))?,
            bytes: row.try_get("wrapped")?,
        };
        let rewrapped = sealing.rewrap(case, &wrapped)?;
        sqlx::query(
            "UPDATE case_keys SET master_key_id = $1, wrapped = $2 WHERE case_id = $3 AND master_key_id = $4",
        )
        .bind(i64::from(rewrapped.master_key_id))
        .bind(&rewrapped.bytes)
        .bind(case)
        .bind(old_id)
        .execute(&mut *tx)
        .await?;
        done += 1;
    }
    tx.commit().await?;
    Ok(done)
}

/// How many data keys each master key version wraps.
pub(super) async fn by_master(pool: &DbPool) -> Result<Vec<(u32, i64)>> {
    let rows = sqlx::query(
        "SELECT master_key_id, COUNT(*) AS count FROM case_keys GROUP BY master_key_id ORDER BY master_key_id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("master_key_id")?;
            Ok((
                u32::try_from(id).map_err(|_| crate::StoreError::Corrupt("master key id".into()))?,
                row.try_get("count")?,
            ))
        })
        .collect()
}

/// Purge a case: destroy its data key and every row about it, leave a tombstone and the audit
/// entries, in one transaction. `Ok(false)` when there is no such case (purged already).
pub(super) async fn purge(
    store: &BackendStore,
    case: Uuid,
    reason: &str,
    audit: &[caseward_domain::audit::AuditEvent],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let row = sqlx::query("SELECT case_number, case_type FROM cases WHERE id = $1")
        .bind(case)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let number: String = row.try_get("case_number")?;
    let case_type: String = row.try_get("case_type")?;
    for table in [
        "case_keys",
        "case_search_tokens",
        "case_shares",
        "field_grants",
        "consents",
        "case_assignments",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
            .bind(case)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM cases WHERE id = $1")
        .bind(case)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO case_purges (case_id, case_number, case_type, purged_at, reason) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(case)
    .bind(&number)
    .bind(&case_type)
    .bind(now)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether a case was purged: its tombstone's case number and time.
pub(super) async fn purged(
    pool: &DbPool,
    case: Uuid,
) -> Result<Option<(String, chrono::DateTime<chrono::Utc>)>> {
    let row = sqlx::query("SELECT case_number, purged_at FROM case_purges WHERE case_id = $1")
        .bind(case)
        .fetch_optional(pool)
        .await?;
    row.map(|row| Ok((row.try_get("case_number")?, row.try_get("purged_at")?)))
        .transpose()
}

/// Replace a case's blind-index tokens, inside the caller's transaction.
pub(super) async fn replace_tokens(
    conn: &mut DbConnection,
    case: Uuid,
    tokens: &[crate::SearchToken],
) -> Result<()> {
    sqlx::query("DELETE FROM case_search_tokens WHERE case_id = $1")
        .bind(case)
        .execute(&mut *conn)
        .await?;
    for token in tokens {
        sqlx::query(
            "INSERT INTO case_search_tokens (case_id, token, restricted) VALUES ($1, $2, $3)
             ON CONFLICT (case_id, token) DO UPDATE SET restricted = case_search_tokens.restricted AND excluded.restricted",
        )
        .bind(case)
        .bind(&token.token[..])
        .bind(token.restricted)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
