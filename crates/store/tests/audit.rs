//! The audit trail on both databases: appends chain, reads come back as written, the database
//! refuses changes, and `verify` names the first bad entry after each kind of tampering a
//! database superuser could do.

#[macro_use]
mod common;

use caseward_crypto::audit_chain::{chain_hash, checkpoint_message, hex};
use caseward_crypto::keyring::Keyring;
use caseward_domain::audit::{AuditAction, AuditEvent, Outcome};
use caseward_domain::audit::{AuditCheckpoint, canonical_bytes};
use caseward_store::audit_verify::{
    ChainBreak, CheckpointBreak, verify_chain, verify_chain_against,
};
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{Store, StoreError};
use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use rand::SeedableRng;
use std::sync::Arc;

on_both!(
    appends_chain_and_read_back_as_written,
    the_database_refuses_to_change_the_trail,
    a_changed_entry_is_named,
    a_removed_entry_is_named,
    swapped_entries_are_named,
    a_removed_tail_is_noticed_against_the_recorded_head,
    an_unchained_addition_is_noticed,
    concurrent_appends_make_one_chain,
    appends_and_writes_of_two_stores_make_one_chain,
    a_checkpoint_catches_a_rewritten_tail,
    a_checkpoint_catches_a_removed_tail,
    a_forged_checkpoint_is_refused,
    a_large_batch_is_one_chain_read_back_as_written,
    a_case_reason_never_enters_the_trail_unsealed,
    a_trail_of_several_pages_is_verified_to_its_end,
    entries_stored_out_of_order_are_verified_in_order,
    an_entry_this_version_cannot_read_is_reported,
    a_trail_verified_while_entries_are_appended_is_intact,
    an_edit_whose_entry_cannot_be_written_is_not_kept,
);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, minute, 0).unwrap()
        + chrono::Duration::nanoseconds(123_456_789)
}

fn event(n: u128) -> AuditEvent {
    AuditEvent {
        actor: Some(uuid::Uuid::from_u128(n)),
        actor_role: Some("case_worker".into()),
        action: AuditAction::CaseRead,
        outcome: if n.is_multiple_of(2) {
            Outcome::Allowed
        } else {
            Outcome::Denied
        },
        case_id: Some(uuid::Uuid::from_u128(1000 + n % 2)),
        subject: None,
        fields: vec!["child_name".into(), format!("field_{n}")],
        reason: (n == 3).then(|| "court order".to_string()),
        request_id: Some(format!("req-{n}")),
        client: "web".into(),
    }
}

/// Five entries, appended in two calls.
async fn five(store: &Arc<dyn Store>) {
    store
        .append_audit(vec![event(1), event(2), event(3)], at(1))
        .await
        .unwrap();
    store
        .append_audit(vec![event(4), event(5)], at(2))
        .await
        .unwrap();
}

async fn appends_chain_and_read_back_as_written(_db: &TestDatabase, store: Arc<dyn Store>) {
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!(
        (verified.verified, verified.first_break),
        (0, None),
        "empty"
    );
    let appended = store
        .append_audit(vec![event(1), event(2), event(3)], at(1))
        .await
        .unwrap();
    assert_eq!(
        appended.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(appended[1].prev_hash, appended[0].hash);
    store
        .append_audit(vec![event(4), event(5)], at(2))
        .await
        .unwrap();
    let all = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(&all[..3], &appended[..], "read back exactly as appended");
    assert_eq!(
        all[3].prev_hash, all[2].hash,
        "the second call continues the chain"
    );
    let page = store.audit_entries(2, 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4]);
    let about_case = store
        .case_audit(uuid::Uuid::from_u128(1001), 10)
        .await
        .unwrap();
    assert_eq!(
        about_case.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [5, 3, 1],
        "newest first"
    );
    assert_eq!(store.audit_head().await.unwrap(), (5, all[4].hash));
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!((verified.verified, verified.first_break), (5, None));
}

async fn the_database_refuses_to_change_the_trail(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    for sql in [
        "UPDATE audit_entries SET action = 'case.list' WHERE seq = 2",
        "DELETE FROM audit_entries WHERE seq = 5",
        "DELETE FROM audit_entries",
    ] {
        let refused = db.execute_as_application(sql).await;
        assert!(
            refused.as_ref().is_err_and(|e| e.contains("append-only")),
            "{sql}: {refused:?}"
        );
    }
    if matches!(db.location, caseward_store::StoreLocation::Postgres(_)) {
        let refused = db.execute_as_application("TRUNCATE audit_entries").await;
        assert!(refused.is_err_and(|e| e.contains("append-only")));
    }
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!((verified.verified, verified.first_break), (5, None));
}

