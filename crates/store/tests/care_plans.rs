//! Care plan versions on both databases: numbered without gaps, the newest submitted one
//! decided once, the content sealed, the approvals queue's filter, and a purge.

#[macro_use]
mod common;

use common::{new_case, supervisor, worker};

use caseward_domain::care_plan::{
    CarePlanContent, CarePlanStatus, Intervention, InterventionStatus,
};
use caseward_domain::case::CaseFields;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CarePlanDecision, CaseFilter, NewCarePlanVersion, NewTeam, Store, StoreError, User,
};
use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;

on_both!(
    versions_are_numbered_and_decided_once,
    the_approvals_filter_finds_submitted_plans_of_supervised_cases,
);

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
}

fn content(objective: &str) -> CarePlanContent {
    CarePlanContent {
        narrative: "Safe at home, back at school".into(),
        interventions: vec![Intervention {
            kind: "education".into(),
            objective: objective.into(),
            responsible: "Case worker".into(),
            target_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1),
            status: InterventionStatus::Planned,
        }],
    }
}

fn version(
    case: uuid::Uuid,
    number: i64,
    status: CarePlanStatus,
    content: CarePlanContent,
    by: &User,
) -> NewCarePlanVersion {
    NewCarePlanVersion {
        id: uuid::Uuid::now_v7(),
        case_id: case,
        version: number,
        status,
        content,
        written_by: by.id,
        audit: Vec::new(),
        now: at(3),
    }
}

fn decision(case: uuid::Uuid, number: i64, status: CarePlanStatus, by: &User) -> CarePlanDecision {
    CarePlanDecision {
        case_id: case,
        version: number,
        status,
        decided_by: by.id,
        comment: Some(format!("CANARY{}", uuid::Uuid::now_v7().simple())),
        audit: Vec::new(),
        now: at(4),
    }
}

async fn versions_are_numbered_and_decided_once(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let boss = supervisor(&store, "boss").await;
    let case = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap()
        .summary
        .id;
    assert_eq!(store.care_plan_status(case).await.unwrap(), None);
    let objective = format!("CANARY{}", uuid::Uuid::now_v7().simple());
    let first = store
        .add_care_plan_version(version(
            case,
            1,
            CarePlanStatus::Draft,
            content(&objective),
            &worker,
        ))
        .await
        .unwrap();
    assert_eq!((first.version, first.status), (1, CarePlanStatus::Draft));
    assert_eq!(first.content, content(&objective));
    // A version judged against an older one conflicts; so does a gap.
    for stale in [1, 3] {
        let again = store
            .add_care_plan_version(version(
                case,
                stale,
                CarePlanStatus::Submitted,
                content("x"),
                &worker,
            ))
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{again:?}"
        );
    }
    store
        .add_care_plan_version(version(
            case,
            2,
            CarePlanStatus::Submitted,
            content(&objective),
            &worker,
        ))
        .await
        .unwrap();
    assert_eq!(
        store.care_plan_status(case).await.unwrap(),
        Some(CarePlanStatus::Submitted)
    );
    // Only the newest, submitted version is decided, once.
    let draft = store
        .decide_care_plan(decision(case, 1, CarePlanStatus::Approved, &boss))
        .await;
    assert!(
        matches!(draft, Err(StoreError::Conflict { .. })),
        "{draft:?}"
    );
    let approval = decision(case, 2, CarePlanStatus::Approved, &boss);
    let comment = approval.comment.clone().unwrap();
    let approved = store.decide_care_plan(approval).await.unwrap();
    assert_eq!(approved.status, CarePlanStatus::Approved);
    assert_eq!(approved.decided_by.as_ref().map(|u| u.id), Some(boss.id));
    assert_eq!(approved.comment.as_deref(), Some(comment.as_str()));
    let twice = store
        .decide_care_plan(decision(case, 2, CarePlanStatus::Returned, &boss))
        .await;
    assert!(
        matches!(twice, Err(StoreError::Conflict { .. })),
        "{twice:?}"
    );
    let missing = store
        .decide_care_plan(decision(case, 9, CarePlanStatus::Approved, &boss))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let listed = store.care_plans(case).await.unwrap();
    assert_eq!(listed, [first, approved]);
    let raw = db.raw_contents().await;
    assert!(
        !raw.contains(&objective),
        "a plan's content is stored in clear"
    );
    assert!(
        !raw.contains(&comment),
        "a decision's comment is stored in clear"
    );
    let nowhere = store
        .add_care_plan_version(version(
            uuid::Uuid::now_v7(),
            1,
            CarePlanStatus::Draft,
            content("x"),
            &worker,
        ))
        .await;
    assert!(matches!(nowhere, Err(StoreError::NotFound)), "{nowhere:?}");
    assert!(
        store
            .purge_case(case, "retention", &[], at(5))
            .await
            .unwrap()
    );
    assert_eq!(store.care_plans(case).await.unwrap(), []);
}

async fn the_approvals_filter_finds_submitted_plans_of_supervised_cases(
    _db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    let boss = supervisor(&store, "boss").await;
    let other_boss = supervisor(&store, "other").await;
    let team = store
        .create_team(NewTeam {
            id: uuid::Uuid::now_v7(),
            name: "Team A".into(),
            supervisor: Some(boss.id),
            case_types: ["child_protection".to_string()].into(),
            audit: Vec::new(),
            now: at(1),
        })
        .await
        .unwrap();
    store
        .add_team_member(team.team.id, worker.id, &[], at(1))
        .await
        .unwrap();
    let mut cases = Vec::new();
    for status in [
        CarePlanStatus::Submitted,
        CarePlanStatus::Draft,
        CarePlanStatus::Approved,
    ] {
        let case = store
            .create_case(new_case(&worker, CaseFields::new()))
            .await
            .unwrap()
            .summary
            .id;
        store
            .add_care_plan_version(version(case, 1, status, content("enrol"), &worker))
            .await
            .unwrap();
        cases.push(case);
    }
    // A case whose older version was submitted but whose newest is a draft waits for nothing.
    store
        .add_care_plan_version(version(
            cases[0],
            2,
            CarePlanStatus::Submitted,
            content("enrol, attend"),
            &worker,
        ))
        .await
        .unwrap();
    store
        .add_care_plan_version(version(
            cases[2],
            2,
            CarePlanStatus::Draft,
            content("x"),
            &worker,
        ))
        .await
        .unwrap();
    let waiting = |supervisor: &User| CaseFilter {
        supervised_by: Some(supervisor.id),
        care_plan_status: Some(CarePlanStatus::Submitted),
        page: 1,
        per_page: 50,
        ..CaseFilter::default()
    };
    let found = store.list_cases(&waiting(&boss)).await.unwrap();
    assert_eq!(
        found.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        [cases[0]]
    );
    assert_eq!(found.total, 1);
    assert!(
        store
            .list_cases(&waiting(&other_boss))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let approved = CaseFilter {
        care_plan_status: Some(CarePlanStatus::Approved),
        ..waiting(&boss)
    };
    assert!(store.list_cases(&approved).await.unwrap().items.is_empty());
}
