// Bringing a case's stored derivatives up to date: portable SQL, included by
// `sqlite/reindex.rs` and `postgres/reindex.rs` (see `portable/access.rs`).

use crate::case_texts::{
    ASSIGNMENT_OVERRIDE, CARE_PLAN_COMMENT, CARE_PLAN_CONTENT, PANEL_NOTES, QUALITY_FINDINGS, SUPERVISION_NOTE, ASSIGNMENT_REASON, CONSENT_PURPOSE, CONSENT_WITHDRAWAL, CaseTexts,
    GRANT_REASON, GRANT_REVOCATION, SHARE_OVERRIDE, SHARE_REASON, SHARE_REVOCATION,
    NOTE_BODY, TRANSITION_REASON,
};
use crate::sealing::Sealing;
use crate::{DimensionValue, Result, SearchToken};
use sqlx::Row;
use uuid::Uuid;

/// The free-text columns of a case's history: table, column, kind of text, and the column
/// whose id the text is bound to.
const TEXT_COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("case_shares", "reason", SHARE_REASON, "id"),
    ("case_shares", "consent_override_reason", SHARE_OVERRIDE, "id"),
    ("case_shares", "revoke_reason", SHARE_REVOCATION, "user_id"),
    ("field_grants", "reason", GRANT_REASON, "id"),
    ("field_grants", "revoke_reason", GRANT_REVOCATION, "user_id"),
    ("consents", "purpose", CONSENT_PURPOSE, "id"),
    ("consents", "withdraw_reason", CONSENT_WITHDRAWAL, "id"),
    ("case_assignments", "reason", ASSIGNMENT_REASON, "id"),
    ("case_assignments", "caseload_override_reason", ASSIGNMENT_OVERRIDE, "id"),
    ("case_transitions", "reason", TRANSITION_REASON, "id"),
    ("case_notes", "body", NOTE_BODY, "id"),
    ("care_plans", "content", CARE_PLAN_CONTENT, "id"),
    ("care_plans", "comment", CARE_PLAN_COMMENT, "id"),
    ("quality_reviews", "findings", QUALITY_FINDINGS, "id"),
    ("supervision_notes", "body", SUPERVISION_NOTE, "id"),
    ("panel_decisions", "notes", PANEL_NOTES, "id"),
];

/// Replace a case's search tokens and report dimensions, and seal the free texts of its
/// history still in clear (written before texts were sealed), in one transaction. Returns how
/// many texts were sealed; `NotFound` when there is no such case.
pub(super) async fn reindex(
    store: &BackendStore,
    sealing: &Sealing,
    case: Uuid,
    tokens: &[SearchToken],
    dimensions: &[DimensionValue],
) -> Result<u32> {
    let mut tx = store.begin_write().await?;
    let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
        .bind(case)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(crate::StoreError::NotFound);
    }
    super::case_keys::replace_tokens(&mut tx, case, tokens).await?;
    super::dimensions::replace(&mut tx, case, dimensions).await?;
    super::history_digests::refresh(&mut tx, &[case]).await?;
    let texts: CaseTexts = super::case_keys::texts_in(&mut tx, sealing, case).await?;
    let mut sealed = 0;
    for (table, column, kind, bound_to) in TEXT_COLUMNS {
        let rows = sqlx::query(&format!(
            "SELECT id, {bound_to} AS bound, {column} AS text FROM {table}
             WHERE case_id = $1 AND {column} IS NOT NULL AND {column} NOT LIKE 'cw1:%'"
        ))
        .bind(case)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let text: String = row.try_get("text")?;
            let stored = texts.seal(kind, row.try_get("bound")?, &text);
            if stored == text {
                // No data key (a case from before sealing): nothing to seal with yet.
                continue;
            }
            sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                .bind(&stored)
                .bind(row.try_get::<Uuid, _>("id")?)
                .execute(&mut *tx)
                .await?;
            sealed += 1;
        }
    }
    tx.commit().await?;
    Ok(sealed)
}
