//! A session and the case its request asks for, read together (`Store::session_and_case`), on
//! both databases: the session holds or ends exactly as `session_user` has it, and the case
//! comes out as `case_with_access` gives it, only for a fully logged-in session.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::case::CaseFields;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{NewSession, SessionStage, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

on_both!(
    a_live_session_reads_its_case,
    a_session_that_ends_reads_nothing,
    a_session_between_login_steps_reads_no_case
);

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0).unwrap()
}

const IDLE: i64 = 30;

async fn session(store: &Arc<dyn Store>, digest: u8, user: uuid::Uuid, stage: SessionStage) {
    store
        .create_session(NewSession {
            stage,
            token_digest: [digest; 32],
            user_id: user,
            now: at(8, 0),
            expires_at: at(12, 0),
        })
        .await
        .unwrap();
}

/// A worker with a case and a fully logged-in session (digest `[1; 32]`, from 8:00).
async fn a_case_and_its_workers_session(
    store: &Arc<dyn Store>,
) -> (caseward_store::User, caseward_store::CaseRecord) {
    let worker = worker(store).await;
    let case = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    session(store, 1, worker.id, SessionStage::Full).await;
    (worker, case)
}

async fn a_live_session_reads_its_case(_db: &TestDatabase, store: Arc<dyn Store>) {
    let (worker, case) = a_case_and_its_workers_session(&store).await;
    let idle = Duration::minutes(IDLE);

    let found = store
        .session_and_case(&[1; 32], at(8, 20), idle, case.summary.id)
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!(found.session.user, worker);
    assert_eq!(found.session.stage, SessionStage::Full);
    let (record, access) = found.case.unwrap().expect("the case");
    let (alone, alone_access) = store
        .case_with_access(case.summary.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (record, access),
        (alone, alone_access),
        "as case_with_access gives it"
    );

    let missing = store
        .session_and_case(&[1; 32], at(8, 21), idle, uuid::Uuid::now_v7())
        .await
        .unwrap()
        .expect("a live session");
    assert!(matches!(missing.case, Ok(None)), "no such case");

    // The read at 8:20 refreshed the idle timer: alive at 8:45, thirty minutes after 8:00.
    assert!(
        store
            .session_user(&[1; 32], at(8, 45), idle)
            .await
            .unwrap()
            .is_some()
    );
}

async fn a_session_that_ends_reads_nothing(_db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    let idle = Duration::minutes(IDLE);
    assert!(
        store
            .session_and_case(&[9; 32], at(8, 1), idle, case.summary.id)
            .await
            .unwrap()
            .is_none(),
        "an unknown token"
    );

    // Idle for thirty minutes: no session, and it is gone for good.
    session(&store, 2, worker.id, SessionStage::Full).await;
    assert!(
        store
            .session_and_case(&[2; 32], at(8, 30), idle, case.summary.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_user(&[2; 32], at(8, 1), idle)
            .await
            .unwrap()
            .is_none(),
        "removed"
    );

    // Past its absolute expiry, however recently used.
    session(&store, 3, worker.id, SessionStage::Full).await;
    assert!(
        store
            .session_and_case(&[3; 32], at(12, 0), Duration::hours(8), case.summary.id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_session_between_login_steps_reads_no_case(_db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    for (digest, stage) in [
        (4, SessionStage::SecondFactor),
        (5, SessionStage::Enrolment),
    ] {
        session(&store, digest, worker.id, stage).await;
        let found = store
            .session_and_case(
                &[digest; 32],
                at(8, 5),
                Duration::minutes(IDLE),
                case.summary.id,
            )
            .await
            .unwrap()
            .expect("a live session");
        assert_eq!(found.session.stage, stage);
        assert!(matches!(found.case, Ok(None)), "its case is not read");
    }
}

/// PostgreSQL: the connections kept for session-and-case reads (outside the pool, which checks
/// its own) are ended by the server (a restart, an administrator); the next reads open new
/// ones and answer as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_when_the_server_ends_their_connections() {
    let db = TestDatabase::new(Backend::Postgres).await;
    let store = db.open().await;
    let (_, case) = a_case_and_its_workers_session(&store).await;
    let idle = Duration::minutes(IDLE);
    let read = |minute| {
        let store = store.clone();
        async move {
            let found = store
                .session_and_case(&[1; 32], at(8, minute), idle, case.summary.id)
                .await
                .unwrap()
                .expect("a live session");
            found.case.unwrap().expect("the case").0.summary.id
        }
    };
    assert_eq!(read(1).await, case.summary.id);
    let caseward_store::StoreLocation::Postgres(url) = &db.location else {
        unreachable!()
    };
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!ended.is_empty(), "the store's connections were ended");
    for minute in 2..6 {
        assert_eq!(read(minute).await, case.summary.id);
    }
}
