//! The audit trail on both databases: appends chain, reads come back as written, the database
//! refuses changes, and `verify` names the first bad entry after each kind of tampering a
//! database superuser could do.

use caseward_domain::audit::{AuditAction, AuditEvent, Outcome};
use caseward_store::Store;
use caseward_store::audit_verify::{ChainBreak, verify_chain};
use caseward_store::testing::{Backend, TestDatabase};
use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Sqlite).await;
                let store = db.open().await;
                super::$name(&db, store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Postgres).await;
                let store = db.open().await;
                super::$name(&db, store).await;
            })*
        }
    };
}

on_both!(
    appends_chain_and_read_back_as_written,
    the_database_refuses_to_change_the_trail,
    a_changed_entry_is_named,
    a_removed_entry_is_named,
    swapped_entries_are_named,
    a_removed_tail_is_noticed_against_the_recorded_head,
    an_unchained_addition_is_noticed,
    concurrent_appends_make_one_chain,
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
        .append_audit(&[event(1), event(2), event(3)], at(1))
        .await
        .unwrap();
    store
        .append_audit(&[event(4), event(5)], at(2))
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
        .append_audit(&[event(1), event(2), event(3)], at(1))
        .await
        .unwrap();
    assert_eq!(
        appended.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(appended[1].prev_hash, appended[0].hash);
    store
        .append_audit(&[event(4), event(5)], at(2))
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
                    .append_audit(&[event(task * 100 + n)], at(3))
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
