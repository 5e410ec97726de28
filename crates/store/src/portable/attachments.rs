// Attachments: portable SQL, included by `sqlite/attachments.rs` and
// `postgres/attachments.rs` (see `portable/access.rs`). The content goes to the attachments
// folder (`attachment_files`); the row, with the name sealed, commits with its audit entries.

use crate::attachment_files::{AttachmentContent, AttachmentFiles, Upload};
use crate::sealing::{Sealing, attachment_place, open_value, seal_value};
use crate::{AttachmentRecord, NewAttachment, Result, StoreError};
use caseward_crypto::envelope::DataKey;
use caseward_domain::attachment::AttachmentKind;
use caseward_domain::config::Classification;
use sqlx::Row;
use uuid::Uuid;

const COLUMNS: &str = "a.id, a.case_id, a.kind, a.classification, a.media_type, a.size, a.sealed_name, \
     a.uploaded_at, u.id AS by_id, u.username AS by_username, u.display_name AS by_display_name";

/// A case's data key, `NotFound` when there is no such case (or it was purged).
async fn case_key(pool: &DbPool, sealing: &Sealing, case: Uuid) -> Result<DataKey> {
    let mut conn = pool.acquire().await?;
    let wrapped = super::case_keys::wrapped_key(&mut conn, case)
        .await?
        .ok_or(StoreError::NotFound)?;
    sealing.unwrap(case, &wrapped)
}

/// Encrypt the content into its file, then record the attachment and its audit entries in one
/// transaction; the file is removed again if the transaction fails.
pub(super) async fn add(
    store: &BackendStore,
    sealing: &Sealing,
    files: &AttachmentFiles,
    new: NewAttachment,
    content: Upload<'_>,
) -> Result<AttachmentRecord> {
    let key = case_key(store.reads(), sealing, new.case_id).await?;
    let size = files
        .write(&key, new.case_id, new.id, content, new.max_bytes)
        .await?;
    let sealed_name = seal_value(&key, &new.name, &attachment_place(new.case_id, new.id, "name"));
    let recorded = async {
        let mut tx = store.begin_write().await?;
        sqlx::query(
            "INSERT INTO attachments (id, case_id, kind, classification, media_type, size, sealed_name, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new.id)
        .bind(new.case_id)
        .bind(new.kind.as_str())
        .bind(new.classification.as_str())
        .bind(&new.media_type)
        .bind(i64::try_from(size).map_err(|_| StoreError::TooLarge { max_bytes: new.max_bytes })?)
        .bind(&sealed_name)
        .bind(new.uploaded_by)
        .bind(new.now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => StoreError::unique(e, "attachment id"),
        })?;
        super::audit::append_in(&mut tx, &new.audit, new.now).await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attachments a JOIN users u ON u.id = a.uploaded_by WHERE a.id = $1"
        ))
        .bind(new.id)
        .fetch_one(&mut *tx)
        .await?;
        let record = from_row(&row, &key)?;
        tx.commit().await?;
        Ok::<_, StoreError>(record)
    }
    .await;
    if recorded.is_err() {
        let _ = files.remove(new.case_id, new.id).await;
    }
    recorded
}

/// Remove an attachment: its row goes with the audit entries in one transaction, then its
/// file. `Ok(false)` when the case has no such attachment.
pub(super) async fn remove(
    store: &BackendStore,
    files: &AttachmentFiles,
    case: Uuid,
    id: Uuid,
    audit: &[caseward_domain::audit::AuditEvent],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let removed = sqlx::query("DELETE FROM attachments WHERE case_id = $1 AND id = $2")
        .bind(case)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Ok(false);
    }
    super::audit::append_case_in(&mut tx, store.sealing()?, audit, now).await?;
    tx.commit().await?;
    files.remove(case, id).await?;
    Ok(true)
}

/// A case's attachments, oldest first.
pub(super) async fn list(
    pool: &DbPool,
    sealing: &Sealing,
    case: Uuid,
) -> Result<Vec<AttachmentRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM attachments a JOIN users u ON u.id = a.uploaded_by
         WHERE a.case_id = $1 ORDER BY a.uploaded_at, a.id"
    ))
    .bind(case)
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = case_key(pool, sealing, case).await?;
    rows.iter().map(|row| from_row(row, &key)).collect()
}

/// One attachment of a case and its content, ready to be read.
pub(super) async fn open(
    pool: &DbPool,
    sealing: &Sealing,
    files: &AttachmentFiles,
    case: Uuid,
    id: Uuid,
) -> Result<Option<(AttachmentRecord, AttachmentContent)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM attachments a JOIN users u ON u.id = a.uploaded_by
         WHERE a.case_id = $1 AND a.id = $2"
    ))
    .bind(case)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let key = case_key(pool, sealing, case).await?;
    let record = from_row(&row, &key)?;
    let content = files.open(&key, case, id, record.size).await?;
    Ok(Some((record, content)))
}

fn from_row(row: &DbRow, key: &DataKey) -> Result<AttachmentRecord> {
    let id: Uuid = row.try_get("id")?;
    let case_id: Uuid = row.try_get("case_id")?;
    let kind: String = row.try_get("kind")?;
    let classification: String = row.try_get("classification")?;
    let size: i64 = row.try_get("size")?;
    let sealed: Vec<u8> = row.try_get("sealed_name")?;
    Ok(AttachmentRecord {
        id,
        case_id,
        kind: AttachmentKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("attachment kind {kind}")))?,
        classification: Classification::parse(&classification)
            .ok_or_else(|| StoreError::Corrupt(format!("classification {classification}")))?,
        media_type: row.try_get("media_type")?,
        name: open_value(key, &sealed, &attachment_place(case_id, id, "name"))?,
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("attachment size".into()))?,
        uploaded_by: super::access::user_ref(row, "by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}
