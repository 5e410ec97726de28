//! The access facts kept on the rows read with a case (migration 0028): the case's shares,
//! field grants and consents on its row, its worker's teams on the worker's row. Triggers write
//! them in the transaction of every change to what they are made from; here each kind of change
//! is made through the store, and what the store reads is checked against what it should be and
//! against the facts made again from their rows.

#[macro_use]
mod common;

use common::{new_case, supervisor, team, user, worker};

use caseward_domain::case::CaseFields;
use caseward_domain::user::Role;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CaseAccess, CaseRecord, NewFieldGrant, NewShare, Revocation, Store, StoreLocation, TeamChanges,
    User, UserChanges,
};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeSet;
use std::sync::Arc;

on_both!(
    shares_and_grants_follow_their_rows,
    a_renamed_user_is_renamed_in_the_facts,
    team_changes_reach_every_members_facts,
    shares_given_at_once_are_all_in_the_facts,
    members_added_at_once_are_all_in_the_facts,
    the_facts_of_rows_from_before_are_filled
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

async fn open(store: &Arc<dyn Store>, worker: &User) -> CaseRecord {
    store
        .create_case(new_case(worker, CaseFields::new()))
        .await
        .unwrap()
}

fn share(case: &CaseRecord, to: &User, by: &User, now: DateTime<Utc>) -> NewShare {
    NewShare {
        id: uuid::Uuid::now_v7(),
        case_id: case.summary.id,
        user_id: to.id,
        reason: format!("visit with {}", to.username),
        granted_by: by.id,
        consent_override_reason: None,
        audit: Vec::new(),
        now,
    }
}

/// The case's facts as both reads give them (which must agree).
async fn facts(store: &Arc<dyn Store>, case: &CaseRecord) -> CaseAccess {
    let access = store.case_access(case.summary.id).await.unwrap();
    let (_, with_case) = store
        .case_with_access(case.summary.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        with_case, access,
        "the case's two reads give the same facts"
    );
    access
}

/// The section of migration 0028 that makes the facts of every row there is.
fn fill_section(db: &TestDatabase) -> &'static str {
    let list = match db.location {
        StoreLocation::Sqlite(_) => caseward_store::migrations::SQLITE,
        StoreLocation::Postgres(_) => caseward_store::migrations::POSTGRES,
    };
    let migration = list.iter().find(|m| m.number == 28).unwrap();
    let start = migration
        .sql
        .find("-- The facts of what exists already.")
        .unwrap();
    &migration.sql[start..]
}

/// The case's facts once every fact has been made again from its rows (migration 0028's own
/// filling, with no trigger firing on PostgreSQL).
async fn facts_from_rows(
    db: &TestDatabase,
    store: &Arc<dyn Store>,
    case: &CaseRecord,
) -> CaseAccess {
    db.tamper(&format!(
        "UPDATE cases SET access_granted = '[]', access_consents = '[]';
         UPDATE users SET access_teams = '[]';
         {}",
        fill_section(db)
    ))
    .await;
    facts(store, case).await
}

fn members(access: &CaseAccess) -> Vec<BTreeSet<uuid::Uuid>> {
    access
        .assignee_teams
        .iter()
        .map(|t| t.members.clone())
        .collect()
}

/// Shares and field grants given, revoked and given again: the facts hold the live ones.
async fn shares_and_grants_follow_their_rows(db: &TestDatabase, store: Arc<dyn Store>) {
    let w1 = worker(&store).await;
    let w2 = user(&store, "worker2", Role::CASE_WORKER).await;
    let w3 = user(&store, "worker3", Role::CASE_WORKER).await;
    let case = open(&store, &w1).await;
    let other = open(&store, &w1).await;
    assert_eq!(facts(&store, &case).await, CaseAccess::default());

    let to_w2 = store
        .create_share(share(&case, &w2, &w1, at(2, 9)))
        .await
        .unwrap();
    let to_w3 = store
        .create_share(share(&case, &w3, &w1, at(2, 10)))
        .await
        .unwrap();
    let grant = store
        .create_field_grant(NewFieldGrant {
            id: uuid::Uuid::now_v7(),
            case_id: case.summary.id,
            user_id: w3.id,
            field_id: "safety_plan".into(),
            reason: "planning together".into(),
            granted_by: w1.id,
            audit: Vec::new(),
            now: at(2, 11),
        })
        .await
        .unwrap();
    let access = facts(&store, &case).await;
    assert_eq!(access.shares, [to_w2.clone(), to_w3]);
    assert_eq!(access.field_grants, [grant]);
    assert_eq!(
        facts(&store, &other).await,
        CaseAccess::default(),
        "another case's"
    );

    let revoke = |user: &User, field: Option<&str>| Revocation {
        case_id: case.summary.id,
        user_id: user.id,
        field_id: field.map(str::to_string),
        by: w1.id,
        reason: "visit done".into(),
        audit: Vec::new(),
        now: at(3, 9),
    };
    store.revoke(revoke(&w3, None)).await.unwrap();
    store
        .revoke(revoke(&w3, Some("safety_plan")))
        .await
        .unwrap();
    let access = facts(&store, &case).await;
    assert_eq!(access.shares, [to_w2]);
    assert!(access.field_grants.is_empty());
    let again = store
        .create_share(share(&case, &w3, &w2, at(4, 9)))
        .await
        .unwrap();
    let access = facts(&store, &case).await;
    assert_eq!(access.shares.last(), Some(&again));
    assert_eq!(access, facts_from_rows(db, &store, &case).await);
}