async fn expect_break(store: &Arc<dyn Store>, expected: ChainBreak) {
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!(verified.first_break, Some(expected.clone()));
    assert_eq!(verified.verified, expected.seq() - 1);
}

async fn a_changed_entry_is_named(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    db.tamper("UPDATE audit_entries SET reason = 'nothing to see' WHERE seq = 3")
        .await;
    expect_break(&store, ChainBreak::Altered { seq: 3 }).await;
}

async fn a_removed_entry_is_named(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    db.tamper("DELETE FROM audit_entries WHERE seq = 3").await;
    expect_break(
        &store,
        ChainBreak::Missing {
            previous: 2,
            expected: 3,
            found: 4,
        },
    )
    .await;
    // Renumbering to hide the gap breaks the link instead.
    db.tamper("UPDATE audit_entries SET seq = seq - 1 WHERE seq > 3")
        .await;
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!(verified.first_break.map(|b| b.seq()), Some(3));
}

async fn swapped_entries_are_named(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    // Move entry 2 and entry 4 into each other's places, hashes and all.
    db.tamper(
        "UPDATE audit_entries SET seq = 100 WHERE seq = 2;
         UPDATE audit_entries SET seq = 2 WHERE seq = 4;
         UPDATE audit_entries SET seq = 4 WHERE seq = 100;",
    )
    .await;
    expect_break(&store, ChainBreak::Altered { seq: 2 }).await;
}

async fn a_removed_tail_is_noticed_against_the_recorded_head(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    five(&store).await;
    db.tamper("DELETE FROM audit_entries WHERE seq > 3").await;
    expect_break(&store, ChainBreak::HeadMismatch { last: 3, head: 5 }).await;
}

async fn an_unchained_addition_is_noticed(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    // A copy of entry 5 as entry 6, without moving the head.
    db.tamper(
        "INSERT INTO audit_entries (seq, at, actor_id, actor_role, action, outcome, case_id, subject_id, fields, reason, request_id, client, prev_hash, hash)
         SELECT 6, at, actor_id, actor_role, action, outcome, case_id, subject_id, fields, reason, request_id, client, hash, hash FROM audit_entries WHERE seq = 5",
    )
    .await;
    expect_break(&store, ChainBreak::Altered { seq: 6 }).await;
}

