//! Attachments on both databases: content stream-encrypted into the attachments folder with
//! the name sealed in the row; nothing of either readable on disk; a refused upload keeps
//! nothing; a changed or moved file does not open; a purge takes the files too.

#[macro_use]
mod common;

use caseward_domain::attachment::AttachmentKind;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::config::Classification;
use caseward_store::attachment_files::Upload;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{AttachmentRecord, NewAttachment, Store, StoreError, User};
use chrono::{TimeZone, Utc};
use common::{new_case, worker};
use std::sync::Arc;

on_both!(
    an_attachment_is_kept_encrypted_and_reads_back,
    a_refused_upload_keeps_nothing,
    a_changed_or_moved_file_does_not_open,
    a_purge_takes_the_attachments,
    a_removed_attachment_is_gone_with_its_file,
);

async fn case(store: &Arc<dyn Store>, worker: &User) -> uuid::Uuid {
    let fields = CaseFields::from([("child_name".into(), FieldValue::Text("A".into()))]);
    store
        .create_case(new_case(worker, fields))
        .await
        .unwrap()
        .summary
        .id
}

fn new_attachment(case: uuid::Uuid, worker: &User, name: &str, max_bytes: u64) -> NewAttachment {
    let id = uuid::Uuid::now_v7();
    NewAttachment {
        id,
        case_id: case,
        kind: AttachmentKind::ConsentForm,
        classification: Classification::Restricted,
        media_type: "application/pdf".into(),
        name: name.into(),
        uploaded_by: worker.id,
        max_bytes,
        audit: vec![AuditEvent {
            case_id: Some(case),
            subject: Some(id),
            ..AuditEvent::new(Some(worker.id), AuditAction::AttachmentUpload)
        }],
        now: Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap(),
    }
}

/// Content arriving in uneven pieces, as an HTTP body does.
fn upload(content: &[u8]) -> Upload<'static> {
    let pieces: Vec<std::io::Result<Vec<u8>>> =
        content.chunks(7_919).map(|c| Ok(c.to_vec())).collect();
    Box::pin(futures_util::stream::iter(pieces))
}

/// A PDF-looking document of `len` bytes with `canary` written through it.
fn document(canary: &str, len: usize) -> Vec<u8> {
    let mut content = b"%PDF-1.7\n".to_vec();
    while content.len() < len {
        content.extend_from_slice(canary.as_bytes());
        content.push(b'\n');
    }
    content.truncate(len);
    content
}

async fn read_all(
    store: &Arc<dyn Store>,
    case: uuid::Uuid,
    id: uuid::Uuid,
) -> Result<(AttachmentRecord, Vec<u8>), StoreError> {
    let (record, mut content) = store
        .open_attachment(case, id)
        .await?
        .expect("the attachment");
    let mut bytes = Vec::new();
    while let Some(chunk) = content.next_chunk().await? {
        bytes.extend_from_slice(&chunk);
    }
    Ok((record, bytes))
}

fn canary() -> String {
    format!("CANARY{}", uuid::Uuid::now_v7().simple())
}

async fn an_attachment_is_kept_encrypted_and_reads_back(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = case(&store, &worker).await;
    let (name, inside) = (canary(), canary());
    // Past several chunks, and not a whole number of them.
    let content = document(&inside, 200_001);
    let new = new_attachment(case, &worker, &format!("{name}.pdf"), 1 << 20);
    let id = new.id;
    let added = store.add_attachment(new, upload(&content)).await.unwrap();
    assert_eq!(
        (added.name.as_str(), added.size),
        (format!("{name}.pdf").as_str(), 200_001)
    );
    assert_eq!(added.uploaded_by.id, worker.id);
    let (record, bytes) = read_all(&store, case, id).await.unwrap();
    assert_eq!(record, added);
    assert!(bytes == content, "the content reads back whole");
    assert_eq!(store.case_attachments(case).await.unwrap(), [added]);
    let trail = store.case_audit(case, 10).await.unwrap();
    assert_eq!(trail[0].event.action, AuditAction::AttachmentUpload);
    assert_eq!(trail[0].event.subject, Some(id));
    // An empty document reads back empty.
    let empty = new_attachment(case, &worker, "empty.pdf", 1 << 20);
    let empty_id = empty.id;
    store.add_attachment(empty, upload(b"")).await.unwrap();
    assert_eq!(read_all(&store, case, empty_id).await.unwrap().1, b"");

    let raw = db.raw_contents().await;
    assert!(raw.len() > 200_000, "the scan saw the attachment files");
    assert!(!raw.contains(&name), "the name is stored in clear");
    assert!(!raw.contains(&inside), "the content is stored in clear");
    assert!(!raw.contains("%PDF-1.7"), "the content is stored in clear");
}

