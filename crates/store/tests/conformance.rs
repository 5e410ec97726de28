//! The backend conformance suite: every test runs on SQLite and on PostgreSQL.

use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::config::Intensity;
use caseward_domain::user::Role;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CaseFilter, CaseUpdate, NewCase, NewSession, NewUser, Store, StoreError, User,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use std::collections::HashSet;
use std::sync::Arc;

/// Generate one test per backend from an async fn taking the store.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Sqlite).await;
                super::$name(db.open().await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Postgres).await;
                super::$name(db.open().await).await;
            })*
        }
    };
}

conformance!(
    migrations_apply_once,
    usernames_are_unique,
    credentials_find_the_hash,
    sessions_expire_when_idle_or_old,
    case_numbers_count_per_type_and_year,
    concurrent_creates_get_distinct_numbers,
    case_fields_round_trip,
    updates_need_the_current_version,
    change_sequence_only_grows,
    lists_filter_and_page,
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

async fn user(store: &Arc<dyn Store>, name: &str) -> User {
    store
        .create_user(NewUser {
            id: uuid::Uuid::now_v7(),
            username: name.into(),
            display_name: format!("{name} display"),
            role: Role::CaseWorker,
            password_hash: format!("hash-of-{name}"),
            now: at(1, 8),
        })
        .await
        .unwrap()
}

fn new_case(
    worker: &User,
    code: &str,
    case_type: &str,
    now: DateTime<Utc>,
    fields: CaseFields,
) -> NewCase {
    NewCase {
        id: uuid::Uuid::now_v7(),
        case_type: case_type.into(),
        case_type_code: code.into(),
        stage: "identification".into(),
        intensity: Intensity::Medium,
        assigned_to: worker.id,
        created_by: worker.id,
        config_version: 1,
        fields,
        now,
    }
}

fn text(value: &str) -> FieldValue {
    FieldValue::Text(value.into())
}

async fn migrations_apply_once(store: Arc<dyn Store>) {
    assert_eq!(store.applied_migrations().await.unwrap(), vec![1]);
    assert!(store.migrate().await.unwrap().applied.is_empty());
    store.ping().await.unwrap();
}

async fn usernames_are_unique(store: Arc<dyn Store>) {
    user(&store, "worker1").await;
    let again = store
        .create_user(NewUser {
            id: uuid::Uuid::now_v7(),
            username: "worker1".into(),
            display_name: "Someone else".into(),
            role: Role::Supervisor,
            password_hash: "h".into(),
            now: at(1, 9),
        })
        .await;
    assert!(
        matches!(again, Err(StoreError::Duplicate("username"))),
        "{again:?}"
    );
}

async fn credentials_find_the_hash(store: Arc<dyn Store>) {
    let created = user(&store, "worker1").await;
    let found = store.credentials("worker1").await.unwrap().unwrap();
    assert_eq!(found.user, created);
    assert_eq!(found.password_hash, "hash-of-worker1");
    assert!(store.credentials("nobody").await.unwrap().is_none());
    store
        .set_password_hash(created.id, "new-hash", at(2, 8))
        .await
        .unwrap();
    let found = store.credentials("worker1").await.unwrap().unwrap();
    assert_eq!(found.password_hash, "new-hash");
    assert_eq!(found.user.version, 2);
    assert_eq!(
        store
            .user_by_id(created.id)
            .await
            .unwrap()
            .unwrap()
            .username,
        "worker1"
    );
}

async fn sessions_expire_when_idle_or_old(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    let idle = Duration::minutes(30);
    let start = at(2, 8);
    store
        .create_session(NewSession {
            token_digest: [1; 32],
            user_id: worker.id,
            now: start,
            expires_at: start + Duration::hours(12),
        })
        .await
        .unwrap();
    // Used every 20 minutes, the session lives until its absolute expiry.
    let mut now = start;
    for _ in 0..35 {
        now += Duration::minutes(20);
        let found = store.session_user(&[1; 32], now, idle).await.unwrap();
        assert_eq!(found.map(|u| u.id), Some(worker.id), "alive at {now}");
    }
    now += Duration::minutes(20);
    assert!(now >= start + Duration::hours(12));
    assert!(
        store
            .session_user(&[1; 32], now, idle)
            .await
            .unwrap()
            .is_none(),
        "absolute timeout"
    );

    // Left idle for 30 minutes, a session ends, and stays ended.
    store
        .create_session(NewSession {
            token_digest: [2; 32],
            user_id: worker.id,
            now: start,
            expires_at: start + Duration::hours(12),
        })
        .await
        .unwrap();
    assert!(
        store
            .session_user(&[2; 32], start + Duration::minutes(30), idle)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_user(&[2; 32], start + Duration::minutes(1), idle)
            .await
            .unwrap()
            .is_none()
    );

    // Logout removes it; an unknown digest finds nothing.
    store
        .create_session(NewSession {
            token_digest: [3; 32],
            user_id: worker.id,
            now: start,
            expires_at: start + Duration::hours(12),
        })
        .await
        .unwrap();
    assert!(
        store
            .session_user(&[3; 32], start, idle)
            .await
            .unwrap()
            .is_some()
    );
    store.delete_session(&[3; 32]).await.unwrap();
    assert!(
        store
            .session_user(&[3; 32], start, idle)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_user(&[9; 32], start, idle)
            .await
            .unwrap()
            .is_none()
    );
}

async fn case_numbers_count_per_type_and_year(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    let mut numbers = Vec::new();
    for (code, case_type, year) in [
        ("CP", "child_protection", 2026),
        ("CP", "child_protection", 2026),
        ("GBV", "gbv", 2026),
        ("CP", "child_protection", 2027),
        ("CP", "child_protection", 2026),
    ] {
        let now = Utc.with_ymd_and_hms(year, 6, 1, 12, 0, 0).unwrap();
        let case = store
            .create_case(new_case(&worker, code, case_type, now, CaseFields::new()))
            .await
            .unwrap();
        numbers.push(case.summary.case_number);
    }
    assert_eq!(
        numbers,
        [
            "CP-2026-00001",
            "CP-2026-00002",
            "GBV-2026-00001",
            "CP-2027-00001",
            "CP-2026-00003"
        ]
    );
}

async fn concurrent_creates_get_distinct_numbers(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let store = store.clone();
        let case = new_case(
            &worker,
            "CP",
            "child_protection",
            at(3, 10),
            CaseFields::new(),
        );
        tasks.push(tokio::spawn(async move {
            store.create_case(case).await.unwrap().summary.case_number
        }));
    }
    let mut numbers = HashSet::new();
    for task in tasks {
        numbers.insert(task.await.unwrap());
    }
    let expected: HashSet<String> = (1..=24).map(|n| format!("CP-2026-{n:05}")).collect();
    assert_eq!(numbers, expected);
}

