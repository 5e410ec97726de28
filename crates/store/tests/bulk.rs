//! Bulk loads on both databases: many cases in one transaction, numbered and audited as one by
//! one, all or none; and the raw batched insert rate they are compared with.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::care_plan::{
    CarePlanContent, CarePlanStatus, Intervention, InterventionStatus,
};
use caseward_domain::case::{CaseFields, FieldValue};
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CaseFilter, ImportedCarePlan, ImportedCase, ImportedNote, ImportedTransition, Store, StoreError,
};
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

on_both!(
    cases_import_in_one_transaction_all_or_none,
    a_history_imports_readable_numbered_and_chained,
    the_baseline_leaves_nothing_behind,
);

async fn cases_import_in_one_transaction_all_or_none(_db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let batch: Vec<_> = (0..3)
        .map(|i| {
            let mut case = new_case(
                &worker,
                CaseFields::from([("name".into(), FieldValue::Text(format!("Child {i}")))]),
            );
            case.audit = vec![AuditEvent {
                case_id: Some(case.id),
                ..AuditEvent::new(None, AuditAction::CaseCreate)
            }];
            ImportedCase::new(case)
        })
        .collect();
    let first = batch[0].case.id;
    assert_eq!(store.import_cases(batch).await.unwrap(), 3);
    let listed = store
        .list_cases(&CaseFilter {
            page: 1,
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut numbers: Vec<String> = listed.items.iter().map(|c| c.case_number.clone()).collect();
    numbers.sort();
    assert_eq!(
        numbers,
        vec!["CP-2026-00001", "CP-2026-00002", "CP-2026-00003"]
    );
    let read = store.case_by_id(first).await.unwrap().unwrap();
    assert_eq!(read.fields["name"], FieldValue::Text("Child 0".into()));
    let audit = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.event.action == AuditAction::CaseCreate)
            .count(),
        3
    );
    // A batch with one bad case (an id already used) writes nothing.
    let mut again = new_case(&worker, CaseFields::new());
    again.id = first;
    let fresh = new_case(&worker, CaseFields::new());
    let fresh_id = fresh.id;
    assert!(matches!(
        store
            .import_cases(vec![ImportedCase::new(fresh), ImportedCase::new(again)])
            .await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.case_by_id(fresh_id).await.unwrap().is_none());
}

async fn the_baseline_leaves_nothing_behind(db: &TestDatabase, store: Arc<dyn Store>) {
    let before = store.storage_bytes().await.unwrap();
    let took = store.measure_batched_inserts(50, 20).await.unwrap();
    assert!(took.elapsed > std::time::Duration::ZERO);
    assert!(
        took.bytes >= 50 * 1_500,
        "{took:?}: the rows' payload at least"
    );
    assert!(store.storage_bytes().await.unwrap() >= before);
    store.refresh_statistics().await.unwrap();
    // The scratch table is gone: a table of that name can be made again (this panics if not).
    db.tamper("CREATE TABLE caseward_insert_baseline (id INTEGER PRIMARY KEY)")
        .await;
    // One left behind by an interrupted run does not stop the next measurement; and rows that
    // go into the pages a dropped table freed count as growth all the same.
    let again = store.measure_batched_inserts(30, 5).await.unwrap();
    assert!(again.bytes >= 30 * 1_500, "{again:?}");
}

/// A case imported with its moves, notes and an approved care plan reads back as if each had
/// been written one at a time: sealed texts open, numbers follow the counter per type and
/// year, and the trail holds every entry at its own time with an intact chain.
async fn a_history_imports_readable_numbered_and_chained(
    _db: &TestDatabase,
    store: Arc<dyn Store>,
) {
    let worker = worker(&store).await;
    // One case written the usual way first: the import's numbers follow it.
    store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    let opened = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let mut case = new_case(
        &worker,
        CaseFields::from([("name".into(), FieldValue::Text("Child".into()))]),
    );
    case.stage = "care_plan".into();
    case.audit = vec![AuditEvent {
        case_id: Some(case.id),
        reason: Some("opened after a home visit".into()),
        ..AuditEvent::new(Some(worker.id), AuditAction::CaseCreate)
    }];
    let id = case.id;
    let at = |days: i64| opened + Duration::days(days);
    let event = |action, days| {
        (
            AuditEvent {
                case_id: Some(id),
                ..AuditEvent::new(Some(worker.id), action)
            },
            at(days),
        )
    };
    let plan = ImportedCarePlan {
        id: uuid::Uuid::now_v7(),
        version: 1,
        status: CarePlanStatus::Approved,
        content: CarePlanContent {
            narrative: "Agreed with the family".into(),
            interventions: vec![Intervention {
                kind: "health".into(),
                objective: "See a doctor".into(),
                responsible: "Worker".into(),
                target_date: Some(at(40).date_naive()),
                status: InterventionStatus::Planned,
            }],
        },
        written_by: worker.id,
        written_at: at(10),
        decided_by: Some(worker.id),
        decided_at: Some(at(11)),
        comment: None,
    };
    let imported = ImportedCase {
        transitions: vec![
            ImportedTransition {
                id: uuid::Uuid::now_v7(),
                from: "identification".into(),
                to: "assessment".into(),
                by: worker.id,
                at: at(2),
                reason: Some("risk confirmed".into()),
            },
            ImportedTransition {
                id: uuid::Uuid::now_v7(),
                from: "assessment".into(),
                to: "care_plan".into(),
                by: worker.id,
                at: at(9),
                reason: None,
            },
        ],
        notes: vec![ImportedNote {
            id: uuid::Uuid::now_v7(),
            kind: "home_visit".into(),
            body: "Visited; the child is safe".into(),
            confidential: false,
            written_by: worker.id,
            written_at: at(5),
            next_contact_on: Some(at(12).date_naive()),
        }],
        care_plans: vec![plan],
        history_audit: vec![
            event(AuditAction::CarePlanSave, 10),
            event(AuditAction::CaseTransition, 2),
            event(AuditAction::NoteCreate, 5),
        ],
        case,
    };
    // A second case opened the next year is numbered in that year's sequence.
    let mut next_year = new_case(&worker, CaseFields::new());
    next_year.now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
    let next_year_id = next_year.id;
    assert_eq!(
        store
            .import_cases(vec![imported, ImportedCase::new(next_year)])
            .await
            .unwrap(),
        2
    );

    let read = store.case_by_id(id).await.unwrap().unwrap();
    assert_eq!(read.summary.case_number, "CP-2026-00002");
    assert_eq!(read.summary.stage, "care_plan");
    assert_eq!(read.summary.version, 3, "opened, then two moves");
    assert_eq!(
        read.summary.updated_at,
        at(11),
        "the plan's approval is the last change"
    );
    assert_eq!(read.fields["name"], FieldValue::Text("Child".into()));
    let other = store.case_by_id(next_year_id).await.unwrap().unwrap();
    assert_eq!(other.summary.case_number, "CP-2027-00001");

    let moves = store.case_transitions(id).await.unwrap();
    assert_eq!(moves.len(), 2);
    assert_eq!(moves[0].reason.as_deref(), Some("risk confirmed"));
    assert_eq!(
        (moves[1].from.as_str(), moves[1].to.as_str()),
        ("assessment", "care_plan")
    );
    let notes = store.case_notes(id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].body, "Visited; the child is safe");
    assert_eq!(notes[0].next_contact_on, Some(at(12).date_naive()));
    let plans = store.care_plans(id).await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].status, CarePlanStatus::Approved);
    assert_eq!(plans[0].content.interventions[0].objective, "See a doctor");

    // The trail: the case's entries in time order, the creation's reason sealed with the case.
    let entries: Vec<_> = store
        .audit_entries(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.case_id == Some(id))
        .collect();
    let actions: Vec<_> = entries.iter().map(|e| e.event.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::CaseCreate,
            AuditAction::CaseTransition,
            AuditAction::NoteCreate,
            AuditAction::CarePlanSave
        ]
    );
    assert_eq!(entries[2].at, at(5));
    let reason = entries[0].event.reason.as_deref().unwrap();
    assert!(
        caseward_store::is_sealed_text(reason),
        "the reason is case content"
    );
    let verification = caseward_store::audit_verify::verify_chain(store.as_ref())
        .await
        .unwrap();
    assert!(verification.first_break.is_none());
    assert_eq!(
        verification.verified, 4,
        "every entry of the import, chained"
    );
}
