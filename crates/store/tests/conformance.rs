//! The backend conformance suite: every test runs on SQLite and on PostgreSQL.

mod common;

use caseward_domain::access::consent::{Consent, InformationScope, Recipient};
use caseward_domain::access::role::Roles;
use caseward_domain::access::{Actor, CaseAction, CaseFacts, Permission, may};
use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::config::Classification;
use caseward_domain::config::Intensity;
use caseward_domain::user::Role;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CaseFilter, CaseUpdate, ConsentWithdrawal, NewAgency, NewCase, NewFieldGrant, NewSession,
    NewShare, NewTeam, NewUser, Reach, Reassignment, Revocation, SessionStage, Store, StoreError,
    TeamChanges, User, UserChanges,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::team;
use std::collections::{HashMap, HashSet};
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
    concurrent_updates_commit_and_conflict_apart,
    change_sequence_only_grows,
    lists_filter_and_page,
    teams_keep_supervisor_members_and_case_types,
    shares_and_field_grants_are_granted_once_and_revoked,
    consents_are_recorded_and_withdrawn,
    agencies_are_named_once_and_users_join_them,
    reassignment_needs_the_current_version,
    the_new_assignees_share_ends_with_the_reassignment,
    a_write_and_its_audit_entries_commit_together,
    caseload_counts_open_cases_only,
    users_are_listed_and_updated_with_versions,
    list_reach_agrees_with_the_access_policy,
    login_failures_lock_a_key_for_a_while,
    second_factor_steps_and_recovery_codes_are_single_use,
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
            role: Role::CASE_WORKER,
            agency: None,
            password_hash: format!("hash-of-{name}"),
            audit: Vec::new(),
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
        caseload_override_reason: None,
        search_tokens: Vec::new(),
        dimensions: Vec::new(),
        audit: Vec::new(),
        now,
    }
}

fn text(value: &str) -> FieldValue {
    FieldValue::Text(value.into())
}

async fn migrations_apply_once(store: Arc<dyn Store>) {
    let all: Vec<u32> = caseward_store::migrations::SQLITE
        .iter()
        .map(|m| m.number)
        .collect();
    assert_eq!(store.applied_migrations().await.unwrap(), all);
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
            role: Role::SUPERVISOR,
            agency: None,
            password_hash: "h".into(),
            audit: Vec::new(),
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
            stage: SessionStage::Full,
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
        assert_eq!(found.map(|s| s.user.id), Some(worker.id), "alive at {now}");
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
            stage: SessionStage::Full,
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
            stage: SessionStage::Full,
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
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: Vec::new(),
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
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: Vec::new(),
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
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: Vec::new(),
            now: at(4, 11),
        })
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

