// Moving a case between stages: portable SQL, included by `sqlite/transitions.rs` and
// `postgres/transitions.rs` (see `portable/access.rs`). The workflow's guards are decided
// before (`domain::workflow`); here the move is made atomically with its history row and
// audit entries, and only if the case is still at the version (and so the stage) it was
// judged at.

use crate::case_texts::TRANSITION_REASON;
use crate::{CaseRecord, CaseTransition, Result, StoreError, TransitionRecord};
use sqlx::Row;
use uuid::Uuid;

pub(super) async fn transition(store: &BackendStore, change: CaseTransition) -> Result<CaseRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let change_seq = next_change_seq(&mut tx).await?;
    let done = sqlx::query(
        "UPDATE cases SET stage = $1, version = version + 1, change_seq = $2, updated_at = $3
         WHERE id = $4 AND version = $5 AND stage = $6",
    )
    .bind(&change.to)
    .bind(change_seq)
    .bind(change.now)
    .bind(change.case_id)
    .bind(change.expected_version)
    .bind(&change.from)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
            .bind(change.case_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            Some(current) => StoreError::Conflict {
                expected: change.expected_version,
                current,
            },
            None => StoreError::NotFound,
        });
    }
    let texts = super::case_keys::texts_in(&mut tx, sealing, change.case_id).await?;
    sqlx::query(
        "INSERT INTO case_transitions (id, case_id, from_stage, to_stage, moved_by, moved_at, reason, survivor_decision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(change.id)
    .bind(change.case_id)
    .bind(&change.from)
    .bind(&change.to)
    .bind(change.by)
    .bind(change.now)
    .bind(texts.seal_opt(TRANSITION_REASON, change.id, change.reason.as_deref()))
    .bind(change.survivor_decision)
    .execute(&mut *tx)
    .await?;
    super::history_digests::refresh(&mut tx, &[change.case_id]).await?;
    super::audit::append_case_in(&mut tx, sealing, &change.audit, change.now).await?;
    let record = fetch_record(&mut *tx, sealing, change.case_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(record)
}

/// A case's moves between stages, oldest first, their reasons opened.
pub(super) async fn history(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
) -> Result<Vec<TransitionRecord>> {
    let rows = sqlx::query(
        "SELECT t.id, t.from_stage, t.to_stage, t.moved_at, t.reason, t.survivor_decision,
                u.id AS by_id, u.username AS by_username, u.display_name AS by_display_name
         FROM case_transitions t JOIN users u ON u.id = t.moved_by
         WHERE t.case_id = $1 ORDER BY t.moved_at, t.id",
    )
    .bind(case)
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let texts = super::case_keys::texts_in(&mut *pool.acquire().await?, sealing, case).await?;
    rows.iter()
        .map(|row| {
            let id: Uuid = row.try_get("id")?;
            let mut reason: Option<String> = row.try_get("reason")?;
            texts.open_opt(TRANSITION_REASON, id, &mut reason)?;
            Ok(TransitionRecord {
                id,
                from: row.try_get("from_stage")?,
                to: row.try_get("to_stage")?,
                by: super::access::user_ref(row, "by")?,
                at: row.try_get("moved_at")?,
                reason,
                survivor_decision: row.try_get("survivor_decision")?,
            })
        })
        .collect()
}
