//! The running tallies of aggregate reports, on both databases: kept by the database through
//! every write of a case (creation, bulk import, edits alone and together, moves between
//! stages, purges), always equal to a fresh count of the cases.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::case::CaseFields;
use caseward_domain::reports::{CASES, Tally};
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{CaseTransition, CaseUpdate, DimensionValue, ImportedCase, Store, User};
use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;

on_both!(
    tallies_follow_every_write_of_a_case,
    tallies_of_crossing_moves_do_not_deadlock,
    migration_26_counts_the_cases_already_there,
    wrong_tallies_are_found_and_repaired,
);

fn dimension(field: &str, value: &str) -> DimensionValue {
    DimensionValue {
        field: field.into(),
        value: value.into(),
    }
}

fn at(month: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, 2, 9, 0, 0).unwrap()
}

async fn create(store: &Arc<dyn Store>, worker: &User, month: u32, sex: &str) -> uuid::Uuid {
    let case = store
        .create_case(caseward_store::NewCase {
            dimensions: vec![dimension("sex", sex), dimension("concerns", "neglect")],
            now: at(month),
            ..new_case(worker, CaseFields::new())
        })
        .await
        .unwrap();
    case.summary.id
}

async fn edit(store: &Arc<dyn Store>, id: uuid::Uuid, dimensions: Vec<DimensionValue>) {
    let case = store.case_by_id(id).await.unwrap().unwrap();
    store
        .update_case(CaseUpdate {
            id,
            expected_version: case.summary.version,
            fields: case.fields,
            config_version: 1,
            search_tokens: Vec::new(),
            dimensions,
            audit: Vec::new(),
            now: at(11),
        })
        .await
        .unwrap();
}

async fn move_to(store: &Arc<dyn Store>, worker: &User, id: uuid::Uuid, to: &str) {
    let case = store.case_by_id(id).await.unwrap().unwrap();
    store
        .transition_case(CaseTransition {
            id: uuid::Uuid::now_v7(),
            case_id: id,
            expected_version: case.summary.version,
            from: case.summary.stage.clone(),
            to: to.into(),
            by: worker.id,
            reason: None,
            survivor_decision: false,
            audit: Vec::new(),
            now: at(11),
        })
        .await
        .unwrap();
}

/// The stored tallies, all fields, next to a fresh count.
async fn stored_and_counted(store: &Arc<dyn Store>) -> (Vec<Tally>, Vec<Tally>) {
    let stored = store
        .report_tallies(&["sex".into(), "concerns".into()], true)
        .await
        .unwrap();
    let counted = store.recount_report_tallies().await.unwrap();
    (stored, counted)
}

fn count(tallies: &[Tally], field: &str, value: &str, stage: &str, month: &str) -> i64 {
    tallies
        .iter()
        .filter(|t| (t.field.as_str(), t.value.as_str(), t.stage.as_str()) == (field, value, stage))
        .filter(|t| t.opened_month == month && t.case_type == "child_protection")
        .map(|t| t.cases)
        .sum()
}

async fn tallies_follow_every_write_of_a_case(_db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let girls = [
        create(&store, &worker, 3, "female").await,
        create(&store, &worker, 3, "female").await,
        create(&store, &worker, 4, "female").await,
    ];
    let boy = create(&store, &worker, 4, "male").await;
    let imported: Vec<ImportedCase> = (0..3)
        .map(|_| {
            ImportedCase::new(caseward_store::NewCase {
                dimensions: vec![dimension("sex", "male")],
                now: at(5),
                ..new_case(&worker, CaseFields::new())
            })
        })
        .collect();
    assert_eq!(store.import_cases(imported).await.unwrap(), 3);
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
    assert_eq!(count(&stored, CASES, "", "identification", "2026-03"), 2);
    assert_eq!(
        count(&stored, "sex", "male", "identification", "2026-05"),
        3
    );

    // Edits alone and together (SQLite writes those in one batch): a value changed, one
    // removed, one kept.
    tokio::join!(
        edit(
            &store,
            girls[0],
            vec![dimension("sex", "male"), dimension("concerns", "neglect")]
        ),
        edit(&store, girls[1], vec![dimension("sex", "female")]),
    );
    edit(
        &store,
        boy,
        vec![dimension("sex", "male"), dimension("concerns", "neglect")],
    )
    .await;
    move_to(&store, &worker, girls[2], "assessment").await;
    move_to(&store, &worker, boy, "assessment").await;
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
    assert_eq!(
        count(&stored, "sex", "male", "identification", "2026-03"),
        1
    );
    assert_eq!(
        count(&stored, "sex", "female", "identification", "2026-03"),
        1
    );
    assert_eq!(
        count(&stored, "concerns", "neglect", "identification", "2026-03"),
        1
    );
    // Months added together: March's and May's boys in identification, one row.
    let summed = store.report_tallies(&["sex".into()], false).await.unwrap();
    assert_eq!(count(&summed, "sex", "male", "identification", ""), 1 + 3);
    assert!(summed.iter().all(|t| t.opened_month.is_empty()));
    let sexes = stored.iter().filter(|t| t.field != "concerns");
    assert_eq!(
        summed.iter().map(|t| t.cases).sum::<i64>(),
        sexes.map(|t| t.cases).sum::<i64>()
    );
    assert_eq!(
        count(&stored, "sex", "female", "identification", "2026-04"),
        0
    );
    assert_eq!(count(&stored, "sex", "female", "assessment", "2026-04"), 1);
    assert_eq!(count(&stored, CASES, "", "assessment", "2026-04"), 2);

    assert!(
        store
            .purge_case(boy, "retention", &[], at(12))
            .await
            .unwrap()
    );
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
    assert_eq!(count(&stored, CASES, "", "assessment", "2026-04"), 1);
    assert_eq!(count(&stored, "sex", "male", "assessment", "2026-04"), 0);
    assert!(
        stored.iter().all(|t| t.cases != 0),
        "tallies brought to zero are not read"
    );
    assert!(
        store
            .report_tallies(&[], true)
            .await
            .unwrap()
            .iter()
            .all(|t| t.field == CASES),
        "only the fields asked for"
    );
}

