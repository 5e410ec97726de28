//! The deadline rules, driven by the clock (moved, never slept on): a case in identification
//! for too long in working days or, in an emergency, clock hours; weekends and holidays; the
//! assessment limit; follow-ups reset by a recorded contact; reviews; care plans waiting for
//! approval; escalation to the supervisor; alerts read; and emails through a real local SMTP
//! receiver, sent once and naming no case.

use crate::world::{World, moved};
use caseward_server::jobs;
use caseward_server::mailer::{Mailer, SmtpSettings, SmtpUrl};
use caseward_server::smtp_receiver::SmtpReceiver;
use caseward_store::testing::Backend;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    identification_counts_working_days_or_emergency_hours,
    a_weekend_and_a_holiday_push_a_deadline_back,
    follow_ups_reviews_and_approvals_fall_due,
    a_case_type_may_set_its_own_follow_up_interval,
    alerts_are_emailed_once_and_name_no_case,
    a_sweep_page_by_page_raises_every_alert_once,
);

/// Sessions that outlast the months these tests move the clock through.
fn settings() -> caseward_server::ServerSettings {
    caseward_server::ServerSettings {
        mfa_required_roles: Vec::new(),
        session_idle_timeout: chrono::Duration::days(400),
        session_absolute_timeout: chrono::Duration::days(400),
        ..caseward_server::ServerSettings::default()
    }
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// Move the clock to `when`, check the deadlines then, and run the jobs due (the emails the
/// check queued).
async fn sweep_at(world: &World, when: DateTime<Utc>, mailer: Option<&Mailer>) {
    world.app.clock.set(when);
    jobs::sweep_now(&world.app.state).await.unwrap();
    jobs::run_due(&world.app.state, mailer).await.unwrap();
}

/// `who`'s alerts as (case number, kind, level).
async fn alerts(world: &World, who: &str) -> Vec<(String, String, String)> {
    let (status, list) = world.call(who, Method::GET, "/api/v1/alerts", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut items: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["case_number"].as_str().unwrap().to_string(),
                a["kind"].as_str().unwrap().to_string(),
                a["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    items.sort();
    items
}

fn alert(number: &str, kind: &str, level: &str) -> (String, String, String) {
    (number.into(), kind.into(), level.into())
}

/// A child protection case of worker1's, marked an emergency or not; its id and number.
async fn case(world: &mut World, emergency: bool) -> (String, String) {
    let id = world.plant_case("worker1", "child_protection").await.id;
    let path = format!("/api/v1/cases/{id}");
    let (_, read) = world.call("worker1", Method::GET, &path, None).await;
    let (status, updated) = world
        .call(
            "worker1",
            Method::PATCH,
            &path,
            Some(json!({ "version": read["version"], "fields": { "emergency_case": emergency } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    (id, updated["case_number"].as_str().unwrap().to_string())
}

async fn identification_counts_working_days_or_emergency_hours(backend: Backend) {
    let mut world = World::with_settings(backend, settings()).await;
    // Opened on Tuesday 10 March 2026 at 09:00.
    let (_, standard) = case(&mut world, false).await;
    let (_, emergency) = case(&mut world, true).await;
    sweep_at(&world, at(2026, 3, 12, 8, 59), None).await;
    assert_eq!(alerts(&world, "worker1").await, []);
    // 48 clock hours for an emergency.
    sweep_at(&world, at(2026, 3, 12, 9, 0), None).await;
    assert_eq!(
        alerts(&world, "worker1").await,
        [alert(&emergency, "stage_too_long", "alert")]
    );
    // 5 working days for the other: not on Monday 16 (the weekend does not count)...
    sweep_at(&world, at(2026, 3, 16, 23, 0), None).await;
    assert_eq!(alerts(&world, "worker1").await.len(), 1);
    // ...but the emergency escalated to the team's supervisor 2 working days after it passed.
    assert_eq!(
        alerts(&world, "supervisor1").await,
        [alert(&emergency, "stage_too_long", "escalation")]
    );
    // ...and on Tuesday 17 at 09:00.
    sweep_at(&world, at(2026, 3, 17, 9, 0), None).await;
    let mut expected = vec![
        alert(&emergency, "stage_too_long", "alert"),
        alert(&standard, "stage_too_long", "alert"),
    ];
    expected.sort();
    assert_eq!(alerts(&world, "worker1").await, expected);
    // Nobody else hears of them; sweeping again raises nothing new.
    for who in ["worker2", "supervisor2", "manager1"] {
        assert_eq!(alerts(&world, who).await, [], "{who}");
    }
    sweep_at(&world, at(2026, 3, 17, 9, 30), None).await;
    assert_eq!(alerts(&world, "worker1").await.len(), 2);

    // Alerts are read one by one, only by their recipient.
    let (_, list) = world
        .call("worker1", Method::GET, "/api/v1/alerts", None)
        .await;
    assert_eq!(list["unread"], 2);
    let first = list["items"][0]["id"].as_str().unwrap().to_string();
    let read = format!("/api/v1/alerts/{first}/read");
    assert_eq!(
        world.call("worker2", Method::POST, &read, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        world.call("worker1", Method::POST, &read, None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = world
        .call("worker1", Method::GET, "/api/v1/alerts", None)
        .await;
    assert_eq!(
        (list["unread"].as_u64(), list["items"][0]["read"].as_bool()),
        (Some(1), Some(true))
    );
}

async fn a_weekend_and_a_holiday_push_a_deadline_back(backend: Backend) {
    let mut world = World::with_settings(backend, settings()).await;
    // Tuesday 22 December 2026; 25 December is a holiday in the shipped calendar.
    world.app.clock.set(at(2026, 12, 22, 9, 0));
    let (_, number) = case(&mut world, false).await;
    // Working days: 23, 24, (25 holiday, 26-27 weekend) 28, 29, 30.
    sweep_at(&world, at(2026, 12, 30, 8, 59), None).await;
    assert_eq!(alerts(&world, "worker1").await, []);
    sweep_at(&world, at(2026, 12, 30, 9, 0), None).await;
    assert_eq!(
        alerts(&world, "worker1").await,
        [alert(&number, "stage_too_long", "alert")]
    );
    // Escalation two working days later: 31 December, then (1 January a holiday) 4 January.
    sweep_at(&world, at(2027, 1, 1, 12, 0), None).await;
    assert_eq!(alerts(&world, "supervisor1").await, []);
    sweep_at(&world, at(2027, 1, 4, 9, 0), None).await;
    assert_eq!(
        alerts(&world, "supervisor1").await,
        [alert(&number, "stage_too_long", "escalation")]
    );
}

async fn follow_ups_reviews_and_approvals_fall_due(backend: Backend) {
    let mut world = World::with_settings(backend, settings()).await;
    let (id, number) = case(&mut world, false).await;
    moved(&world, &id, "assessment", json!({})).await;
    // An assessment beyond 5 working days is flagged: from Tuesday 10 to Tuesday 17 March.
    sweep_at(&world, at(2026, 3, 17, 8, 0), None).await;
    assert!(
        !alerts(&world, "worker1")
            .await
            .iter()
            .any(|a| a.1 == "stage_too_long")
    );
    sweep_at(&world, at(2026, 3, 17, 9, 0), None).await;
    assert_eq!(
        alerts(&world, "worker1").await,
        [alert(&number, "stage_too_long", "alert")]
    );
    moved(&world, &id, "care_plan", json!({})).await;
    // A plan submitted on Tuesday 17 waits 2 working days for the supervisor.
    let plans = format!("/api/v1/cases/{id}/care-plans");
    let (status, _) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(crate::care_plans::complete_plan(0, true)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    sweep_at(&world, at(2026, 3, 19, 8, 59), None).await;
    assert_eq!(alerts(&world, "supervisor1").await, []);
    sweep_at(&world, at(2026, 3, 19, 9, 0), None).await;
    assert_eq!(
        alerts(&world, "supervisor1").await,
        [alert(&number, "approval_pending", "alert")]
    );
    let (status, _) = world
        .call(
            "supervisor1",
            Method::POST,
            &format!("{plans}/1/decision"),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Implementation from Thursday 19 March 09:00: a contact every 14 days, a review every 30.
    moved(&world, &id, "implementation", json!({})).await;
    let kinds = |list: Vec<(String, String, String)>, kind: &str| {
        list.into_iter().filter(|a| a.1 == kind).count()
    };
    sweep_at(&world, at(2026, 3, 29, 9, 0), None).await;
    let notes = format!("/api/v1/cases/{id}/notes");
    let (status, problem) = world
        .call(
            "worker1",
            Method::POST,
            &notes,
            Some(
                json!({ "kind": "home_visit", "body": "visited", "next_contact_on": "2026-03-01" }),
            ),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a planned contact in the past"
    );
    assert_eq!(problem["errors"][0]["field"], "next_contact_on");
    let (status, _) = world
        .call(
            "worker1",
            Method::POST,
            &notes,
            Some(
                json!({ "kind": "home_visit", "body": "visited", "next_contact_on": "2026-04-05" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Without the visit the follow-up would be overdue on 2 April; with it, the next contact
    // is planned for 5 April: overdue once that day is over, before the 14 days.
    sweep_at(&world, at(2026, 4, 2, 9, 0), None).await;
    assert_eq!(
        kinds(alerts(&world, "worker1").await, "follow_up_overdue"),
        0
    );
    sweep_at(&world, at(2026, 4, 5, 23, 59), None).await;
    assert_eq!(
        kinds(alerts(&world, "worker1").await, "follow_up_overdue"),
        0
    );
    sweep_at(&world, at(2026, 4, 6, 0, 0), None).await;
    assert_eq!(
        kinds(alerts(&world, "worker1").await, "follow_up_overdue"),
        1
    );
    sweep_at(&world, at(2026, 4, 12, 9, 0), None).await;
    assert_eq!(
        kinds(alerts(&world, "worker1").await, "follow_up_overdue"),
        1
    );
    assert_eq!(kinds(alerts(&world, "worker1").await, "review_due"), 0);
    sweep_at(&world, at(2026, 4, 18, 9, 0), None).await;
    assert_eq!(kinds(alerts(&world, "worker1").await, "review_due"), 1);
}

async fn alerts_are_emailed_once_and_name_no_case(backend: Backend) {
    let receiver = SmtpReceiver::start().await.unwrap();
    let smtp = SmtpSettings {
        url: SmtpUrl::new(receiver.url()),
        from: "Caseward <caseward@example.org>".into(),
        public_url: Some("https://caseward.example.org".into()),
    };
    let mut world = World::with_settings(
        backend,
        caseward_server::ServerSettings {
            smtp: Some(smtp.clone()),
            ..settings()
        },
    )
    .await;
    let mailer = Mailer::new(&smtp).unwrap();
    let settings = "/api/v1/me/notifications";
    let (status, problem) = world
        .call(
            "worker1",
            Method::PUT,
            settings,
            Some(json!({ "email": "not an address" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, set) = world
        .call(
            "worker1",
            Method::PUT,
            settings,
            Some(json!({ "email": "worker1@example.org" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        set,
        json!({ "email": "worker1@example.org", "email_available": true })
    );
    let planted = world.plant_case("worker1", "child_protection").await;
    let (_, number) = {
        let path = format!("/api/v1/cases/{}", planted.id);
        let (_, read) = world.call("worker1", Method::GET, &path, None).await;
        let (_, updated) = world
            .call(
                "worker1",
                Method::PATCH,
                &path,
                Some(json!({ "version": read["version"], "fields": { "emergency_case": true } })),
            )
            .await;
        ((), updated["case_number"].as_str().unwrap().to_string())
    };
    sweep_at(&world, at(2026, 3, 12, 9, 0), Some(&mailer)).await;
    let received = receiver
        .wait_for(1, std::time::Duration::from_secs(10))
        .await;
    assert_eq!(received.len(), 1);
    let message: &Value = &json!(received[0].data);
    assert_eq!(received[0].to, ["worker1@example.org"]);
    let text = message.as_str().unwrap();
    assert!(text.contains("stayed too long"), "{text}");
    assert!(
        text.contains("https://caseward.example.org/#/alerts"),
        "{text}"
    );
    assert!(!text.contains(&number), "an email names no case");
    for canary in &planted.canaries {
        assert!(!text.contains(&canary.text));
    }
    // Sweeping again sends nothing more; nor does anything go to someone without an address.
    sweep_at(&world, at(2026, 3, 12, 9, 30), Some(&mailer)).await;
    sweep_at(&world, at(2026, 3, 16, 12, 0), Some(&mailer)).await;
    assert_eq!(alerts(&world, "supervisor1").await.len(), 1, "escalated");
    assert_eq!(receiver.messages().len(), 1);
    let emails = world.app.store.jobs(jobs::ALERT_EMAIL).await.unwrap();
    assert_eq!(emails.len(), 1);
    assert!(emails[0].done_at.is_some());
    // Removing the address is recorded like setting it.
    let (status, _) = world
        .call(
            "worker1",
            Method::PUT,
            settings,
            Some(json!({ "email": null })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let trail = world
        .app
        .store
        .search_audit(&caseward_store::AuditFilter {
            actor: Some(world.users["worker1"].id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.event.action.as_str() == "user.notifications")
            .count(),
        2
    );
}

async fn a_case_type_may_set_its_own_follow_up_interval(backend: Backend) {
    let mut world = World::with_settings(backend, settings()).await;
    // General protection expects a contact every 30 days, not the instance's 14.
    let id = world.plant_case("worker1", "general_protection").await.id;
    for to in ["assessment", "care_plan"] {
        moved(&world, &id, to, json!({})).await;
    }
    crate::care_plans::approved_plan(&world, &id).await;
    moved(&world, &id, "implementation", json!({})).await;
    let follow_ups = |list: Vec<(String, String, String)>| {
        list.into_iter()
            .filter(|a| a.1 == "follow_up_overdue")
            .count()
    };
    // In implementation from Tuesday 10 March 09:00.
    sweep_at(&world, at(2026, 3, 25, 9, 0), None).await;
    assert_eq!(
        follow_ups(alerts(&world, "worker1").await),
        0,
        "14 days are not its interval"
    );
    sweep_at(&world, at(2026, 4, 9, 8, 59), None).await;
    assert_eq!(follow_ups(alerts(&world, "worker1").await), 0);
    sweep_at(&world, at(2026, 4, 9, 9, 0), None).await;
    assert_eq!(follow_ups(alerts(&world, "worker1").await), 1);
}

/// A sweep reads the open cases page by page (2,000 at a time; one here): every case is
/// checked, each alert raised once, and a second sweep raises nothing new.
async fn a_sweep_page_by_page_raises_every_alert_once(backend: Backend) {
    let mut world = World::with_settings(backend, settings()).await;
    let mut numbers = Vec::new();
    for emergency in [false, true, false] {
        numbers.push(case(&mut world, emergency).await.1);
    }
    let now = at(2026, 3, 17, 9, 0);
    world.app.clock.set(now);
    let sweep = jobs::sweep_now_in_pages;
    assert_eq!(sweep(&world.app.state, 1).await.unwrap(), 4);
    let mut expected: Vec<_> = numbers
        .iter()
        .map(|n| alert(n, "stage_too_long", "alert"))
        .collect();
    expected.sort();
    assert_eq!(alerts(&world, "worker1").await, expected);
    assert_eq!(
        alerts(&world, "supervisor1").await,
        [alert(&numbers[1], "stage_too_long", "escalation")]
    );
    assert_eq!(sweep(&world.app.state, 2).await.unwrap(), 0);
}
