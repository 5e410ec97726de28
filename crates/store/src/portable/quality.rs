// Quality reviews, supervision notes and discussion marks: portable SQL, included by
// `sqlite/quality.rs` and `postgres/quality.rs` (see `portable/access.rs`). Texts are sealed
// with the case's data key, each bound to its kind and row; audit entries commit with them.

use crate::case_texts::{PANEL_NOTES, QUALITY_FINDINGS, SUPERVISION_NOTE};
use crate::{
    DiscussionMark, NewPanelDecision, NewQualityReview, NewSupervisionNote, PanelDecisionRecord,
    QualityReviewRecord, Result, StoreError, SupervisionFilter, SupervisionNoteRecord,
};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

fn not_found_on_foreign_key(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    }
}

pub(super) async fn add_review(
    store: &BackendStore,
    review: NewQualityReview,
) -> Result<QualityReviewRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, sealing, review.case_id).await?;
    sqlx::query(
        "INSERT INTO quality_reviews (id, case_id, reviewer, criterion, rating, findings, reviewed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(review.id)
    .bind(review.case_id)
    .bind(review.reviewer)
    .bind(&review.criterion)
    .bind(&review.rating)
    .bind(texts.seal(QUALITY_FINDINGS, review.id, &review.findings))
    .bind(review.now)
    .execute(&mut *tx)
    .await
    .map_err(not_found_on_foreign_key)?;
    super::audit::append_case_in(&mut tx, sealing, &review.audit, review.now).await?;
    let mut reviews = read_reviews(&mut tx, &texts, review.case_id, Some(review.id)).await?;
    tx.commit().await?;
    reviews.pop().ok_or(StoreError::NotFound)
}

pub(super) async fn reviews(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
) -> Result<Vec<QualityReviewRecord>> {
    let mut conn = pool.acquire().await?;
    let texts = super::case_keys::texts_in(&mut conn, sealing, case).await?;
    read_reviews(&mut conn, &texts, case, None).await
}

async fn read_reviews(
    conn: &mut DbConnection,
    texts: &crate::case_texts::CaseTexts,
    case: Uuid,
    only: Option<Uuid>,
) -> Result<Vec<QualityReviewRecord>> {
    let rows = sqlx::query(
        "SELECT q.id, q.criterion, q.rating, q.findings, q.reviewed_at,
                u.id AS r_id, u.username AS r_username, u.display_name AS r_display_name
         FROM quality_reviews q JOIN users u ON u.id = q.reviewer
         WHERE q.case_id = $1 AND ($2 IS NULL OR q.id = $2) ORDER BY q.reviewed_at, q.id",
    )
    .bind(case)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id: Uuid = row.try_get("id")?;
            let findings: String = row.try_get("findings")?;
            Ok(QualityReviewRecord {
                id,
                case_id: case,
                reviewer: super::access::user_ref(row, "r")?,
                criterion: row.try_get("criterion")?,
                rating: row.try_get("rating")?,
                findings: texts.open(QUALITY_FINDINGS, id, &findings)?,
                reviewed_at: row.try_get("reviewed_at")?,
            })
        })
        .collect()
}

pub(super) async fn add_note(
    store: &BackendStore,
    note: NewSupervisionNote,
) -> Result<SupervisionNoteRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, sealing, note.case_id).await?;
    sqlx::query(
        "INSERT INTO supervision_notes (id, case_id, supervisor, worker, body, written_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(note.id)
    .bind(note.case_id)
    .bind(note.supervisor)
    .bind(note.worker)
    .bind(texts.seal(SUPERVISION_NOTE, note.id, &note.body))
    .bind(note.now)
    .execute(&mut *tx)
    .await
    .map_err(not_found_on_foreign_key)?;
    super::audit::append_case_in(&mut tx, sealing, &note.audit, note.now).await?;
    let filter = SupervisionFilter {
        supervisor: Some(note.supervisor),
        worker: Some(note.worker),
    };
    let written = notes_in(&mut tx, sealing, filter)
        .await?
        .into_iter()
        .find(|n| n.id == note.id)
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(written)
}

pub(super) async fn notes(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    filter: SupervisionFilter,
) -> Result<Vec<SupervisionNoteRecord>> {
    let mut conn = pool.acquire().await?;
    notes_in(&mut conn, sealing, filter).await
}

async fn notes_in(
    conn: &mut DbConnection,
    sealing: &crate::sealing::Sealing,
    filter: SupervisionFilter,
) -> Result<Vec<SupervisionNoteRecord>> {
    let rows = sqlx::query(
        "SELECT n.id, n.case_id, c.case_number, n.body, n.written_at,
                s.id AS s_id, s.username AS s_username, s.display_name AS s_display_name,
                w.id AS w_id, w.username AS w_username, w.display_name AS w_display_name
         FROM supervision_notes n JOIN cases c ON c.id = n.case_id
         JOIN users s ON s.id = n.supervisor JOIN users w ON w.id = n.worker
         WHERE ($1 IS NULL OR n.supervisor = $1) AND ($2 IS NULL OR n.worker = $2)
         ORDER BY n.written_at DESC, n.id DESC",
    )
    .bind(filter.supervisor)
    .bind(filter.worker)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: Uuid = row.try_get("id")?;
        let case_id: Uuid = row.try_get("case_id")?;
        let body: String = row.try_get("body")?;
        let texts = super::case_keys::texts_in(&mut *conn, sealing, case_id).await?;
        out.push(SupervisionNoteRecord {
            id,
            case_id,
            case_number: row.try_get("case_number")?,
            supervisor: super::access::user_ref(row, "s")?,
            worker: super::access::user_ref(row, "w")?,
            body: texts.open(SUPERVISION_NOTE, id, &body)?,
            written_at: row.try_get("written_at")?,
        });
    }
    Ok(out)
}