/// A user's names are in the shares given to them and by them.
async fn a_renamed_user_is_renamed_in_the_facts(db: &TestDatabase, store: Arc<dyn Store>) {
    let w1 = worker(&store).await;
    let w2 = user(&store, "worker2", Role::CASE_WORKER).await;
    let case = open(&store, &w1).await;
    let other = open(&store, &w2).await;
    store
        .create_share(share(&case, &w2, &w1, at(2, 9)))
        .await
        .unwrap();
    store
        .create_share(share(&other, &w1, &w2, at(2, 9)))
        .await
        .unwrap();
    store
        .update_user(
            w2.id,
            UserChanges {
                expected_version: w2.version,
                display_name: Some("Amina Worker".into()),
                role: None,
                agency: None,
                disabled: None,
                audit: Vec::new(),
                now: at(3, 9),
            },
        )
        .await
        .unwrap();
    let given_to = facts(&store, &case).await;
    assert_eq!(given_to.shares[0].user.display_name, "Amina Worker");
    assert_eq!(given_to.shares[0].granted_by.display_name, w1.display_name);
    let given_by = facts(&store, &other).await;
    assert_eq!(given_by.shares[0].granted_by.display_name, "Amina Worker");
    assert_eq!(given_by, facts_from_rows(db, &store, &other).await);
}

/// A team's members, case types, name and supervisor, changed one at a time: the facts of a
/// case of any member say what the team is now, and a member who left has none of its facts.
async fn team_changes_reach_every_members_facts(db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let deputy = supervisor(&store, "deputy").await;
    let w1 = worker(&store).await;
    let w2 = user(&store, "worker2", Role::CASE_WORKER).await;
    let w3 = user(&store, "worker3", Role::CASE_WORKER).await;
    let record = team(&store, "North", &boss, &[&w1, &w2], &[]).await;
    let id = record.team.id;
    let of_w1 = open(&store, &w1).await;
    let of_w3 = open(&store, &w3).await;
    assert_eq!(
        members(&facts(&store, &of_w1).await),
        [BTreeSet::from([w1.id, w2.id])]
    );
    assert!(facts(&store, &of_w3).await.assignee_teams.is_empty());

    store
        .add_team_member(id, w3.id, &[], at(2, 9))
        .await
        .unwrap();
    let all = BTreeSet::from([w1.id, w2.id, w3.id]);
    assert_eq!(
        members(&facts(&store, &of_w1).await),
        std::slice::from_ref(&all),
        "a member's"
    );
    assert_eq!(
        members(&facts(&store, &of_w3).await),
        [all],
        "the new member's"
    );

    let record = store
        .remove_team_member(id, w2.id, &[], at(2, 10))
        .await
        .unwrap();
    assert_eq!(
        members(&facts(&store, &of_w1).await),
        [BTreeSet::from([w1.id, w3.id])]
    );

    let changed = store
        .update_team(
            id,
            record.version,
            TeamChanges {
                name: Some("North and East".into()),
                supervisor: Some(Some(deputy.id)),
                case_types: Some(BTreeSet::from(["gbv".to_string()])),
                audit: Vec::new(),
            },
            at(3, 9),
        )
        .await
        .unwrap();
    let access = facts(&store, &of_w3).await;
    assert_eq!(access.assignee_teams, std::slice::from_ref(&changed.team));
    assert_eq!(access.assignee_teams[0].name, "North and East");
    assert_eq!(access.assignee_teams[0].supervisor, Some(deputy.id));

    store
        .remove_team_member(id, w1.id, &[], at(4, 9))
        .await
        .unwrap();
    assert!(
        facts(&store, &of_w1).await.assignee_teams.is_empty(),
        "a member who left"
    );
    let access = facts(&store, &of_w3).await;
    assert_eq!(members(&access), [BTreeSet::from([w3.id])]);
    assert_eq!(access, facts_from_rows(db, &store, &of_w3).await);
}