/// Cases moving between two stages in opposite directions at once, and edits changing a value
/// both ways: each changes the same tallies in the other's order (on PostgreSQL, an edit
/// removes its old values and then adds its new ones in two statements, so two such edits
/// would deadlock without a lock taken first).
async fn tallies_of_crossing_moves_do_not_deadlock(_db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let mut ahead = Vec::new();
    let mut behind = Vec::new();
    for i in 0..12 {
        let id = create(
            &store,
            &worker,
            3,
            if i % 2 == 0 { "female" } else { "male" },
        )
        .await;
        if i < 6 {
            move_to(&store, &worker, id, "assessment").await;
            ahead.push(id);
        } else {
            behind.push(id);
        }
    }
    let moves = ahead
        .iter()
        .map(|&id| (id, "identification"))
        .chain(behind.iter().map(|&id| (id, "assessment")));
    let tasks: Vec<_> = moves
        .map(|(id, to)| {
            let store = store.clone();
            let worker = worker.clone();
            tokio::spawn(async move { move_to(&store, &worker, id, to).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
    assert_eq!(count(&stored, CASES, "", "assessment", "2026-03"), 6);
    assert_eq!(
        count(&stored, "sex", "female", "identification", "2026-03"),
        3
    );

    for _ in 0..3 {
        let tasks: Vec<_> = behind
            .iter()
            .enumerate()
            .map(|(i, &id)| {
                let store = store.clone();
                // Every other case swaps its sex: female to male and male to female at once.
                let sex = if i % 2 == 0 { "male" } else { "female" };
                tokio::spawn(async move { edit(&store, id, vec![dimension("sex", sex)]).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        behind.reverse();
    }
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
}

/// An instance upgraded to migration 26 starts with the tallies of the cases it holds, and the
/// triggers keep them from there.
async fn migration_26_counts_the_cases_already_there(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let girl = create(&store, &worker, 3, "female").await;
    create(&store, &worker, 4, "male").await;
    move_to(&store, &worker, girl, "assessment").await;
    let before = store.recount_report_tallies().await.unwrap();
    drop(store);
    db.tamper(match db.location {
        caseward_store::StoreLocation::Postgres(_) => {
            "DROP TABLE report_tallies;
             DROP FUNCTION report_tallies_cases_inserted, report_tallies_cases_deleted,
                 report_tallies_cases_moved, report_tallies_dimensions_inserted,
                 report_tallies_dimensions_deleted, report_tallies_dimensions_fixed CASCADE;
             DROP FUNCTION report_month;
             DELETE FROM schema_migrations WHERE number = 26;"
        }
        _ => {
            "DROP TABLE report_tallies;
             DROP TRIGGER cases_tally_insert;
             DROP TRIGGER cases_tally_delete;
             DROP TRIGGER cases_tally_move;
             DROP TRIGGER case_dimensions_tally_insert;
             DROP TRIGGER case_dimensions_tally_delete;
             DROP TRIGGER case_dimensions_no_update;
             DELETE FROM schema_migrations WHERE number = 26;"
        }
    })
    .await;
    let store = db.open().await;
    assert!(store.applied_migrations().await.unwrap().contains(&26));
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(counted, before);
    assert_eq!(stored, counted);
    assert_eq!(count(&stored, "sex", "female", "assessment", "2026-03"), 1);
    create(&store, &worker, 4, "male").await;
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
    assert_eq!(
        count(&stored, "sex", "male", "identification", "2026-04"),
        2
    );
}

/// Tallies put wrong by hand are found, counted and repaired; right ones are left alone.
async fn wrong_tallies_are_found_and_repaired(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    create(&store, &worker, 3, "female").await;
    create(&store, &worker, 3, "male").await;
    assert_eq!(store.reconcile_report_tallies(false).await.unwrap(), 0);
    assert_eq!(store.reconcile_report_tallies(true).await.unwrap(), 0);
    // One count changed (a row differing each way), one tally gone, one invented: four rows.
    db.tamper(
        "UPDATE report_tallies SET cases = 7 WHERE field_id = 'sex' AND value = 'female';
         DELETE FROM report_tallies WHERE field_id = 'sex' AND value = 'male';
         INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
         VALUES ('sex', 'other', 'child_protection', 'identification', '2026-03', 2);",
    )
    .await;
    let (stored, counted) = stored_and_counted(&store).await;
    assert_ne!(stored, counted);
    assert_eq!(store.reconcile_report_tallies(false).await.unwrap(), 4);
    assert_ne!(
        stored_and_counted(&store).await.0,
        counted,
        "a check repairs nothing"
    );
    assert_eq!(store.reconcile_report_tallies(true).await.unwrap(), 4);
    let (stored, counted) = stored_and_counted(&store).await;
    assert_eq!(stored, counted);
    assert_eq!(store.reconcile_report_tallies(false).await.unwrap(), 0);
}
