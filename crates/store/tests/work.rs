//! Background work on both databases: a job is claimed by one node at a time, even under
//! concurrent claims; a lease that runs out lets another node take it; alerts are recorded
//! once with their job, and (on SQLite) those recorded before without a write; and a case's
//! timeline facts come from its history.

#[macro_use]
mod common;

use common::{new_case, worker};

use caseward_domain::case::CaseFields;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{
    CaseTransition, DimensionValue, NewAlert, NewJob, NewNote, Store, StoreError, TimelineFilter,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeSet;
use std::sync::Arc;

on_both!(
    a_job_is_claimed_by_one_node_and_finished_once,
    concurrent_claims_never_share_a_job,
    alerts_are_recorded_once_with_their_job,
    alerts_recorded_before_take_no_write,
    timelines_come_from_the_cases_history,
);

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap()
}

fn job(kind: &str, singleton: Option<&str>, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        id: uuid::Uuid::now_v7(),
        kind: kind.into(),
        singleton: singleton.map(str::to_string),
        payload: "{}".into(),
        run_at,
    }
}

async fn a_job_is_claimed_by_one_node_and_finished_once(_db: &TestDatabase, store: Arc<dyn Store>) {
    let lease = Duration::minutes(5);
    assert!(
        store
            .schedule_job(job("sweep", Some("sweep"), at(9)))
            .await
            .unwrap()
    );
    assert!(
        !store
            .schedule_job(job("sweep", Some("sweep"), at(9)))
            .await
            .unwrap(),
        "one pending job per singleton"
    );
    assert!(
        store
            .claim_jobs("a", at(8), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let claimed = store.claim_jobs("a", at(9), lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].locked_until, at(9) + lease);
    assert!(
        store
            .claim_jobs("b", at(9), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "held by a"
    );
    assert!(
        !store
            .finish_job(claimed[0].id, "b", at(9), None)
            .await
            .unwrap(),
        "not b's"
    );
    // a's lease runs out: b takes the job, and a can no longer finish it.
    let taken = store.claim_jobs("b", at(10), lease, 10).await.unwrap();
    assert_eq!(
        taken.iter().map(|j| j.id).collect::<Vec<_>>(),
        [claimed[0].id]
    );
    assert!(
        !store
            .finish_job(claimed[0].id, "a", at(10), None)
            .await
            .unwrap()
    );
    let next = job("sweep", Some("sweep"), at(11));
    assert!(
        store
            .finish_job(claimed[0].id, "b", at(10), Some(next))
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_job(claimed[0].id, "b", at(10), None)
            .await
            .unwrap(),
        "once"
    );
    // The next run is pending under the same singleton; a failure puts it back for later.
    let again = store.claim_jobs("a", at(11), lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    store
        .fail_job(again[0].id, "a", "smtp refused", at(12))
        .await
        .unwrap();
    assert!(
        store
            .claim_jobs("a", at(11), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = store.claim_jobs("b", at(12), lease, 10).await.unwrap();
    assert_eq!((retried.len(), retried[0].attempts), (1, 1));
    let history = store.jobs("sweep").await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].done_by.as_deref(), Some("b"));
    assert_eq!(history[1].last_error.as_deref(), Some("smtp refused"));
}

async fn concurrent_claims_never_share_a_job(_db: &TestDatabase, store: Arc<dyn Store>) {
    let count = 60;
    for i in 0..count {
        store
            .schedule_job(job("email", None, at(9) + Duration::seconds(i)))
            .await
            .unwrap();
    }
    let node = |name: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let claimed = store
                    .claim_jobs(name, at(10), Duration::minutes(5), 4)
                    .await
                    .unwrap();
                if claimed.is_empty() {
                    return done;
                }
                for job in claimed {
                    assert!(store.finish_job(job.id, name, at(10), None).await.unwrap());
                    done.push(job.id);
                }
            }
        })
    };
    let (a, b) = (node("a"), node("b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let all: BTreeSet<_> = a.iter().chain(&b).collect();
    assert_eq!(a.len() + b.len(), count as usize, "each job ran once");
    assert_eq!(all.len(), count as usize);
    let history = store.jobs("email").await.unwrap();
    assert!(history.iter().all(|j| j.done_at.is_some()));
}

async fn alerts_are_recorded_once_with_their_job(_db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    let alert = || NewAlert {
        id: uuid::Uuid::now_v7(),
        case_id: case.summary.id,
        recipient: worker.id,
        kind: "follow_up_overdue".into(),
        stage: None,
        level: "alert".into(),
        due: at(9),
        job: Some(job("alert_email", None, at(10))),
    };
    assert_eq!(store.raise_alerts(vec![alert()], at(10)).await.unwrap(), 1);
    assert_eq!(
        store.raise_alerts(vec![alert()], at(11)).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(
        store.jobs("alert_email").await.unwrap().len(),
        1,
        "one email"
    );
    let listed = store.alerts_for(worker.id, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].case_number, case.summary.case_number);
    assert_eq!(listed[0].created_at, at(10));
    let someone = uuid::Uuid::now_v7();
    assert!(matches!(
        store.mark_alert_read(someone, listed[0].id, at(12)).await,
        Err(StoreError::NotFound)
    ));
    store
        .mark_alert_read(worker.id, listed[0].id, at(12))
        .await
        .unwrap();
    store
        .mark_alert_read(worker.id, listed[0].id, at(13))
        .await
        .unwrap();
    assert_eq!(
        store.alert(listed[0].id).await.unwrap().unwrap().read_at,
        Some(at(12))
    );
    // The address alerts go to.
    assert_eq!(store.notification_email(worker.id).await.unwrap(), None);
    store
        .set_notification_email(worker.id, Some("w@example.org"), at(9))
        .await
        .unwrap();
    store
        .set_notification_email(worker.id, Some("w1@example.org"), at(9))
        .await
        .unwrap();
    assert_eq!(
        store
            .notification_email(worker.id)
            .await
            .unwrap()
            .as_deref(),
        Some("w1@example.org")
    );
    store
        .set_notification_email(worker.id, None, at(9))
        .await
        .unwrap();
    assert_eq!(store.notification_email(worker.id).await.unwrap(), None);
    // In one write: an alert recorded before, a new one twice, and an escalation; only the
    // new ones are counted, each with its email.
    let escalation = NewAlert {
        level: "escalation".into(),
        ..alert()
    };
    let later = NewAlert {
        due: at(10),
        ..alert()
    };
    let again = NewAlert {
        id: uuid::Uuid::now_v7(),
        ..later.clone()
    };
    assert_eq!(
        store
            .raise_alerts(vec![alert(), later, escalation, again], at(11))
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.jobs("alert_email").await.unwrap().len(), 3);
    assert_eq!(store.raise_alerts(Vec::new(), at(11)).await.unwrap(), 0);
    assert!(
        store
            .purge_case(case.summary.id, "retention", &[], at(14))
            .await
            .unwrap()
    );
    assert!(store.alerts_for(worker.id, 10).await.unwrap().is_empty());
}

/// A sweep raises every passed deadline again. On SQLite those recorded before are found by a
/// read and never reach an insert (which would hold the write lock), while a new one still
/// does. PostgreSQL inserts them all with `ON CONFLICT DO NOTHING` (a read first would scan
/// the whole table whenever its statistics are missing), so its insert trigger sees them.
async fn alerts_recorded_before_take_no_write(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let case = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    let alert = |level: &str, due: u32| NewAlert {
        id: uuid::Uuid::now_v7(),
        case_id: case.summary.id,
        recipient: worker.id,
        kind: "follow_up_overdue".into(),
        stage: None,
        level: level.into(),
        due: at(due),
        job: None,
    };
    assert_eq!(
        store
            .raise_alerts(vec![alert("alert", 9)], at(10))
            .await
            .unwrap(),
        1
    );
    let postgres = matches!(db.location, caseward_store::StoreLocation::Postgres(_));
    db.tamper(match postgres {
        true => {
            "CREATE FUNCTION refuse_alert() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
             CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts FOR EACH ROW
             EXECUTE FUNCTION refuse_alert();"
        }
        false => {
            "CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts
             BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        }
    })
    .await;
    let again = store.raise_alerts(vec![alert("alert", 9)], at(11)).await;
    if postgres {
        assert!(again.is_err(), "PostgreSQL inserts without a read first");
    } else {
        assert_eq!(
            again.unwrap(),
            0,
            "the alert recorded before was not inserted again"
        );
    }
    assert!(
        store
            .raise_alerts(vec![alert("alert", 9), alert("escalation", 9)], at(11))
            .await
            .is_err(),
        "a new alert is inserted"
    );
    db.tamper(match postgres {
        true => "DROP TRIGGER refuse_alerts ON alerts",
        false => "DROP TRIGGER refuse_alerts",
    })
    .await;
    assert_eq!(
        store
            .raise_alerts(
                vec![
                    alert("alert", 9),
                    alert("escalation", 9),
                    alert("alert", 12)
                ],
                at(12)
            )
            .await
            .unwrap(),
        2
    );
    let listed = store.alerts_for(worker.id, 10).await.unwrap();
    assert_eq!(listed.len(), 3);
}

async fn timelines_come_from_the_cases_history(db: &TestDatabase, store: Arc<dyn Store>) {
    let worker = worker(&store).await;
    let mut emergency = new_case(&worker, CaseFields::new());
    emergency.dimensions = vec![DimensionValue {
        field: "emergency_case".into(),
        value: "yes".into(),
    }];
    let emergency = store.create_case(emergency).await.unwrap();
    let moved = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    let closed = store
        .create_case(new_case(&worker, CaseFields::new()))
        .await
        .unwrap();
    for (case, to, hour) in [(&moved, "assessment", 10), (&closed, "closed", 11)] {
        store
            .transition_case(CaseTransition {
                id: uuid::Uuid::now_v7(),
                case_id: case.summary.id,
                expected_version: case.summary.version,
                from: "identification".into(),
                to: to.into(),
                by: worker.id,
                reason: None,
                survivor_decision: false,
                audit: Vec::new(),
                now: at(hour),
            })
            .await
            .unwrap();
    }
    for (kind, hour) in [("home_visit", 12), ("other", 13)] {
        store
            .add_note(NewNote {
                id: uuid::Uuid::now_v7(),
                case_id: moved.summary.id,
                kind: kind.into(),
                confidential: false,
                body: "x".into(),
                next_contact_on: None,
                written_by: worker.id,
                audit: Vec::new(),
                now: at(hour),
            })
            .await
            .unwrap();
    }
    let timelines = store
        .case_timelines(&TimelineFilter {
            exclude_stages: vec!["closed".into()],
            emergency_fields: vec!["emergency_case".into()],
            ..TimelineFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(timelines.len(), 2, "the closed case is left out");
    // Page by page, in id order: every open case once.
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .case_timelines(&TimelineFilter {
                exclude_stages: vec!["closed".into()],
                limit: Some(1),
                after,
                ..TimelineFilter::default()
            })
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        assert_eq!(page.len(), 1);
        after = Some(last.id);
        paged.push(last.id);
    }
    let mut ids: Vec<_> = timelines.iter().map(|t| t.id).collect();
    ids.sort();
    assert_eq!(paged, ids);
    let first = &timelines[0];
    assert_eq!(
        (
            first.id,
            first.emergency,
            first.stage_since,
            first.last_contact
        ),
        (
            emergency.summary.id,
            true,
            emergency.summary.created_at,
            None
        )
    );
    let second = &timelines[1];
    assert_eq!(
        (
            second.id,
            second.emergency,
            second.stage.as_str(),
            second.stage_since,
            second.last_contact
        ),
        (moved.summary.id, false, "assessment", at(10), Some(at(12))),
        "a note of kind other is no contact"
    );
    assert_eq!(second.approval_requested, None);

    // A case without a history digest (an instance upgraded, not yet reindexed) has its
    // history rows searched instead, beside cases read by their digests: the same facts.
    let read = |limit| {
        let store = store.clone();
        async move {
            store
                .case_timelines(&TimelineFilter {
                    exclude_stages: vec!["closed".into()],
                    emergency_fields: vec!["emergency_case".into()],
                    limit,
                    ..TimelineFilter::default()
                })
                .await
                .unwrap()
        }
    };
    let mut by_id = timelines.clone();
    by_id.sort_by_key(|t| t.id);
    assert_eq!(read(Some(10)).await, by_id, "a page, in id order");
    let id = match db.location {
        caseward_store::StoreLocation::Postgres(_) => format!("'{}'::uuid", moved.summary.id),
        _ => format!("X'{}'", moved.summary.id.simple()),
    };
    db.tamper(&format!(
        "UPDATE cases SET history_digest = NULL WHERE id = {id}"
    ))
    .await;
    assert_eq!(read(None).await, timelines, "one case from its rows");
    db.tamper("UPDATE cases SET history_digest = NULL").await;
    assert_eq!(read(None).await, timelines, "every case from its rows");
    assert_eq!(read(Some(10)).await, by_id);
}