async fn concurrent_appends_make_one_chain(_db: &TestDatabase, store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for task in 0..8u128 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..10u128 {
                store
                    .append_audit(vec![event(task * 100 + n)], at(3))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!((verified.verified, verified.first_break), (80, None));
}

/// Events appended alone and writes that append with their change (a case created with its
/// entry, then edited with another), from this store and from a second one on the same
/// database (another process's, as a command run beside the server is), all at once: one
/// chain, nothing lost. (On SQLite an append, an edit and a create of one store take turns;
/// the two stores wait on SQLite's lock.)
async fn appends_and_writes_of_two_stores_make_one_chain(db: &TestDatabase, store: Arc<dyn Store>) {
    let other = db.open().await;
    let worker = common::worker(&store).await;
    let mut tasks = Vec::new();
    for (index, store) in [store.clone(), other.clone()].into_iter().enumerate() {
        for task in 0..4u128 {
            let store = store.clone();
            let base = (index as u128 * 4 + task) * 100;
            tasks.push(tokio::spawn(async move {
                for n in 0..10u128 {
                    store
                        .append_audit(vec![event(base + n)], at(3))
                        .await
                        .unwrap();
                }
            }));
        }
        let store = store.clone();
        let worker = worker.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                let mut case = common::new_case(&worker, Default::default());
                case.audit = vec![AuditEvent {
                    case_id: Some(case.id),
                    ..AuditEvent::new(Some(worker.id), AuditAction::CaseCreate)
                }];
                let created = store.create_case(case).await.unwrap();
                let edited = store
                    .update_case(edit_of(&created, worker.id))
                    .await
                    .unwrap();
                assert_eq!(edited.summary.version, 2);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!((verified.verified, verified.first_break), (120, None));
    let entries = store.audit_entries(0, 1_000).await.unwrap();
    let count = |action| entries.iter().filter(|e| e.event.action == action).count();
    assert_eq!(
        (
            count(AuditAction::CaseCreate),
            count(AuditAction::CaseUpdate)
        ),
        (20, 20)
    );
}

/// An edit of `case` (version 1) by `worker`: a new text, a search token, a report dimension
/// and its audit entry.
fn edit_of(case: &caseward_store::CaseRecord, worker: uuid::Uuid) -> caseward_store::CaseUpdate {
    let mut fields = case.fields.clone();
    fields.insert(
        "child_name".into(),
        caseward_domain::case::FieldValue::Text("Edited".into()),
    );
    caseward_store::CaseUpdate {
        id: case.summary.id,
        expected_version: 1,
        fields,
        config_version: 1,
        search_tokens: vec![caseward_store::SearchToken {
            token: [7; 32],
            restricted: false,
        }],
        dimensions: vec![caseward_store::DimensionValue {
            field: "sex".into(),
            value: "female".into(),
        }],
        audit: vec![AuditEvent {
            case_id: Some(case.summary.id),
            ..AuditEvent::new(Some(worker), AuditAction::CaseUpdate)
        }],
        now: at(5),
    }
}

/// A failed audit write fails the request: an edit whose entry the database refuses is not
/// kept (its content, version, search token and report dimension alike, and no entry); once
/// the entry can be written, the same edit is.
async fn an_edit_whose_entry_cannot_be_written_is_not_kept(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = common::worker(&store).await;
    let created = store
        .create_case(common::new_case(&worker, Default::default()))
        .await
        .unwrap();
    let id = created.summary.id;
    let head = store.audit_head().await.unwrap();
    let tallies = || async {
        let mut tallies = store.report_tallies(&["sex".into()], false).await.unwrap();
        tallies.sort();
        tallies
    };
    let before = tallies().await;
    let postgres = matches!(db.location, caseward_store::StoreLocation::Postgres(_));
    match postgres {
        true => {
            db.tamper(&format!(
                "CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
                 CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries FOR EACH ROW
                 WHEN (NEW.case_id = '{id}') EXECUTE FUNCTION refuse_entry();"
            ))
            .await
        }
        false => {
            db.tamper(&format!(
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries
                 WHEN NEW.case_id = {} BEGIN SELECT RAISE(ABORT, 'refused'); END;",
                blob(db, id.as_bytes())
            ))
            .await
        }
    }
    assert!(
        store
            .update_case(edit_of(&created, worker.id))
            .await
            .is_err()
    );
    assert_eq!(store.case_by_id(id).await.unwrap(), Some(created.clone()));
    assert_eq!(store.audit_head().await.unwrap(), head);
    assert_eq!(tallies().await, before, "the dimension was not counted");
    db.tamper(match postgres {
        true => "DROP TRIGGER refuse_entries ON audit_entries",
        false => "DROP TRIGGER refuse_entries",
    })
    .await;
    let edited = store
        .update_case(edit_of(&created, worker.id))
        .await
        .unwrap();
    assert_eq!(edited.summary.version, 2);
    assert_eq!(store.audit_head().await.unwrap().0, head.0 + 1);
    assert_ne!(tallies().await, before);
}

fn keyring(seed: u64) -> Keyring {
    Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(seed))
}

/// A checkpoint of the current head, signed by `keyring`.
async fn checkpoint(store: &Arc<dyn Store>, keyring: &Keyring) -> AuditCheckpoint {
    let (seq, hash) = store.audit_head().await.unwrap();
    let at = at(30);
    let signing = keyring.signing_key();
    AuditCheckpoint {
        seq,
        at: at.trunc_subsecs(6),
        hash,
        key_id: signing.id(),
        signature: signing
            .sign(&checkpoint_message(
                seq,
                &hash,
                at.trunc_subsecs(6).timestamp_micros(),
            ))
            .to_vec(),
    }
}

/// A byte string as an SQL literal for the backend.
fn blob(db: &TestDatabase, bytes: &[u8]) -> String {
    match db.location {
        caseward_store::StoreLocation::Postgres(_) => format!("decode('{}', 'hex')", hex(bytes)),
        _ => format!("X'{}'", hex(bytes)),
    }
}

async fn a_checkpoint_catches_a_rewritten_tail(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    let keys = keyring(1);
    let signed = checkpoint(&store, &keys).await;
    assert!(store.add_audit_checkpoint(&signed).await.unwrap());
    assert!(
        !store.add_audit_checkpoint(&signed).await.unwrap(),
        "once per entry"
    );
    let key = keys.signing_key().verifying_key();
    let stored = store.audit_checkpoints().await.unwrap();
    assert_eq!(stored, std::slice::from_ref(&signed));
    let verified = verify_chain_against(store.as_ref(), &stored, Some(&key))
        .await
        .unwrap();
    assert!(verified.is_intact(), "{verified:?}");

    // A superuser rewrites entry 4 and recomputes every hash after it, and the head.
    let entries = store.audit_entries(0, 10).await.unwrap();
    let mut prev = entries[2].hash;
    let mut script = String::new();
    for (index, entry) in entries.iter().enumerate().skip(3) {
        let mut event = entry.event.clone();
        if index == 3 {
            event.reason = Some("nothing happened".into());
            script.push_str(&format!(
                "UPDATE audit_entries SET reason = 'nothing happened' WHERE seq = {};\n",
                entry.seq
            ));
        }
        let hash = chain_hash(&prev, &canonical_bytes(entry.seq, entry.at, &event));
        script.push_str(&format!(
            "UPDATE audit_entries SET prev_hash = {}, hash = {} WHERE seq = {};\n",
            blob(db, &prev),
            blob(db, &hash),
            entry.seq
        ));
        prev = hash;
    }
    script.push_str(&format!(
        "UPDATE audit_head SET hash = {} WHERE id = 1;",
        blob(db, &prev)
    ));
    db.tamper(&script).await;
    let chain_only = verify_chain(store.as_ref()).await.unwrap();
    assert!(
        chain_only.is_intact(),
        "the chain alone cannot tell: {chain_only:?}"
    );
    let verified = verify_chain_against(store.as_ref(), &stored, Some(&key))
        .await
        .unwrap();
    assert_eq!(verified.first_break, None);
    assert_eq!(
        verified.checkpoint_break,
        Some(CheckpointBreak::Rewritten { seq: 5 })
    );
}

async fn a_checkpoint_catches_a_removed_tail(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    let keys = keyring(2);
    let signed = checkpoint(&store, &keys).await;
    let entries = store.audit_entries(0, 10).await.unwrap();
    db.tamper(&format!(
        "DELETE FROM audit_entries WHERE seq > 3; UPDATE audit_head SET seq = 3, hash = {} WHERE id = 1;",
        blob(db, &entries[2].hash)
    ))
    .await;
    assert!(verify_chain(store.as_ref()).await.unwrap().is_intact());
    let key = keys.signing_key().verifying_key();
    let verified = verify_chain_against(store.as_ref(), &[signed], Some(&key))
        .await
        .unwrap();
    assert_eq!(
        verified.checkpoint_break,
        Some(CheckpointBreak::Truncated { seq: 5, last: 3 })
    );
}

async fn a_forged_checkpoint_is_refused(_db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    let ours = keyring(3);
    let forged = checkpoint(&store, &keyring(4)).await;
    let key = ours.signing_key().verifying_key();
    let verified = verify_chain_against(store.as_ref(), std::slice::from_ref(&forged), Some(&key))
        .await
        .unwrap();
    assert_eq!(
        verified.checkpoint_break,
        Some(CheckpointBreak::BadSignature { seq: 5 })
    );
    let mut moved = checkpoint(&store, &ours).await;
    moved.seq = 4;
    let verified = verify_chain_against(store.as_ref(), &[moved], Some(&key))
        .await
        .unwrap();
    assert_eq!(
        verified.checkpoint_break,
        Some(CheckpointBreak::BadSignature { seq: 4 }),
        "a signature covers its entry number"
    );
}

/// PostgreSQL: the server's login role (a member of `caseward_app`) runs the whole store, and
/// can add to the trail but neither change it nor remove its guards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_role_only_adds_to_the_trail() {
    use sqlx::Connection;
    let db = TestDatabase::new(Backend::Postgres).await;
    let owner_store = db.open().await;
    let caseward_store::StoreLocation::Postgres(owner_url) = &db.location else {
        unreachable!()
    };
    let role = format!("caseward_app_test_{}", uuid::Uuid::now_v7().simple());
    let mut owner = sqlx::PgConnection::connect(owner_url).await.unwrap();
    sqlx::query(&format!("CREATE ROLE {role} LOGIN IN ROLE caseward_app"))
        .execute(&mut owner)
        .await
        .unwrap();
    let app_url = owner_url.replacen("postgres@", &format!("{role}@"), 1);
    let app = caseward_store::open(
        &caseward_store::StoreLocation::Postgres(app_url.clone()),
        &caseward_store::OpenOptions {
            // As `serve` opens it: with nothing left to migrate, the role needs no DDL.
            migrate: true,
            keyring: Some(db.keyring()),
            ..caseward_store::OpenOptions::default()
        },
    )
    .await
    .unwrap();
    // The application works as usual.
    app.append_audit(vec![event(1), event(2)], at(1))
        .await
        .unwrap();
    assert_eq!(owner_store.audit_head().await.unwrap().0, 2);
    // A case and its report tallies, whose triggers run as the role: it may change the
    // tallies, lock the chain's head for them, and count them afresh.
    let worker = common::worker(&app).await;
    let case = app
        .create_case(caseward_store::NewCase {
            dimensions: vec![caseward_store::DimensionValue {
                field: "sex".into(),
                value: "female".into(),
            }],
            ..common::new_case(&worker, caseward_domain::case::CaseFields::new())
        })
        .await
        .unwrap();
    assert_eq!(case.summary.stage, "identification");
    assert_eq!(
        app.report_tallies(&["sex".into()], true)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(app.reconcile_report_tallies(true).await.unwrap(), 0);
    db.tamper("UPDATE report_tallies SET cases = 5 WHERE field_id = 'sex'")
        .await;
    assert_eq!(app.reconcile_report_tallies(true).await.unwrap(), 2);
    assert_eq!(app.reconcile_report_tallies(false).await.unwrap(), 0);
    let mut as_app = sqlx::PgConnection::connect(&app_url).await.unwrap();
    for sql in [
        "UPDATE audit_entries SET reason = 'x' WHERE seq = 1",
        "DELETE FROM audit_entries WHERE seq = 2",
        "TRUNCATE audit_entries",
        "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_entries_no_change ON audit_entries",
        "DELETE FROM audit_checkpoints",
        "DROP TRIGGER case_dimensions_tally_insert ON case_dimensions",
    ] {
        let refused = sqlx::query(sql).execute(&mut as_app).await;
        let message = refused.expect_err(sql).to_string();
        assert!(
            message.contains("permission denied") || message.contains("must be owner"),
            "{sql}: {message}"
        );
    }
    let _ = as_app.close().await;
    drop(app);
    assert!(
        verify_chain(owner_store.as_ref())
            .await
            .unwrap()
            .is_intact()
    );
    // The role belongs to the server, not the database: remove it once the database is gone.
    let _ = owner.close().await;
    drop(owner_store);
    drop(db);
    let mut admin = sqlx::PgConnection::connect(&caseward_store::testing::postgres_admin_url())
        .await
        .unwrap();
    sqlx::query(&format!("DROP ROLE {role}"))
        .execute(&mut admin)
        .await
        .unwrap();
}

/// A group commit larger than one INSERT statement holds (500 entries) still makes one
/// chain, every entry read back as appended.
async fn a_large_batch_is_one_chain_read_back_as_written(
    _db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let events: Vec<AuditEvent> = (1..=1_201).map(event).collect();
    let appended = store.append_audit(events.clone(), at(1)).await.unwrap();
    assert_eq!(appended.len(), 1_201);
    let mut read = Vec::new();
    while read.len() < 1_201 {
        let page = store.audit_entries(read.len() as i64, 400).await.unwrap();
        assert!(!page.is_empty());
        read.extend(page);
    }
    assert!(read == appended, "read back exactly as appended");
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert_eq!((verified.verified, verified.first_break), (1_201, None));
}

/// A reason that is part of a case's history is sealed by the writes that record it; the
/// plain append refuses one rather than write it in clear.
async fn a_case_reason_never_enters_the_trail_unsealed(_db: &TestDatabase, store: Arc<dyn Store>) {
    let share = AuditEvent {
        action: AuditAction::CaseShare,
        outcome: Outcome::Allowed,
        reason: Some("the uncle threatened her".into()),
        ..event(2)
    };
    let refused = store.append_audit(vec![share.clone()], at(1)).await;
    assert!(
        matches!(refused, Err(StoreError::Corrupt(_))),
        "{refused:?}"
    );
    assert_eq!(store.audit_head().await.unwrap().0, 0, "nothing written");
    // A refusal's reason is the server's own words, and a purge's stays readable.
    let denied = AuditEvent {
        outcome: Outcome::Denied,
        reason: Some("the case's content could not be decrypted".into()),
        ..share.clone()
    };
    let purge = AuditEvent {
        action: AuditAction::CasePurge,
        reason: Some("retention period ended".into()),
        ..share
    };
    store
        .append_audit(vec![denied, purge], at(2))
        .await
        .unwrap();
}

/// `verify` reads the trail in pages (10,000 entries each, several read at once): it reads
/// every page in order, and names a changed entry deep in the third and a missing one at the
/// third's start.
async fn a_trail_of_several_pages_is_verified_to_its_end(db: &TestDatabase, store: Arc<dyn Store>) {
    let events: Vec<AuditEvent> = (1..=25_001).map(event).collect();
    store.append_audit(events.clone(), at(1)).await.unwrap();
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert!(verified.is_intact(), "{verified:?}");
    assert_eq!(verified.verified, 25_001);
    assert_eq!(
        verified.head_hash,
        hex(&store.audit_head().await.unwrap().1)
    );
    db.tamper("UPDATE audit_entries SET client = 'api' WHERE seq = 23456")
        .await;
    expect_break(&store, ChainBreak::Altered { seq: 23_456 }).await;
    // The first entry of the third page, read by a reader of its own on PostgreSQL.
    db.tamper("DELETE FROM audit_entries WHERE seq = 20001")
        .await;
    expect_break(
        &store,
        ChainBreak::Missing {
            previous: 20_000,
            expected: 20_001,
            found: 20_002,
        },
    )
    .await;
}

/// PostgreSQL's `verify` reads the table's blocks, not its index: a row written (here
/// rewritten unchanged) where an earlier entry's would come after it is put back in its place,
/// across pages, and a change or a gap is still named where it is.
async fn entries_stored_out_of_order_are_verified_in_order(
    db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let events: Vec<AuditEvent> = (1..=25_001).map(event).collect();
    store.append_audit(events, at(1)).await.unwrap();
    // A new row version goes after the rows there (PostgreSQL); the first 3,000 entries end
    // up after all the others.
    db.tamper("UPDATE audit_entries SET seq = seq WHERE seq <= 3000 OR seq % 997 = 0")
        .await;
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert!(verified.is_intact(), "{verified:?}");
    assert_eq!(verified.verified, 25_001);
    db.tamper("UPDATE audit_entries SET client = 'api' WHERE seq = 1994")
        .await;
    expect_break(&store, ChainBreak::Altered { seq: 1994 }).await;
    // Moved out of the chain's numbers, then removed: named alike.
    for tamper in [
        "UPDATE audit_entries SET seq = -7 WHERE seq = 7",
        "DELETE FROM audit_entries WHERE seq = -7",
    ] {
        db.tamper(tamper).await;
        expect_break(
            &store,
            ChainBreak::Missing {
                previous: 6,
                expected: 7,
                found: 8,
            },
        )
        .await;
    }
}

/// An entry whose action this version does not know is reported, naming the entry, rather
/// than hashed as if it were understood.
async fn an_entry_this_version_cannot_read_is_reported(db: &TestDatabase, store: Arc<dyn Store>) {
    five(&store).await;
    db.tamper("UPDATE audit_entries SET action = 'case.eat' WHERE seq = 4")
        .await;
    let error = verify_chain(store.as_ref()).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error:?}");
    assert!(error.to_string().contains("audit entry 4"), "{error}");
}

/// The server may keep running while the trail is verified: the entries it appends meanwhile
/// are checked up to the head read at the end, not taken for entries outside the chain.
async fn a_trail_verified_while_entries_are_appended_is_intact(
    _db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let events: Vec<AuditEvent> = (1..=25_000).map(event).collect();
    store.append_audit(events, at(1)).await.unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let appending = tokio::spawn({
        let (store, stop) = (store.clone(), stop.clone());
        async move {
            let mut appended = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                store.append_audit(vec![event(7)], at(2)).await.unwrap();
                appended += 1;
            }
            appended
        }
    });
    while store.audit_head().await.unwrap().0 == 25_000 {
        tokio::task::yield_now().await;
    }
    for _ in 0..3 {
        let verified = verify_chain(store.as_ref()).await.unwrap();
        assert!(verified.is_intact(), "{verified:?}");
        assert!(verified.verified > 25_000, "{verified:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let appended = appending.await.unwrap();
    assert!(appended > 0);
    let verified = verify_chain(store.as_ref()).await.unwrap();
    assert!(verified.is_intact(), "{verified:?}");
    assert_eq!(verified.verified, 25_000 + i64::from(appended));
}