/// Shares of one case given and revoked by many requests at once: the facts written last hold
/// every one (on PostgreSQL, a refresh that waited for another's lock reads what it committed).
async fn shares_given_at_once_are_all_in_the_facts(db: &TestDatabase, store: Arc<dyn Store>) {
    let w1 = worker(&store).await;
    let case = open(&store, &w1).await;
    let mut people = Vec::new();
    for n in 0..12 {
        people.push(user(&store, &format!("colleague{n}"), Role::CASE_WORKER).await);
    }
    // Half are shared with first, to be revoked while the others are shared with.
    for person in &people[..6] {
        store
            .create_share(share(&case, person, &w1, at(2, 9)))
            .await
            .unwrap();
    }
    let mut writes = tokio::task::JoinSet::new();
    for (n, person) in people.iter().enumerate() {
        let (store, case, person, w1) =
            (Arc::clone(&store), case.clone(), person.clone(), w1.clone());
        writes.spawn(async move {
            if n < 6 {
                store
                    .revoke(Revocation {
                        case_id: case.summary.id,
                        user_id: person.id,
                        field_id: None,
                        by: w1.id,
                        reason: "done".into(),
                        audit: Vec::new(),
                        now: at(3, 9),
                    })
                    .await
                    .unwrap();
            } else {
                store
                    .create_share(share(&case, &person, &w1, at(3, 9)))
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(written) = writes.join_next().await {
        written.unwrap();
    }
    let access = facts(&store, &case).await;
    let shared: BTreeSet<_> = access.shares.iter().map(|s| s.user.id).collect();
    let expected: BTreeSet<_> = people[6..].iter().map(|p| p.id).collect();
    assert_eq!(shared, expected);
    assert_eq!(access, facts_from_rows(db, &store, &case).await);
}

/// Members added to one team by many requests at once: every member's facts list them all.
async fn members_added_at_once_are_all_in_the_facts(db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let w1 = worker(&store).await;
    let record = team(&store, "North", &boss, &[&w1], &[]).await;
    let mut people = Vec::new();
    for n in 0..10 {
        people.push(user(&store, &format!("colleague{n}"), Role::CASE_WORKER).await);
    }
    let mut cases = vec![open(&store, &w1).await];
    for person in &people {
        cases.push(open(&store, person).await);
    }
    let mut writes = tokio::task::JoinSet::new();
    for person in &people {
        let (store, person, team) = (Arc::clone(&store), person.id, record.team.id);
        writes.spawn(async move { store.add_team_member(team, person, &[], at(2, 9)).await });
    }
    while let Some(written) = writes.join_next().await {
        written.unwrap().unwrap();
    }
    let mut all: BTreeSet<_> = people.iter().map(|p| p.id).collect();
    all.insert(w1.id);
    for case in &cases {
        assert_eq!(members(&facts(&store, case).await), [all.clone()]);
    }
    assert_eq!(
        facts(&store, &cases[3]).await,
        facts_from_rows(db, &store, &cases[3]).await
    );
}

/// An instance from before the facts were kept (here: every fact emptied) gets them from the
/// migration's filling.
async fn the_facts_of_rows_from_before_are_filled(db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let w1 = worker(&store).await;
    let w2 = user(&store, "worker2", Role::CASE_WORKER).await;
    let record = team(&store, "North", &boss, &[&w1, &w2], &[]).await;
    let case = open(&store, &w1).await;
    store
        .create_share(share(&case, &w2, &w1, at(2, 9)))
        .await
        .unwrap();
    let kept = facts(&store, &case).await;
    assert_eq!(kept.shares.len(), 1);
    assert_eq!(kept.assignee_teams, std::slice::from_ref(&record.team));

    db.tamper(
        "UPDATE cases SET access_granted = '[]', access_consents = '[]';
         UPDATE users SET access_teams = '[]';",
    )
    .await;
    let emptied = facts(&store, &case).await;
    assert!(emptied.shares.is_empty() && emptied.assignee_teams.is_empty());
    assert_eq!(facts_from_rows(db, &store, &case).await, kept);
}

/// PostgreSQL compiles no refresh of the facts: at a few thousand users the team refresh's
/// estimate passed `jit_above_cost`, and each change to a team took 640 ms of compiling
/// (migration 0029).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_compiles_no_refresh_of_the_facts() {
    use sqlx::Connection;
    let db = TestDatabase::new(Backend::Postgres).await;
    let _store = db.open().await;
    let StoreLocation::Postgres(url) = &db.location else {
        unreachable!("a PostgreSQL test database")
    };
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let settings: Vec<(String, Option<Vec<String>>)> = sqlx::query_as(
        "SELECT proname::text, proconfig FROM pg_proc
         WHERE proname IN ('refresh_case_facts', 'refresh_team_facts', 'case_facts_changed',
             'user_named', 'team_member_changed', 'team_part_changed', 'team_changed')
         ORDER BY proname",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    assert_eq!(settings.len(), 7, "{settings:?}");
    for (function, config) in settings {
        assert_eq!(
            config,
            Some(vec!["jit=off".to_string()]),
            "{function} is never compiled"
        );
    }
}
