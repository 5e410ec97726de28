// Case notes: portable SQL, included by `sqlite/notes.rs` and `postgres/notes.rs` (see
// `portable/access.rs`). A note is written once, its body sealed with the case's data key,
// with its audit entries in the same transaction.

use crate::case_texts::NOTE_BODY;
use crate::{NewNote, NoteRecord, Result, StoreError};
use sqlx::Row;
use uuid::Uuid;

pub(super) async fn add(store: &BackendStore, note: NewNote) -> Result<NoteRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, sealing, note.case_id).await?;
    sqlx::query(
        "INSERT INTO case_notes (id, case_id, kind, confidential, body, written_by, written_at, next_contact_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(note.id)
    .bind(note.case_id)
    .bind(&note.kind)
    .bind(note.confidential)
    .bind(texts.seal(NOTE_BODY, note.id, &note.body))
    .bind(note.written_by)
    .bind(note.now)
    .bind(note.next_contact_on)
    .execute(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::unique(e, "note id"),
    })?;
    super::history_digests::refresh(&mut tx, &[note.case_id]).await?;
    super::audit::append_case_in(&mut tx, sealing, &note.audit, note.now).await?;
    let mut notes = read(&mut tx, &texts, note.case_id, Some(note.id)).await?;
    tx.commit().await?;
    notes.pop().ok_or(StoreError::NotFound)
}

/// A case's notes, oldest first, their bodies opened.
pub(super) async fn list(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
) -> Result<Vec<NoteRecord>> {
    let mut conn = pool.acquire().await?;
    let texts = super::case_keys::texts_in(&mut conn, sealing, case).await?;
    read(&mut conn, &texts, case, None).await
}

async fn read(
    conn: &mut DbConnection,
    texts: &crate::case_texts::CaseTexts,
    case: Uuid,
    only: Option<Uuid>,
) -> Result<Vec<NoteRecord>> {
    let rows = sqlx::query(
        "SELECT n.id, n.kind, n.confidential, n.body, n.written_at, n.next_contact_on,
                u.id AS by_id, u.username AS by_username, u.display_name AS by_display_name
         FROM case_notes n JOIN users u ON u.id = n.written_by
         WHERE n.case_id = $1 AND ($2 IS NULL OR n.id = $2) ORDER BY n.written_at, n.id",
    )
    .bind(case)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id: Uuid = row.try_get("id")?;
            let body: String = row.try_get("body")?;
            Ok(NoteRecord {
                id,
                case_id: case,
                kind: row.try_get("kind")?,
                confidential: row.try_get("confidential")?,
                body: texts.open(NOTE_BODY, id, &body)?,
                next_contact_on: row.try_get("next_contact_on")?,
                written_by: super::access::user_ref(row, "by")?,
                written_at: row.try_get("written_at")?,
            })
        })
        .collect()
}