fn rich_fields() -> CaseFields {
    let mut member = CaseFields::new();
    member.insert("name".into(), text("Amina"));
    member.insert("age".into(), FieldValue::Number(9.0));
    CaseFields::from([
        ("child_name".into(), text("Kofi — كوفي")),
        ("age".into(), FieldValue::Number(12.0)),
        (
            "date_of_birth".into(),
            FieldValue::Date(NaiveDate::from_ymd_opt(2014, 2, 28).unwrap()),
        ),
        ("first_contact".into(), FieldValue::DateTime(at(3, 9))),
        ("is_emergency".into(), FieldValue::YesNo(true)),
        ("sex".into(), FieldValue::Choice("female".into())),
        (
            "concerns".into(),
            FieldValue::Choices(vec!["separated".into(), "neglect".into()]),
        ),
        ("location".into(), FieldValue::Location("R01-D02".into())),
        ("family_members".into(), FieldValue::Group(vec![member])),
    ])
}

async fn case_fields_round_trip(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    let created = store
        .create_case(new_case(
            &worker,
            "CP",
            "child_protection",
            at(3, 10),
            rich_fields(),
        ))
        .await
        .unwrap();
    assert_eq!(created.fields, rich_fields());
    assert_eq!(created.summary.version, 1);
    assert_eq!(created.summary.assigned_to.username, "worker1");
    let read = store.case_by_id(created.summary.id).await.unwrap().unwrap();
    assert_eq!(read, created);
    assert!(
        store
            .case_by_id(uuid::Uuid::now_v7())
            .await
            .unwrap()
            .is_none()
    );
}

