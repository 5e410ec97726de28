// Case data keys and their rotation: portable SQL, included by `sqlite/case_keys.rs` and
// `postgres/case_keys.rs` (see `portable/access.rs`).

use crate::Result;
use crate::sealing::{Sealing, wrapped_from_columns};
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
    // The case's row first (PostgreSQL locks it), as every other write of a case takes it
    // before its report tallies take the audit chain's head: removing the dimensions below
    // takes the head, and an edit of this case holding the row while waiting for the head
    // would otherwise deadlock with it.
    sqlx::query("UPDATE cases SET version = version WHERE id = $1")
        .bind(case)
        .execute(&mut *tx)
        .await?;
    for table in [
        "case_keys",
        "case_contents",
        "case_search_tokens",
        "case_dimensions",
        "attachments",
        "case_transitions",
        "case_notes",
        "care_plans",
        "alerts",
        "quality_reviews",
        "supervision_notes",
        "discussion_marks",
        "panel_decisions",
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

/// Bring a case's blind-index tokens up to date, inside the caller's transaction.
pub(super) async fn replace_tokens(
    conn: &mut DbConnection,
    case: Uuid,
    tokens: &[crate::SearchToken],
) -> Result<()> {
    let wanted = merged_tokens(tokens)
        .into_iter()
        .map(|(token, restricted)| (case, token.to_vec(), restricted))
        .collect();
    super::dimensions::bring_up_to_date(
        conn,
        "case_search_tokens",
        ["token", "restricted"],
        &[case],
        wanted,
    )
    .await
}

/// Add a new case's search tokens in one statement, inside the caller's transaction. A word
/// found in several fields is one token, restricted only if every field is.
pub(super) async fn insert_tokens(
    conn: &mut DbConnection,
    case: Uuid,
    tokens: &[crate::SearchToken],
) -> Result<()> {
    let merged = merged_tokens(tokens);
    if merged.is_empty() {
        return Ok(());
    }
    let mut query = sqlx::QueryBuilder::<Db>::new(
        "INSERT INTO case_search_tokens (case_id, token, restricted) ",
    );
    query.push_values(&merged, |mut row, (token, restricted)| {
        row.push_bind(case).push_bind(&token[..]).push_bind(*restricted);
    });
    query.build().execute(&mut *conn).await?;
    Ok(())
}

/// A case's tokens, each once: a word found in several fields is restricted only if every
/// field is.
pub(super) fn merged_tokens(tokens: &[crate::SearchToken]) -> std::collections::BTreeMap<[u8; 32], bool> {
    let mut merged = std::collections::BTreeMap::new();
    for token in tokens {
        merged
            .entry(token.token)
            .and_modify(|restricted| *restricted &= token.restricted)
            .or_insert(token.restricted);
    }
    merged
}

/// A case's free texts (`case_texts`), its data key read inside the caller's transaction.
pub(super) async fn texts_in(
    conn: &mut DbConnection,
    sealing: &Sealing,
    case: Uuid,
) -> Result<crate::case_texts::CaseTexts> {
    let wrapped = wrapped_key(conn, case).await?;
    crate::case_texts::CaseTexts::new(sealing, case, wrapped.as_ref())
}

/// A case's wrapped data key, inside the caller's transaction.
pub(super) async fn wrapped_key(conn: &mut DbConnection, case: Uuid) -> Result<Option<WrappedKey>> {
    let row = sqlx::query("SELECT master_key_id, wrapped FROM case_keys WHERE case_id = $1")
        .bind(case)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => wrapped_from_columns(row.try_get("master_key_id")?, row.try_get("wrapped")?),
        None => Ok(None),
    }
}

/// Store a case's new wrapped data key, inside the caller's transaction.
pub(super) async fn insert_key(
    conn: &mut DbConnection,
    case: Uuid,
    wrapped: &WrappedKey,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_keys (case_id, master_key_id, wrapped, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(case)
    .bind(i64::from(wrapped.master_key_id))
    .bind(&wrapped.bytes)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The list's search condition: a case-number prefix, or every one of the name tokens (a
/// restricted field's token only for the case's assigned worker, the `reachable_by` user).
pub(super) fn push_search<'a>(query: &mut sqlx::QueryBuilder<'a, Db>, filter: &'a crate::CaseFilter) {
    let tokens = &filter.name_tokens;
    if filter.case_number_prefix.is_none() && tokens.is_empty() {
        return;
    }
    query.push(" AND (");
    if let Some(prefix) = &filter.case_number_prefix {
        query
            .push("c.case_number LIKE ")
            .push_bind(crate::like_prefix(prefix))
            .push(" ESCAPE '\\'");
        if !tokens.is_empty() {
            query.push(" OR ");
        }
    }
    if !tokens.is_empty() {
        query.push("(");
        for (index, token) in tokens.iter().enumerate() {
            if index > 0 {
                query.push(" AND ");
            }
            query
                .push("EXISTS (SELECT 1 FROM case_search_tokens t WHERE t.case_id = c.id AND t.token = ")
                .push_bind(&token[..])
                .push(" AND (t.restricted = ")
                .push_bind(false);
            if let Some(reach) = filter.reachable_by {
                query.push(" OR c.assigned_to = ").push_bind(reach.user);
            }
            query.push("))");
        }
        query.push(")");
    }
    query.push(")");
}