async fn a_refused_upload_keeps_nothing(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = case(&store, &worker).await;
    let too_large = store
        .add_attachment(
            new_attachment(case, &worker, "big.pdf", 100_000),
            upload(&document("x", 100_001)),
        )
        .await;
    assert!(
        matches!(too_large, Err(StoreError::TooLarge { max_bytes: 100_000 })),
        "{too_large:?}"
    );
    let at_limit = store
        .add_attachment(
            new_attachment(case, &worker, "fits.pdf", 100_000),
            upload(&document("x", 100_000)),
        )
        .await;
    assert!(at_limit.is_ok(), "exactly the limit is accepted");
    let no_case = store
        .add_attachment(
            new_attachment(uuid::Uuid::now_v7(), &worker, "a.pdf", 100_000),
            upload(b"%PDF-"),
        )
        .await;
    assert!(matches!(no_case, Err(StoreError::NotFound)), "{no_case:?}");
    let failing: Upload<'static> = Box::pin(futures_util::stream::iter(vec![
        Ok(vec![b'%'; 70_000]),
        Err(std::io::Error::other("the client went away")),
    ]));
    let broken = store
        .add_attachment(new_attachment(case, &worker, "cut.pdf", 1 << 20), failing)
        .await;
    assert!(matches!(broken, Err(StoreError::Io(_))), "{broken:?}");
    assert_eq!(store.case_attachments(case).await.unwrap().len(), 1);
    let files: Vec<_> = walk(&db.attachments);
    assert_eq!(
        files.len(),
        1,
        "only the accepted file is on disk: {files:?}"
    );
    let uploads = store
        .case_audit(case, 10)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.event.action == AuditAction::AttachmentUpload)
        .count();
    assert_eq!(uploads, 1, "refused uploads leave no upload entry");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

async fn a_changed_or_moved_file_does_not_open(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = case(&store, &worker).await;
    let first = new_attachment(case, &worker, "a.pdf", 1 << 20);
    let second = new_attachment(case, &worker, "b.pdf", 1 << 20);
    let (a, b) = (first.id, second.id);
    store
        .add_attachment(first, upload(&document("a", 70_000)))
        .await
        .unwrap();
    store
        .add_attachment(second, upload(&document("b", 70_000)))
        .await
        .unwrap();
    let path = |id: uuid::Uuid| {
        db.attachments
            .join(case.to_string())
            .join(format!("{id}.cws"))
    };
    // One bit changed in the second chunk: the first chunk still opens, the second does not.
    let mut bytes = std::fs::read(path(a)).unwrap();
    let i = bytes.len() - 10;
    bytes[i] ^= 1;
    std::fs::write(path(a), &bytes).unwrap();
    let changed = read_all(&store, case, a).await;
    assert!(
        matches!(changed, Err(StoreError::Undecryptable(_))),
        "{changed:?}"
    );
    // Another attachment's file put in place of this one (same length): bound to its own id.
    std::fs::copy(path(b), path(a)).unwrap();
    let moved = read_all(&store, case, a).await;
    assert!(
        matches!(moved, Err(StoreError::Undecryptable(_))),
        "{moved:?}"
    );
    // Cut short.
    let full = std::fs::read(path(b)).unwrap();
    std::fs::write(path(b), &full[..full.len() - 100]).unwrap();
    let cut = store.open_attachment(case, b).await;
    assert!(matches!(cut, Err(StoreError::Undecryptable(_))), "{cut:?}");
}

async fn a_purge_takes_the_attachments(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = case(&store, &worker).await;
    let kept = self::case(&store, &worker).await;
    store
        .add_attachment(
            new_attachment(case, &worker, "a.pdf", 1 << 20),
            upload(&document("a", 10)),
        )
        .await
        .unwrap();
    store
        .add_attachment(
            new_attachment(kept, &worker, "b.pdf", 1 << 20),
            upload(&document("b", 10)),
        )
        .await
        .unwrap();
    assert!(
        store
            .purge_case(case, "retention", &[], Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !db.attachments.join(case.to_string()).exists(),
        "the case's files are gone"
    );
    assert_eq!(walk(&db.attachments).len(), 1, "another case's files stay");
    assert_eq!(store.case_attachments(kept).await.unwrap().len(), 1);
    assert_eq!(store.case_attachments(case).await.unwrap(), []);
}

async fn a_removed_attachment_is_gone_with_its_file(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = case(&store, &worker).await;
    let (a, b) = (
        new_attachment(case, &worker, "a.pdf", 1 << 20),
        new_attachment(case, &worker, "b.pdf", 1 << 20),
    );
    let (a_id, b_id) = (a.id, b.id);
    store
        .add_attachment(a, upload(&document("a", 10)))
        .await
        .unwrap();
    store
        .add_attachment(b, upload(&document("b", 10)))
        .await
        .unwrap();
    let event = AuditEvent {
        case_id: Some(case),
        subject: Some(a_id),
        reason: Some("filed on the wrong case".into()),
        ..AuditEvent::new(Some(worker.id), AuditAction::AttachmentRemove)
    };
    assert!(
        store
            .remove_attachment(case, a_id, &[event], Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .remove_attachment(case, a_id, &[], Utc::now())
            .await
            .unwrap(),
        "once"
    );
    assert!(
        !store
            .remove_attachment(uuid::Uuid::now_v7(), b_id, &[], Utc::now())
            .await
            .unwrap(),
        "only from its own case"
    );
    let left: Vec<_> = store
        .case_attachments(case)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, [b_id]);
    assert_eq!(walk(&db.attachments).len(), 1, "its file is gone");
    let trail = store.case_audit(case, 10).await.unwrap();
    assert_eq!(trail[0].event.action, AuditAction::AttachmentRemove);
    assert_eq!(
        trail[0].event.reason.as_deref(),
        Some("filed on the wrong case")
    );
}