pub(super) async fn set_mark(
    store: &BackendStore,
    case: Uuid,
    supervisor: Uuid,
    marked: bool,
    audit: &[caseward_domain::audit::AuditEvent],
    now: DateTime<Utc>,
) -> Result<()> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    if marked {
        sqlx::query(
            "INSERT INTO discussion_marks (case_id, supervisor, marked_at) VALUES ($1, $2, $3)
             ON CONFLICT (case_id, supervisor) DO NOTHING",
        )
        .bind(case)
        .bind(supervisor)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(not_found_on_foreign_key)?;
    } else {
        sqlx::query("DELETE FROM discussion_marks WHERE case_id = $1 AND supervisor = $2")
            .bind(case)
            .bind(supervisor)
            .execute(&mut *tx)
            .await?;
    }
    super::audit::append_case_in(&mut tx, sealing, audit, now).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn marks(pool: &DbPool, filter: SupervisionFilter) -> Result<Vec<DiscussionMark>> {
    let rows = sqlx::query(
        "SELECT m.case_id, c.case_number, m.supervisor, m.marked_at,
                w.id AS w_id, w.username AS w_username, w.display_name AS w_display_name
         FROM discussion_marks m JOIN cases c ON c.id = m.case_id
         JOIN users w ON w.id = c.assigned_to
         WHERE ($1 IS NULL OR m.supervisor = $1) AND ($2 IS NULL OR c.assigned_to = $2)
         ORDER BY m.marked_at, c.case_number",
    )
    .bind(filter.supervisor)
    .bind(filter.worker)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DiscussionMark {
                case_id: row.try_get("case_id")?,
                case_number: row.try_get("case_number")?,
                supervisor: row.try_get("supervisor")?,
                worker: super::access::user_ref(row, "w")?,
                marked_at: row.try_get("marked_at")?,
            })
        })
        .collect()
}

pub(super) async fn add_panel_decision(
    store: &BackendStore,
    decision: NewPanelDecision,
) -> Result<PanelDecisionRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, sealing, decision.case_id).await?;
    sqlx::query(
        "INSERT INTO panel_decisions (id, case_id, to_stage, endorsed, decided_on, notes, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(decision.id)
    .bind(decision.case_id)
    .bind(&decision.to_stage)
    .bind(decision.endorsed)
    .bind(decision.decided_on)
    .bind(texts.seal(PANEL_NOTES, decision.id, &decision.notes))
    .bind(decision.recorded_by)
    .bind(decision.now)
    .execute(&mut *tx)
    .await
    .map_err(not_found_on_foreign_key)?;
    super::audit::append_case_in(&mut tx, sealing, &decision.audit, decision.now).await?;
    let mut decisions = read_panel(&mut tx, &texts, decision.case_id, Some(decision.id)).await?;
    tx.commit().await?;
    decisions.pop().ok_or(StoreError::NotFound)
}

pub(super) async fn panel_decisions(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
) -> Result<Vec<PanelDecisionRecord>> {
    let mut conn = pool.acquire().await?;
    let texts = super::case_keys::texts_in(&mut conn, sealing, case).await?;
    read_panel(&mut conn, &texts, case, None).await
}

async fn read_panel(
    conn: &mut DbConnection,
    texts: &crate::case_texts::CaseTexts,
    case: Uuid,
    only: Option<Uuid>,
) -> Result<Vec<PanelDecisionRecord>> {
    let rows = sqlx::query(
        "SELECT p.id, p.to_stage, p.endorsed, p.decided_on, p.notes, p.recorded_at,
                u.id AS r_id, u.username AS r_username, u.display_name AS r_display_name
         FROM panel_decisions p JOIN users u ON u.id = p.recorded_by
         WHERE p.case_id = $1 AND ($2 IS NULL OR p.id = $2) ORDER BY p.recorded_at, p.id",
    )
    .bind(case)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id: Uuid = row.try_get("id")?;
            let notes: String = row.try_get("notes")?;
            Ok(PanelDecisionRecord {
                id,
                case_id: case,
                to_stage: row.try_get("to_stage")?,
                endorsed: row.try_get("endorsed")?,
                decided_on: row.try_get("decided_on")?,
                notes: texts.open(PANEL_NOTES, id, &notes)?,
                recorded_by: super::access::user_ref(row, "r")?,
                recorded_at: row.try_get("recorded_at")?,
            })
        })
        .collect()
}
