//! Bulk loads on both databases: many cases in one transaction, numbered and audited as one by
//! one, all or none; and the raw batched insert rate they are compared with.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::{CaseFields, FieldValue};
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{CaseFilter, Store, StoreError};
use std::sync::Arc;

on_both!(
    cases_import_in_one_transaction_all_or_none,
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
            case
        })
        .collect();
    let first = batch[0].id;
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
        store.import_cases(vec![fresh, again]).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.case_by_id(fresh_id).await.unwrap().is_none());
}

async fn the_baseline_leaves_nothing_behind(db: &TestDatabase, store: Arc<dyn Store>) {
    let took = store.measure_batched_inserts(50, 20).await.unwrap();
    assert!(took > std::time::Duration::ZERO);
    // The scratch table is gone: a table of that name can be made again (this panics if not).
    db.tamper("CREATE TABLE caseward_insert_baseline (id INTEGER PRIMARY KEY)")
        .await;
    // One left behind by an interrupted run does not stop the next measurement.
    store.measure_batched_inserts(5, 5).await.unwrap();
}
