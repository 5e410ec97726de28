//! The supervisor's dashboard reads on both databases: the teams a supervisor supervises, and
//! the rows of those teams' cases, from which the open cases' timelines come out as
//! `case_timelines` gives them and the quality metrics' history as it was recorded.

#[macro_use]
mod common;

use common::{new_case, supervisor, team, user, worker};

use caseward_domain::care_plan::{CarePlanContent, CarePlanStatus};
use caseward_domain::case::CaseFields;
use caseward_domain::user::Role;
use caseward_store::team_records::TeamRecords;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CarePlanDecision, CaseRecord, CaseTransition, DimensionValue, ImportedCarePlan, ImportedCase,
    ImportedNote, ImportedTransition, NewCarePlanVersion, NewNote, Store, TimelineFilter, User,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::collections::BTreeSet;
use std::sync::Arc;

on_both!(
    team_records_give_the_timelines_and_the_history,
    a_case_of_a_worker_in_several_teams_is_read_once,
    the_teams_come_with_their_records,
    the_history_digests_say_what_the_rows_say,
    notes_written_at_once_are_all_in_the_digest,
    the_missing_digests_are_filled_in_batches
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

fn dimension(field: &str, value: &str) -> DimensionValue {
    DimensionValue {
        field: field.into(),
        value: value.into(),
    }
}

async fn open(store: &Arc<dyn Store>, worker: &User, dimensions: &[DimensionValue]) -> CaseRecord {
    open_of_type(store, worker, "child_protection", dimensions).await
}

async fn open_of_type(
    store: &Arc<dyn Store>,
    worker: &User,
    case_type: &str,
    dimensions: &[DimensionValue],
) -> CaseRecord {
    let mut case = new_case(worker, CaseFields::new());
    case.case_type = case_type.into();
    case.dimensions = dimensions.to_vec();
    store.create_case(case).await.unwrap()
}

async fn move_case(store: &Arc<dyn Store>, case: &mut CaseRecord, to: &str, at: DateTime<Utc>) {
    let moved = store
        .transition_case(CaseTransition {
            id: uuid::Uuid::now_v7(),
            case_id: case.summary.id,
            expected_version: case.summary.version,
            from: case.summary.stage.clone(),
            to: to.into(),
            by: case.summary.assigned_to.id,
            reason: None,
            survivor_decision: false,
            audit: Vec::new(),
            now: at,
        })
        .await
        .unwrap();
    *case = moved;
}

async fn note(
    store: &Arc<dyn Store>,
    case: &CaseRecord,
    kind: &str,
    at: DateTime<Utc>,
    next: Option<u32>,
) {
    store
        .add_note(NewNote {
            id: uuid::Uuid::now_v7(),
            case_id: case.summary.id,
            kind: kind.into(),
            confidential: false,
            body: "x".into(),
            next_contact_on: next.map(|day| NaiveDate::from_ymd_opt(2026, 4, day).unwrap()),
            written_by: case.summary.assigned_to.id,
            audit: Vec::new(),
            now: at,
        })
        .await
        .unwrap();
}

async fn plan(
    store: &Arc<dyn Store>,
    case: &CaseRecord,
    version: i64,
    status: CarePlanStatus,
    at: DateTime<Utc>,
) {
    store
        .add_care_plan_version(NewCarePlanVersion {
            id: uuid::Uuid::now_v7(),
            case_id: case.summary.id,
            version,
            status,
            content: CarePlanContent {
                narrative: "x".into(),
                interventions: Vec::new(),
            },
            written_by: case.summary.assigned_to.id,
            audit: Vec::new(),
            now: at,
        })
        .await
        .unwrap();
}

async fn team_records_give_the_timelines_and_the_history(
    _db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    let boss = supervisor(&store, "boss").await;
    let other_boss = supervisor(&store, "other").await;
    let outsider = user(&store, "worker2", Role::CASE_WORKER).await;
    team(&store, "A", &boss, &[&worker], &[]).await;
    team(&store, "B", &other_boss, &[&outsider], &[]).await;
    let teams = store.supervised_teams(boss.id).await.unwrap();
    assert_eq!(
        teams
            .iter()
            .map(|t| t.team.name.as_str())
            .collect::<Vec<_>>(),
        ["A"]
    );
    assert_eq!(teams[0].members.len(), 1);
    assert!(store.supervised_teams(worker.id).await.unwrap().is_empty());

    let emergency_fields = vec!["emergency_case".to_string()];
    // Never moved, marked an emergency; a draft plan.
    let first = open(&store, &worker, &[dimension("emergency_case", "yes")]).await;
    plan(&store, &first, 1, CarePlanStatus::Draft, at(3, 9)).await;
    // Moved twice and back again; contacts, one planning the next; a plan waiting.
    let mut second = open(&store, &worker, &[dimension("emergency_case", "no")]).await;
    move_case(&store, &mut second, "assessment", at(4, 9)).await;
    move_case(&store, &mut second, "case_planning", at(5, 9)).await;
    move_case(&store, &mut second, "assessment", at(6, 9)).await;
    note(&store, &second, "home_visit", at(7, 9), Some(20)).await;
    note(&store, &second, "phone_call", at(8, 9), Some(25)).await;
    note(&store, &second, "other", at(9, 9), Some(28)).await;
    plan(&store, &second, 1, CarePlanStatus::Submitted, at(5, 10)).await;
    plan(&store, &second, 2, CarePlanStatus::Submitted, at(6, 10)).await;
    // Closed with its reason.
    let mut third = open(&store, &worker, &[dimension("closure_reason", "goals_met")]).await;
    move_case(&store, &mut third, "closed", at(10, 9)).await;
    note(&store, &third, "home_visit", at(9, 12), None).await;
    // Another team's case.
    let theirs = open(&store, &outsider, &[dimension("emergency_case", "yes")]).await;
    note(&store, &theirs, "home_visit", at(7, 9), None).await;

    let records = store
        .team_records(boss.id, &emergency_fields)
        .await
        .unwrap();
    assert_eq!(
        records.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        [first.summary.id, second.summary.id, third.summary.id],
        "the team's cases, open or not, in opening order; not another team's"
    );
    assert_eq!(records.moves.len(), 4);
    assert_eq!(
        records.contacts.len(),
        3,
        "a note of kind other is no contact"
    );
    assert_eq!(records.plans.len(), 3);
    assert_eq!(
        records.closure_documented,
        BTreeSet::from([third.summary.id])
    );
    assert_eq!(
        records.emergency,
        BTreeSet::from([first.summary.id]),
        "an emergency field says yes"
    );

    let terminal = BTreeSet::from(["closed".to_string()]);
    let timelines = records.timelines(&terminal);
    // Every open case's timeline as the deadline sweep reads it, the other team's left out.
    let expected: Vec<_> = store
        .case_timelines(&TimelineFilter {
            exclude_stages: terminal.iter().cloned().collect(),
            emergency_fields: emergency_fields.clone(),
            ..TimelineFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.id != theirs.summary.id)
        .collect();
    assert_eq!(timelines, expected);
    assert_eq!(timelines.len(), 2);
    let moved = &timelines[1];
    assert_eq!(
        (moved.stage.as_str(), moved.stage_since, moved.last_contact),
        ("assessment", at(6, 9), Some(at(8, 9)))
    );
    assert_eq!(moved.planned_contact, NaiveDate::from_ymd_opt(2026, 4, 25));
    assert_eq!(moved.approval_requested, Some(at(6, 10)));

    let history = records.into_history(at(5, 9));
    assert_eq!(history.opened.len(), 3);
    assert_eq!(
        history
            .moves
            .iter()
            .map(|m| (m.to.as_str(), m.at))
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([
            ("case_planning", at(5, 9)),
            ("assessment", at(6, 9)),
            ("closed", at(10, 9))
        ]),
        "moves since the day asked"
    );
    assert_eq!(history.contacts.len(), 3, "contacts whenever");
    assert_eq!(history.plans.len(), 2, "plan versions since the day asked");
    assert!(history.plans.iter().all(|p| p.submitted));
    assert_eq!(
        store
            .team_records(other_boss.id, &emergency_fields)
            .await
            .unwrap()
            .cases
            .len(),
        1
    );
}

/// A worker can be in more than one of a supervisor's teams: in one taking every case type
/// and one taking some, or in two taking different types. Each of their supervised cases is
/// read once, with its history once; a case of a type none of their teams takes is not read.
async fn a_case_of_a_worker_in_several_teams_is_read_once(
    _db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let boss = supervisor(&store, "boss").await;
    let everything = worker(&store).await;
    let typed = user(&store, "worker2", Role::CASE_WORKER).await;
    team(&store, "All", &boss, &[&everything], &[]).await;
    team(
        &store,
        "CP",
        &boss,
        &[&everything, &typed],
        &["child_protection"],
    )
    .await;
    team(&store, "GBV", &boss, &[&typed], &["gbv"]).await;
    team(&store, "GBV too", &boss, &[&typed], &["gbv"]).await;

    let mut cases = Vec::new();
    for (holder, case_type) in [
        (&everything, "child_protection"),
        (&everything, "alternative_care"),
        (&typed, "child_protection"),
        (&typed, "gbv"),
    ] {
        let mut case = open_of_type(
            &store,
            holder,
            case_type,
            &[dimension("closure_reason", "x")],
        )
        .await;
        move_case(&store, &mut case, "assessment", at(4, 9)).await;
        note(&store, &case, "home_visit", at(5, 9), None).await;
        plan(&store, &case, 1, CarePlanStatus::Submitted, at(6, 9)).await;
        cases.push(case.summary.id);
    }
    // Not a type of any team of the holder's.
    let unsupervised = open_of_type(&store, &typed, "alternative_care", &[]).await;
    note(&store, &unsupervised, "home_visit", at(5, 9), None).await;

    let records = store.team_records(boss.id, &[]).await.unwrap();
    assert_eq!(
        records.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        cases,
        "each supervised case once, in opening order"
    );
    assert_eq!(records.moves.len(), 4, "each case's move once");
    assert_eq!(records.contacts.len(), 4, "each case's contact once");
    assert_eq!(records.plans.len(), 4, "each case's plan once");
    assert_eq!(
        records.closure_documented,
        cases.iter().copied().collect::<BTreeSet<_>>()
    );
}

/// What the dashboard reads in one go is what the two reads give apart: the supervisor's own
/// teams with their members, and those teams' cases' rows; another supervisor's team and its
/// cases are in neither.
async fn the_teams_come_with_their_records(_db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let other_boss = supervisor(&store, "other").await;
    let mine = worker(&store).await;
    let theirs = user(&store, "worker2", Role::CASE_WORKER).await;
    team(&store, "Mine", &boss, &[&mine], &[]).await;
    team(&store, "Theirs", &other_boss, &[&theirs], &[]).await;
    let case = open(&store, &mine, &[dimension("closure_reason", "x")]).await;
    note(&store, &case, "home_visit", at(5, 9), None).await;
    let other = open(&store, &theirs, &[]).await;
    note(&store, &other, "home_visit", at(5, 9), None).await;

    let (teams, records) = store
        .supervised_teams_and_records(boss.id, &[])
        .await
        .unwrap();
    assert_eq!(teams, store.supervised_teams(boss.id).await.unwrap());
    assert_eq!(records, store.team_records(boss.id, &[]).await.unwrap());
    assert_eq!(
        teams
            .iter()
            .map(|t| t.team.name.as_str())
            .collect::<Vec<_>>(),
        ["Mine"]
    );
    assert_eq!(
        teams[0].members.iter().map(|m| m.id).collect::<Vec<_>>(),
        [mine.id]
    );
    assert_eq!(
        records.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        [case.summary.id]
    );
    assert_eq!(
        records.contacts.len(),
        1,
        "only the supervised case's contact"
    );
}

/// The records with their history rows in one order, to compare two reads.
/// The team records of `supervisor`, in order.
async fn records_of(store: &Arc<dyn Store>, supervisor: uuid::Uuid) -> TeamRecords {
    in_order(store.team_records(supervisor, &[]).await.unwrap())
}

/// The team records of `supervisor` read from the history rows alone: every digest removed
/// first.
async fn records_from_rows(
    db: &TestDatabase,
    store: &Arc<dyn Store>,
    supervisor: uuid::Uuid,
) -> TeamRecords {
    db.tamper("UPDATE cases SET history_digest = NULL").await;
    records_of(store, supervisor).await
}

fn in_order(mut records: TeamRecords) -> TeamRecords {
    records
        .moves
        .sort_by(|a, b| (a.case, a.at, &a.to).cmp(&(b.case, b.at, &b.to)));
    records
        .contacts
        .sort_by_key(|c| (c.case, c.written_at, c.note));
    records.plans.sort_by_key(|p| (p.case, p.version));
    records
}

/// The history digests kept on the cases' rows say what the history rows say, however the
/// history was written — one write at a time, a care plan decided, a batch imported — and a
/// case without a digest (an instance upgraded and not yet reindexed) has its rows read
/// instead, beside cases read by their digests.
async fn the_history_digests_say_what_the_rows_say(db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let worker = worker(&store).await;
    team(&store, "A", &boss, &[&worker], &[]).await;
    let mut first = open(&store, &worker, &[dimension("closure_reason", "x")]).await;
    move_case(&store, &mut first, "assessment", at(4, 9)).await;
    note(&store, &first, "home_visit", at(5, 9), Some(20)).await;
    note(&store, &first, "other", at(6, 9), None).await;
    plan(&store, &first, 1, CarePlanStatus::Submitted, at(6, 10)).await;
    store
        .decide_care_plan(CarePlanDecision {
            case_id: first.summary.id,
            version: 1,
            status: CarePlanStatus::Approved,
            decided_by: boss.id,
            comment: None,
            audit: Vec::new(),
            now: at(7, 9),
        })
        .await
        .unwrap();
    let never_written = open(&store, &worker, &[]).await;
    let mut case = common::new_case(&worker, CaseFields::new());
    case.stage = "assessment".into();
    let imported = case.id;
    store
        .import_cases(vec![ImportedCase {
            transitions: vec![ImportedTransition {
                id: uuid::Uuid::now_v7(),
                from: "identification".into(),
                to: "assessment".into(),
                by: worker.id,
                at: at(8, 9),
                reason: None,
            }],
            notes: vec![
                ImportedNote {
                    id: uuid::Uuid::now_v7(),
                    kind: "phone_call".into(),
                    body: "x".into(),
                    confidential: false,
                    written_by: worker.id,
                    written_at: at(8, 10),
                    next_contact_on: NaiveDate::from_ymd_opt(2026, 3, 20),
                },
                ImportedNote {
                    id: uuid::Uuid::now_v7(),
                    kind: "other".into(),
                    body: "x".into(),
                    confidential: false,
                    written_by: worker.id,
                    written_at: at(8, 11),
                    next_contact_on: None,
                },
            ],
            care_plans: vec![ImportedCarePlan {
                id: uuid::Uuid::now_v7(),
                version: 1,
                status: CarePlanStatus::Draft,
                content: CarePlanContent {
                    narrative: "x".into(),
                    interventions: Vec::new(),
                },
                written_by: worker.id,
                written_at: at(8, 12),
                decided_by: None,
                decided_at: None,
                comment: None,
            }],
            ..ImportedCase::new(case)
        }])
        .await
        .unwrap();

    let digested = records_of(&store, boss.id).await;
    assert_eq!(digested.cases.len(), 3);
    assert_eq!(
        digested
            .moves
            .iter()
            .map(|m| (m.case, m.to.as_str()))
            .collect::<Vec<_>>(),
        [(first.summary.id, "assessment"), (imported, "assessment")]
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        digested.contacts.len(),
        2,
        "a note of kind other is no contact"
    );
    assert_eq!(
        digested
            .plans
            .iter()
            .map(|p| (p.case, p.status))
            .collect::<Vec<_>>(),
        {
            let mut plans = vec![
                (first.summary.id, CarePlanStatus::Approved),
                (imported, CarePlanStatus::Draft),
            ];
            plans.sort_by_key(|(case, _)| *case);
            plans
        },
        "the decision is in the digest, and the imported plan"
    );
    assert!(
        !digested
            .moves
            .iter()
            .any(|m| m.case == never_written.summary.id)
    );

    let from_rows = records_from_rows(db, &store, boss.id).await;
    assert_eq!(from_rows, digested);

    // One case written again has a digest; the others' rows are read beside it.
    note(&store, &never_written, "home_visit", at(9, 9), None).await;
    let mixed = records_of(&store, boss.id).await;
    assert_eq!(mixed.contacts.len(), 3);
    assert_eq!(mixed, records_from_rows(db, &store, boss.id).await);
    assert_eq!(
        mixed,
        in_order(
            store
                .supervised_teams_and_records(boss.id, &[])
                .await
                .unwrap()
                .1
        )
    );
}

/// Notes written on one case at the same time (on PostgreSQL, transactions of their own on
/// connections of their own): the case's digest, written by each, holds every one.
async fn notes_written_at_once_are_all_in_the_digest(db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let worker = worker(&store).await;
    team(&store, "A", &boss, &[&worker], &[]).await;
    let case = open(&store, &worker, &[]).await;
    let mut writes = tokio::task::JoinSet::new();
    for hour in 0..16 {
        let (store, case) = (Arc::clone(&store), case.clone());
        writes.spawn(async move { note(&store, &case, "home_visit", at(5, hour), None).await });
    }
    while let Some(written) = writes.join_next().await {
        written.unwrap();
    }
    let digested = records_of(&store, boss.id).await;
    assert_eq!(digested.contacts.len(), 16);
    assert_eq!(digested, records_from_rows(db, &store, boss.id).await);
}

/// An upgraded instance's cases have no digest: they are filled a batch at a time, each batch
/// after the last case of the one before, until none is left; then the records read through
/// the digests are those read from the rows.
async fn the_missing_digests_are_filled_in_batches(db: &TestDatabase, store: Arc<dyn Store>) {
    let boss = supervisor(&store, "boss").await;
    let worker = worker(&store).await;
    team(&store, "A", &boss, &[&worker], &[]).await;
    let mut cases = Vec::new();
    for day in 1..=5 {
        let mut case = open(&store, &worker, &[]).await;
        move_case(&store, &mut case, "assessment", at(day, 9)).await;
        note(&store, &case, "home_visit", at(day, 10), None).await;
        cases.push(case.summary.id);
    }
    assert_eq!(store.fill_history_digests(None, 2).await.unwrap(), None);
    let from_rows = records_from_rows(db, &store, boss.id).await;
    cases.sort();
    let mut after = None;
    let mut lasts = Vec::new();
    while let Some(last) = store.fill_history_digests(after, 2).await.unwrap() {
        lasts.push(last);
        after = Some(last);
    }
    assert_eq!(
        lasts,
        [cases[1], cases[3], cases[4]],
        "two at a time, in id order"
    );
    assert_eq!(store.fill_history_digests(None, 2).await.unwrap(), None);
    let digested = records_of(&store, boss.id).await;
    assert_eq!(digested, from_rows);
    assert_eq!(digested.moves.len(), 5);
}