async fn updates_need_the_current_version(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    let created = store
        .create_case(new_case(
            &worker,
            "CP",
            "child_protection",
            at(3, 10),
            rich_fields(),
        ))
        .await
        .unwrap();
    let id = created.summary.id;
    let mut changed = rich_fields();
    changed.insert("child_name".into(), text("Kofi A."));
    let updated = store
        .update_case(CaseUpdate {
            id,
            expected_version: 1,
            fields: changed.clone(),
            config_version: 1,
            now: at(4, 10),
        })
        .await
        .unwrap();
    assert_eq!(updated.summary.version, 2);
    assert_eq!(updated.fields, changed);
    assert_eq!(updated.summary.updated_at, at(4, 10));
    assert_eq!(updated.summary.created_at, at(3, 10));

    // A writer still holding version 1 is refused, and nothing changes.
    let stale = store
        .update_case(CaseUpdate {
            id,
            expected_version: 1,
            fields: CaseFields::new(),
            config_version: 1,
            now: at(4, 11),
        })
        .await;
    assert!(
        matches!(
            stale,
            Err(StoreError::Conflict {
                expected: 1,
                current: 2
            })
        ),
        "{stale:?}"
    );
    assert_eq!(store.case_by_id(id).await.unwrap().unwrap(), updated);

    let missing = store
        .update_case(CaseUpdate {
            id: uuid::Uuid::now_v7(),
            expected_version: 1,
            fields: CaseFields::new(),
            config_version: 1,
            now: at(4, 11),
        })
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

async fn change_sequence_only_grows(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    let a = store
        .create_case(new_case(
            &worker,
            "CP",
            "child_protection",
            at(3, 10),
            CaseFields::new(),
        ))
        .await
        .unwrap();
    let b = store
        .create_case(new_case(
            &worker,
            "CP",
            "child_protection",
            at(3, 10),
            CaseFields::new(),
        ))
        .await
        .unwrap();
    assert!(b.summary.change_seq > a.summary.change_seq);
    let a2 = store
        .update_case(CaseUpdate {
            id: a.summary.id,
            expected_version: 1,
            fields: rich_fields(),
            config_version: 1,
            now: at(3, 11),
        })
        .await
        .unwrap();
    assert!(a2.summary.change_seq > b.summary.change_seq);
}

async fn lists_filter_and_page(store: Arc<dyn Store>) {
    let one = user(&store, "worker1").await;
    let two = user(&store, "worker2").await;
    for hour in 0..7 {
        store
            .create_case(new_case(
                &one,
                "CP",
                "child_protection",
                at(5, hour),
                CaseFields::new(),
            ))
            .await
            .unwrap();
    }
    for hour in 0..3 {
        store
            .create_case(new_case(&two, "GBV", "gbv", at(6, hour), CaseFields::new()))
            .await
            .unwrap();
    }
    let mine = CaseFilter {
        assigned_to: Some(one.id),
        page: 1,
        per_page: 5,
        ..Default::default()
    };
    let page1 = store.list_cases(&mine).await.unwrap();
    assert_eq!(page1.total, 7);
    assert_eq!(page1.items.len(), 5);
    assert!(page1.items.iter().all(|c| c.assigned_to.id == one.id));
    assert_eq!(page1.items[0].case_number, "CP-2026-00007", "newest first");
    let page2 = store
        .list_cases(&CaseFilter {
            page: 2,
            ..mine.clone()
        })
        .await
        .unwrap();
    assert_eq!(page2.items.len(), 2);
    assert_eq!(page2.items[1].case_number, "CP-2026-00001");

    let all_gbv = CaseFilter {
        case_type: Some("gbv".into()),
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    assert_eq!(store.list_cases(&all_gbv).await.unwrap().total, 3);
    let by_stage = CaseFilter {
        stage: Some("assessment".into()),
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    assert_eq!(store.list_cases(&by_stage).await.unwrap().total, 0);

    let search = |prefix: &str| CaseFilter {
        case_number_prefix: Some(prefix.into()),
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    assert_eq!(
        store
            .list_cases(&search("CP-2026-00003"))
            .await
            .unwrap()
            .items[0]
            .case_number,
        "CP-2026-00003"
    );
    assert_eq!(
        store
            .list_cases(&search("CP-2026-0000"))
            .await
            .unwrap()
            .total,
        7
    );
    assert_eq!(store.list_cases(&search("GBV")).await.unwrap().total, 3);
    // LIKE wildcards in the search text are taken literally.
    assert_eq!(store.list_cases(&search("%")).await.unwrap().total, 0);
    assert_eq!(store.list_cases(&search("CP_2026")).await.unwrap().total, 0);
}