/// Many edits at once (on SQLite, committed together in batches): each case takes exactly one
/// of the two edits based on its version 1, the other is a conflict that leaves nothing, and the
/// audit trail is one chain holding one entry per accepted edit.
async fn concurrent_updates_commit_and_conflict_apart(store: Arc<dyn Store>) {
    use caseward_domain::audit::{AuditAction, AuditEvent};
    let worker = user(&store, "worker1").await;
    let mut ids = Vec::new();
    for _ in 0..16 {
        let case = new_case(&worker, "CP", "child_protection", at(3, 10), rich_fields());
        ids.push(store.create_case(case).await.unwrap().summary.id);
    }
    let head = store.audit_head().await.unwrap().0;
    let mut tasks = Vec::new();
    for (n, id) in ids.iter().chain(ids.iter()).enumerate() {
        let store = store.clone();
        let mut fields = rich_fields();
        fields.insert("child_name".into(), text(&format!("edit {n}")));
        let update = CaseUpdate {
            id: *id,
            expected_version: 1,
            fields,
            config_version: 1,
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: vec![AuditEvent {
                case_id: Some(*id),
                ..AuditEvent::new(Some(worker.id), AuditAction::CaseUpdate)
            }],
            now: at(4, 10),
        };
        tasks.push(tokio::spawn(async move { store.update_case(update).await }));
    }
    let mut accepted = HashMap::new();
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(record) => {
                assert_eq!(record.summary.version, 2);
                let previous = accepted.insert(record.summary.id, record);
                assert!(
                    previous.is_none(),
                    "two edits of version 1 were both accepted"
                );
            }
            Err(StoreError::Conflict {
                expected: 1,
                current: 2,
            }) => conflicts += 1,
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!((accepted.len(), conflicts), (16, 16));
    for (id, record) in &accepted {
        assert_eq!(&store.case_by_id(*id).await.unwrap().unwrap(), record);
    }
    assert_eq!(store.audit_head().await.unwrap().0, head + 16);
    let verified = caseward_store::audit_verify::verify_chain(store.as_ref())
        .await
        .unwrap();
    assert_eq!(verified.first_break, None);
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
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: Vec::new(),
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

async fn user_with_role(store: &Arc<dyn Store>, name: &str, role: Role) -> User {
    store
        .create_user(NewUser {
            id: uuid::Uuid::now_v7(),
            username: name.into(),
            display_name: format!("{name} display"),
            role,
            agency: None,
            password_hash: "h".into(),
            audit: Vec::new(),
            now: at(1, 8),
        })
        .await
        .unwrap()
}

async fn teams_keep_supervisor_members_and_case_types(store: Arc<dyn Store>) {
    let sup = user_with_role(&store, "supervisor1", Role::SUPERVISOR).await;
    let w1 = user(&store, "worker1").await;
    let w2 = user(&store, "worker2").await;
    let a = team(&store, "Team A", &sup, &[&w1, &w2], &["gbv"]).await;
    assert_eq!(a.supervisor.as_ref().unwrap().username, "supervisor1");
    assert_eq!(
        a.members
            .iter()
            .map(|m| m.username.as_str())
            .collect::<Vec<_>>(),
        ["worker1", "worker2"]
    );
    assert!(a.team.handles("gbv") && !a.team.handles("child_protection"));
    let again = store
        .create_team(NewTeam {
            id: uuid::Uuid::now_v7(),
            name: "Team A".into(),
            supervisor: None,
            case_types: Default::default(),
            audit: Vec::new(),
            now: at(1, 9),
        })
        .await;
    assert!(
        matches!(again, Err(StoreError::Duplicate("team name"))),
        "{again:?}"
    );

    let changed = store
        .update_team(
            a.team.id,
            a.version,
            TeamChanges {
                name: Some("Team North".into()),
                supervisor: Some(None),
                case_types: Some(Default::default()),
                audit: Vec::new(),
            },
            at(2, 9),
        )
        .await
        .unwrap();
    assert_eq!(changed.team.name, "Team North");
    assert!(changed.supervisor.is_none());
    assert!(
        changed.team.handles("child_protection"),
        "no case types listed: every type"
    );
    assert!(changed.version > a.version);
    let stale = store
        .update_team(a.team.id, a.version, TeamChanges::default(), at(2, 9))
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );

    let removed = store
        .remove_team_member(a.team.id, w2.id, &[], at(2, 10))
        .await
        .unwrap();
    assert_eq!(removed.members.len(), 1);
    assert!(matches!(
        store
            .remove_team_member(a.team.id, w2.id, &[], at(2, 10))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.teams_of(w1.id).await.unwrap().len(), 1);
    assert!(store.teams_of(w2.id).await.unwrap().is_empty());
    assert_eq!(store.list_teams().await.unwrap().len(), 1);
    assert!(matches!(
        store
            .add_team_member(uuid::Uuid::now_v7(), w1.id, &[], at(2, 10))
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn shares_and_field_grants_are_granted_once_and_revoked(store: Arc<dyn Store>) {
    let w1 = user(&store, "worker1").await;
    let w2 = user(&store, "worker2").await;
    let case = store
        .create_case(new_case(&w1, "GBV", "gbv", at(3, 10), CaseFields::new()))
        .await
        .unwrap();
    let id = case.summary.id;
    let share = NewShare {
        id: uuid::Uuid::now_v7(),
        case_id: id,
        user_id: w2.id,
        reason: "joint visit".into(),
        granted_by: w1.id,
        consent_override_reason: Some("risk to life".into()),
        audit: Vec::new(),
        now: at(3, 11),
    };
    let made = store.create_share(share.clone()).await.unwrap();
    assert_eq!(made.user.username, "worker2");
    assert_eq!(made.granted_by.username, "worker1");
    assert_eq!(
        made.consent_override_reason.as_deref(),
        Some("risk to life")
    );
    let twice = store
        .create_share(NewShare {
            id: uuid::Uuid::now_v7(),
            ..share.clone()
        })
        .await;
    assert!(
        matches!(twice, Err(StoreError::Duplicate("share"))),
        "{twice:?}"
    );
    let grant = NewFieldGrant {
        id: uuid::Uuid::now_v7(),
        case_id: id,
        user_id: w2.id,
        field_id: "safety_plan".into(),
        reason: "safety planning together".into(),
        granted_by: w1.id,
        audit: Vec::new(),
        now: at(3, 12),
    };
    let granted = store.create_field_grant(grant.clone()).await.unwrap();
    assert!(matches!(
        store
            .create_field_grant(NewFieldGrant {
                id: uuid::Uuid::now_v7(),
                ..grant.clone()
            })
            .await,
        Err(StoreError::Duplicate("field grant"))
    ));
    let access = store.case_access(id).await.unwrap();
    assert_eq!(
        access.shares,
        [made],
        "read back whole, times to the stored precision"
    );
    assert_eq!(access.field_grants, [granted]);
    let (case, with_case) = store.case_with_access(id).await.unwrap().unwrap();
    assert_eq!(case, store.case_by_id(id).await.unwrap().unwrap());
    assert_eq!(
        (with_case.shares, with_case.field_grants),
        (access.shares.clone(), access.field_grants.clone()),
        "one query or two, the same facts"
    );
    assert!(
        store
            .case_with_access(uuid::Uuid::now_v7())
            .await
            .unwrap()
            .is_none()
    );

    let revoke = |field: Option<&str>| Revocation {
        case_id: id,
        user_id: w2.id,
        field_id: field.map(str::to_string),
        by: w1.id,
        reason: "visit done".into(),
        audit: Vec::new(),
        now: at(4, 9),
    };
    store.revoke(revoke(Some("safety_plan"))).await.unwrap();
    assert!(matches!(
        store.revoke(revoke(Some("safety_plan"))).await,
        Err(StoreError::NotFound)
    ));
    store.revoke(revoke(None)).await.unwrap();
    assert!(matches!(
        store.revoke(revoke(None)).await,
        Err(StoreError::NotFound)
    ));
    let access = store.case_access(id).await.unwrap();
    assert!(access.shares.is_empty() && access.field_grants.is_empty());
    // Sharing again after a revocation is a new share.
    store
        .create_share(NewShare {
            id: uuid::Uuid::now_v7(),
            ..share
        })
        .await
        .unwrap();
    assert!(matches!(
        store.case_access(uuid::Uuid::now_v7()).await,
        Err(StoreError::NotFound)
    ));
}

async fn consents_are_recorded_and_withdrawn(store: Arc<dyn Store>) {
    let w1 = user(&store, "worker1").await;
    let w2 = user(&store, "worker2").await;
    let case = store
        .create_case(new_case(&w1, "GBV", "gbv", at(3, 10), CaseFields::new()))
        .await
        .unwrap();
    let id = case.summary.id;
    let consent = Consent {
        id: uuid::Uuid::now_v7(),
        recipient: Recipient::User(w2.id),
        information: InformationScope::Fields(
            ["safety_plan".to_string(), "needs".to_string()].into(),
        ),
        purpose: "joint safety planning".into(),
        given_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        recorded_by: w1.id,
        guardian_involved: Some(false),
        child_assent: None,
        withdrawn_at: None,
    };
    let recorded = store
        .record_consent(id, consent.clone(), &[], at(3, 11))
        .await
        .unwrap();
    assert_eq!(recorded.consent, consent);
    let agency = Consent {
        id: uuid::Uuid::now_v7(),
        recipient: Recipient::ExternalAgency("Women's Legal Aid".into()),
        information: InformationScope::UpTo(Classification::Restricted),
        ..consent.clone()
    };
    store
        .record_consent(id, agency.clone(), &[], at(3, 12))
        .await
        .unwrap();
    let partner = store
        .create_agency(NewAgency {
            id: uuid::Uuid::now_v7(),
            name: "Safe Haven".into(),
            audit: Vec::new(),
            now: at(3, 9),
        })
        .await
        .unwrap();
    let member_agency = Consent {
        id: uuid::Uuid::now_v7(),
        recipient: Recipient::Agency {
            id: partner.id,
            name: "Safe Haven".into(),
        },
        ..agency.clone()
    };
    store
        .record_consent(id, member_agency.clone(), &[], at(3, 13))
        .await
        .unwrap();
    let withdrawal = ConsentWithdrawal {
        case_id: id,
        consent_id: consent.id,
        by: w1.id,
        reason: "survivor's decision".into(),
        audit: Vec::new(),
        now: at(4, 9),
    };
    let withdrawn = store.withdraw_consent(withdrawal.clone()).await.unwrap();
    assert_eq!(withdrawn.consent.withdrawn_at, Some(at(4, 9)));
    assert_eq!(
        withdrawn.withdraw_reason.as_deref(),
        Some("survivor's decision")
    );
    assert!(
        matches!(
            store.withdraw_consent(withdrawal).await,
            Err(StoreError::NotFound)
        ),
        "only once"
    );
    let consents = store.case_access(id).await.unwrap().consents;
    assert_eq!(consents.len(), 3);
    assert_eq!(consents[1].consent, agency);
    assert_eq!(consents[2].consent, member_agency);
}

async fn agencies_are_named_once_and_users_join_them(store: Arc<dyn Store>) {
    let new = |name: &str| NewAgency {
        id: uuid::Uuid::now_v7(),
        name: name.into(),
        audit: Vec::new(),
        now: at(1, 9),
    };
    let legal = store.create_agency(new("Women's Legal Aid")).await.unwrap();
    let haven = store.create_agency(new("Safe Haven")).await.unwrap();
    assert!(
        matches!(
            store.create_agency(new("women's legal aid")).await,
            Err(StoreError::Duplicate("name"))
        ),
        "names are unique, ignoring case"
    );
    let names: Vec<String> = store
        .list_agencies()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Safe Haven", "Women's Legal Aid"]);
    let renamed = store
        .rename_agency(haven.id, 1, "Safe Haven Shelter", &[], at(1, 10))
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.version),
        ("Safe Haven Shelter", 2)
    );
    assert!(matches!(
        store
            .rename_agency(haven.id, 1, "Again", &[], at(1, 11))
            .await,
        Err(StoreError::Conflict {
            expected: 1,
            current: 2
        })
    ));
    assert!(matches!(
        store
            .rename_agency(haven.id, 2, "WOMEN'S LEGAL AID", &[], at(1, 11))
            .await,
        Err(StoreError::Duplicate("name"))
    ));
    assert!(matches!(
        store
            .rename_agency(uuid::Uuid::now_v7(), 1, "Nobody", &[], at(1, 11))
            .await,
        Err(StoreError::NotFound)
    ));

    let worker = user(&store, "worker1").await;
    assert_eq!(worker.agency, None);
    let change = |version: i64, agency: Option<Option<uuid::Uuid>>| UserChanges {
        expected_version: version,
        display_name: None,
        role: None,
        agency,
        disabled: None,
        audit: Vec::new(),
        now: at(2, 9),
    };
    let joined = store
        .update_user(worker.id, change(1, Some(Some(legal.id))))
        .await
        .unwrap();
    assert_eq!(joined.agency, Some(legal.id));
    let kept = store.update_user(worker.id, change(2, None)).await.unwrap();
    assert_eq!(kept.agency, Some(legal.id), "absent leaves it as it is");
    let left = store
        .update_user(worker.id, change(3, Some(None)))
        .await
        .unwrap();
    assert_eq!(left.agency, None);
    assert_eq!(
        store.user_by_id(worker.id).await.unwrap().unwrap().agency,
        None
    );
}

async fn the_new_assignees_share_ends_with_the_reassignment(store: Arc<dyn Store>) {
    let w1 = user(&store, "worker1").await;
    let w2 = user(&store, "worker2").await;
    let w3 = user(&store, "worker3").await;
    let case = store
        .create_case(new_case(
            &w1,
            "CP",
            "child_protection",
            at(3, 10),
            rich_fields(),
        ))
        .await
        .unwrap();
    for recipient in [&w2, &w3] {
        store
            .create_share(NewShare {
                id: uuid::Uuid::now_v7(),
                case_id: case.summary.id,
                user_id: recipient.id,
                reason: "joint case management".into(),
                granted_by: w1.id,
                consent_override_reason: None,
                audit: Vec::new(),
                now: at(3, 11),
            })
            .await
            .unwrap();
    }
    store
        .reassign_case(Reassignment {
            case_id: case.summary.id,
            expected_version: 1,
            to: w2.id,
            by: w1.id,
            reason: "handed over: family moved to worker2's area".into(),
            caseload_override_reason: None,
            audit: Vec::new(),
            now: at(4, 9),
        })
        .await
        .unwrap();
    let access = store.case_access(case.summary.id).await.unwrap();
    let shared: Vec<&str> = access
        .shares
        .iter()
        .map(|s| s.user.username.as_str())
        .collect();
    assert_eq!(
        shared,
        ["worker3"],
        "worker2 owns the case now; worker3 still shares it"
    );
    let history = store.case_assignments(case.summary.id).await.unwrap();
    assert_eq!(history.last().unwrap().to.username, "worker2");
}

async fn a_write_and_its_audit_entries_commit_together(store: Arc<dyn Store>) {
    use caseward_domain::audit::{AuditAction, AuditEvent};
    let w1 = user(&store, "worker1").await;
    let mut opening = new_case(&w1, "CP", "child_protection", at(3, 10), rich_fields());
    let case_id = opening.id;
    let event = |action| AuditEvent {
        case_id: Some(case_id),
        fields: vec!["child_name".into()],
        ..AuditEvent::new(Some(w1.id), action)
    };
    opening.audit = vec![event(AuditAction::CaseCreate)];
    let case = store.create_case(opening.clone()).await.unwrap();
    assert_eq!(store.audit_head().await.unwrap().0, 1);
    // A refused write leaves no entry; an accepted one leaves exactly its own.
    let update = |version: i64| CaseUpdate {
        id: case.summary.id,
        expected_version: version,
        fields: rich_fields(),
        config_version: 1,
        search_tokens: Vec::new(),
        dimensions: Vec::new(),
        audit: vec![event(AuditAction::CaseUpdate)],
        now: at(3, 11),
    };
    assert!(matches!(
        store.update_case(update(7)).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.audit_head().await.unwrap().0,
        1,
        "nothing recorded for a refused write"
    );
    store.update_case(update(1)).await.unwrap();
    let trail = store.case_audit(case.summary.id, 10).await.unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.event.action).collect();
    assert_eq!(actions, [AuditAction::CaseUpdate, AuditAction::CaseCreate]);
    // A duplicate id refuses the whole create, entry included.
    assert!(store.create_case(opening).await.is_err());
    assert_eq!(store.audit_head().await.unwrap().0, 2);
    // Shares too: the second, refused, share of the same case leaves no entry.
    let w2 = user(&store, "worker2").await;
    let share = || NewShare {
        id: uuid::Uuid::now_v7(),
        case_id: case.summary.id,
        user_id: w2.id,
        reason: "joint work".into(),
        granted_by: w1.id,
        consent_override_reason: None,
        audit: vec![AuditEvent {
            subject: Some(w2.id),
            ..event(AuditAction::CaseShare)
        }],
        now: at(3, 12),
    };
    store.create_share(share()).await.unwrap();
    assert!(matches!(
        store.create_share(share()).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(store.audit_head().await.unwrap().0, 3);
    // And administration: a second user with the same name leaves no entry either.
    let newcomer = || NewUser {
        id: uuid::Uuid::now_v7(),
        username: "newcomer".into(),
        display_name: "Newcomer".into(),
        role: Role::CASE_WORKER,
        agency: None,
        password_hash: "x".into(),
        audit: vec![AuditEvent::new(Some(w1.id), AuditAction::UserCreate)],
        now: at(3, 13),
    };
    store.create_user(newcomer()).await.unwrap();
    assert!(matches!(
        store.create_user(newcomer()).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(store.audit_head().await.unwrap().0, 4);
}

async fn reassignment_needs_the_current_version(store: Arc<dyn Store>) {
    let w1 = user(&store, "worker1").await;
    let w2 = user(&store, "worker2").await;
    let case = store
        .create_case(new_case(
            &w1,
            "CP",
            "child_protection",
            at(3, 10),
            rich_fields(),
        ))
        .await
        .unwrap();
    let moved = store
        .reassign_case(Reassignment {
            case_id: case.summary.id,
            expected_version: 1,
            to: w2.id,
            by: w1.id,
            reason: "cover during leave".into(),
            caseload_override_reason: None,
            audit: Vec::new(),
            now: at(4, 9),
        })
        .await
        .unwrap();
    assert_eq!(moved.summary.assigned_to.username, "worker2");
    assert_eq!(moved.summary.version, 2);
    assert!(moved.summary.change_seq > case.summary.change_seq);
    assert_eq!(moved.fields, rich_fields());
    let history = store.case_assignments(case.summary.id).await.unwrap();
    assert_eq!(history.len(), 2, "opened, then reassigned");
    assert!(history[0].from.is_none());
    assert_eq!(history[1].from.as_ref().unwrap().username, "worker1");
    assert_eq!(history[1].to.username, "worker2");
    assert_eq!(history[1].reason, "cover during leave");
    let stale = store
        .reassign_case(Reassignment {
            case_id: case.summary.id,
            expected_version: 1,
            to: w1.id,
            by: w1.id,
            reason: "cover during leave".into(),
            caseload_override_reason: None,
            audit: Vec::new(),
            now: at(4, 10),
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
}

async fn caseload_counts_open_cases_only(store: Arc<dyn Store>) {
    let w1 = user(&store, "worker1").await;
    for stage in ["identification", "implementation", "closed"] {
        let mut case = new_case(&w1, "CP", "child_protection", at(3, 10), CaseFields::new());
        case.stage = stage.into();
        case.intensity = Intensity::High;
        store.create_case(case).await.unwrap();
    }
    let load = store
        .caseload(
            w1.id,
            "child_protection",
            &["closed".to_string(), "transferred".to_string()],
        )
        .await
        .unwrap();
    assert_eq!(load, [Intensity::High, Intensity::High]);
    assert_eq!(
        store
            .caseload(w1.id, "child_protection", &[])
            .await
            .unwrap()
            .len(),
        3
    );
}

async fn users_are_listed_and_updated_with_versions(store: Arc<dyn Store>) {
    let b = user(&store, "worker2").await;
    user(&store, "worker1").await;
    let names: Vec<String> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["worker1", "worker2"]);
    let changes = UserChanges {
        expected_version: 1,
        display_name: Some("Leila H.".into()),
        role: Some(Role::SUPERVISOR),
        agency: None,
        disabled: Some(true),
        audit: Vec::new(),
        now: at(2, 9),
    };
    let updated = store.update_user(b.id, changes.clone()).await.unwrap();
    assert_eq!(
        (
            updated.display_name.as_str(),
            updated.role,
            updated.disabled,
            updated.version
        ),
        ("Leila H.", Role::SUPERVISOR, true, 2)
    );
    assert!(matches!(
        store.update_user(b.id, changes.clone()).await,
        Err(StoreError::Conflict {
            expected: 1,
            current: 2
        })
    ));
    let untouched = store
        .update_user(
            b.id,
            UserChanges {
                expected_version: 2,
                display_name: None,
                role: None,
                agency: None,
                disabled: Some(false),
                audit: Vec::new(),
                now: at(2, 10),
            },
        )
        .await
        .unwrap();
    assert_eq!(untouched.display_name, "Leila H.");
    assert!(!untouched.disabled);
    assert!(matches!(
        store.update_user(uuid::Uuid::now_v7(), changes).await,
        Err(StoreError::NotFound)
    ));
}

/// The list's SQL reach and the domain policy are two statements of one rule: for every user
/// and case of a small world of teams, shares and revocations, they agree.
async fn list_reach_agrees_with_the_access_policy(store: Arc<dyn Store>) {
    let s1 = user_with_role(&store, "supervisor1", Role::SUPERVISOR).await;
    let s2 = user_with_role(&store, "supervisor2", Role::SUPERVISOR).await;
    let w1 = user(&store, "worker1").await;
    let w2 = user(&store, "worker2").await;
    let w3 = user(&store, "worker3").await;
    let m1 = user_with_role(&store, "manager1", Role::PROGRAMME_MANAGER).await;
    team(&store, "Team A", &s1, &[&w1, &w2], &[]).await;
    team(&store, "Team B", &s2, &[&w3], &["gbv"]).await;
    let people = [&s1, &s2, &w1, &w2, &w3, &m1];
    let mut cases = Vec::new();
    for (i, owner) in [&w1, &w2, &w3, &w3, &s1].iter().enumerate() {
        let (code, case_type) = if i % 2 == 0 {
            ("GBV", "gbv")
        } else {
            ("CP", "child_protection")
        };
        cases.push(
            store
                .create_case(new_case(
                    owner,
                    code,
                    case_type,
                    at(3, i as u32),
                    CaseFields::new(),
                ))
                .await
                .unwrap(),
        );
    }
    let share = |case: usize, to: &User| NewShare {
        id: uuid::Uuid::now_v7(),
        case_id: cases[case].summary.id,
        user_id: to.id,
        reason: "r".into(),
        granted_by: w1.id,
        consent_override_reason: None,
        audit: Vec::new(),
        now: at(4, 9),
    };
    store.create_share(share(0, &w3)).await.unwrap();
    store.create_share(share(2, &w1)).await.unwrap();
    store.create_share(share(3, &s1)).await.unwrap();
    store.create_share(share(1, &w3)).await.unwrap();
    store
        .revoke(Revocation {
            case_id: cases[1].summary.id,
            user_id: w3.id,
            field_id: None,
            by: w2.id,
            reason: "r".into(),
            audit: Vec::new(),
            now: at(4, 10),
        })
        .await
        .unwrap();

    let roles = Roles::built_in();
    for person in people {
        let permissions = roles.permissions(&person.role);
        let include_team_cases = permissions.contains(Permission::ViewTeamCases);
        let filter = CaseFilter {
            reachable_by: Some(Reach {
                user: person.id,
                include_team_cases,
            }),
            page: 1,
            per_page: 100,
            ..Default::default()
        };
        let listed: HashSet<uuid::Uuid> = store
            .list_cases(&filter)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.id)
            .collect();
        for case in &cases {
            let access = store.case_access(case.summary.id).await.unwrap();
            let facts = CaseFacts {
                case_type: case.summary.case_type.clone(),
                survivor_controlled: false,
                assigned_to: case.summary.assigned_to.id,
                assignee_teams: access.assignee_teams,
                shared_with: access.shares.iter().map(|s| s.user.id).collect(),
                ..CaseFacts::default()
            };
            let policy = may(
                Actor {
                    id: person.id,
                    permissions,
                    agency: None,
                },
                &facts,
                CaseAction::Read,
            );
            // The list is for people who hold cases; others are refused before listing.
            let expected = policy && permissions.contains(Permission::HoldCases);
            assert_eq!(
                listed.contains(&case.summary.id),
                expected,
                "{} and case {}",
                person.username,
                case.summary.case_number
            );
        }
    }
}

async fn login_failures_lock_a_key_for_a_while(store: Arc<dyn Store>) {
    let (window, lockout) = (Duration::minutes(15), Duration::minutes(15));
    let key = "account:worker1".to_string();
    let other = "address:127.0.0.9".to_string();
    let start = at(5, 8);
    // Failures spread beyond the window never add up to a lock.
    for i in 0..6 {
        let lock = store
            .record_login_failure(&key, 3, window, lockout, start + Duration::minutes(20 * i))
            .await
            .unwrap();
        assert!(lock.is_none(), "failure {i}");
    }
    // Three within the window lock it for the lockout time.
    let now = start + Duration::hours(3);
    assert!(
        store
            .record_login_failure(&key, 3, window, lockout, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .record_login_failure(&key, 3, window, lockout, now + Duration::minutes(1))
            .await
            .unwrap()
            .is_none()
    );
    let lock = store
        .record_login_failure(&key, 3, window, lockout, now + Duration::minutes(2))
        .await
        .unwrap();
    assert_eq!(lock, Some(now + Duration::minutes(17)));
    let keys = [key.clone(), other.clone()];
    assert_eq!(
        store
            .locked_until(&keys, now + Duration::minutes(3))
            .await
            .unwrap(),
        lock
    );
    assert_eq!(
        store
            .locked_until(std::slice::from_ref(&other), now)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .locked_until(&keys, now + Duration::minutes(17))
            .await
            .unwrap(),
        None,
        "the lock ends"
    );
    // Clearing forgets failures that have not locked.
    store
        .record_login_failure(&other, 3, window, lockout, now)
        .await
        .unwrap();
    store
        .record_login_failure(&other, 3, window, lockout, now)
        .await
        .unwrap();
    store.clear_login_failures(&other).await.unwrap();
    assert!(
        store
            .record_login_failure(&other, 3, window, lockout, now)
            .await
            .unwrap()
            .is_none()
    );
}

async fn second_factor_steps_and_recovery_codes_are_single_use(store: Arc<dyn Store>) {
    let worker = user(&store, "worker1").await;
    assert!(store.second_factor(worker.id).await.unwrap().is_none());
    store
        .set_pending_second_factor(worker.id, &[7; 20], at(2, 8))
        .await
        .unwrap();
    assert!(
        store.second_factor(worker.id).await.unwrap().is_none(),
        "nothing active yet"
    );
    assert_eq!(
        store.pending_second_factor(worker.id).await.unwrap(),
        Some(vec![7; 20])
    );
    assert!(
        !store
            .user_by_id(worker.id)
            .await
            .unwrap()
            .unwrap()
            .mfa_enabled,
        "pending until confirmed"
    );
    store
        .enable_second_factor(worker.id, 100, &[vec![1; 48], vec![2; 48]], at(2, 9))
        .await
        .unwrap();
    assert!(
        store
            .user_by_id(worker.id)
            .await
            .unwrap()
            .unwrap()
            .mfa_enabled
    );
    assert_eq!(
        store
            .second_factor(worker.id)
            .await
            .unwrap()
            .unwrap()
            .last_step,
        Some(100)
    );
    assert!(
        !store.accept_totp_step(worker.id, 100).await.unwrap(),
        "the confirming step is used"
    );
    assert!(store.accept_totp_step(worker.id, 101).await.unwrap());
    assert!(
        !store.accept_totp_step(worker.id, 101).await.unwrap(),
        "a replay is refused"
    );
    assert!(
        !store.accept_totp_step(worker.id, 99).await.unwrap(),
        "an older step is refused"
    );
    assert_eq!(
        store.recovery_code_hashes(worker.id).await.unwrap().len(),
        2
    );
    assert!(
        store
            .use_recovery_code(worker.id, &[1; 48], at(3, 9))
            .await
            .unwrap()
    );
    assert!(
        !store
            .use_recovery_code(worker.id, &[1; 48], at(3, 9))
            .await
            .unwrap(),
        "once only"
    );
    assert_eq!(
        store.recovery_code_hashes(worker.id).await.unwrap(),
        vec![vec![2u8; 48]]
    );

    // Sessions carry their stage; a session can be promoted.
    store
        .create_session(NewSession {
            stage: SessionStage::SecondFactor,
            token_digest: [5; 32],
            user_id: worker.id,
            now: at(3, 9),
            expires_at: at(3, 21),
        })
        .await
        .unwrap();
    let session = store
        .session_user(&[5; 32], at(3, 9), Duration::minutes(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.stage, SessionStage::SecondFactor);
    store
        .set_session_stage(&[5; 32], SessionStage::Full)
        .await
        .unwrap();
    let session = store
        .session_user(&[5; 32], at(3, 9), Duration::minutes(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.stage, SessionStage::Full);
}
