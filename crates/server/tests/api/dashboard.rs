//! The supervisor's dashboard over HTTP: the team's workers and their caseloads, the cases by
//! stage, the deadlines passed (moved by the clock), a care plan approval that changes it, the
//! quality metrics of the month, and nobody else reads it.

use crate::world::{World, moved};
use caseward_store::testing::Backend;
use chrono::{TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(the_dashboard_follows_the_teams_work);

async fn dashboard(world: &World) -> Value {
    let (status, body) = world
        .call("supervisor1", Method::GET, "/api/v1/dashboard", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn stage_count(board: &Value, stage: &str) -> u64 {
    board["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == stage)
        .map(|s| s["cases"].as_u64().unwrap())
        .unwrap_or_else(|| panic!("no stage {stage}"))
}

async fn the_dashboard_follows_the_teams_work(backend: Backend) {
    let mut world = World::with_settings(
        backend,
        caseward_server::ServerSettings {
            mfa_required_roles: Vec::new(),
            session_idle_timeout: chrono::Duration::days(60),
            session_absolute_timeout: chrono::Duration::days(60),
            ..caseward_server::ServerSettings::default()
        },
    )
    .await;
    for who in ["worker1", "manager1", "admin1"] {
        let (status, _) = world
            .call(who, Method::GET, "/api/v1/dashboard", None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let empty = dashboard(&world).await;
    let names: Vec<&str> = empty["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["worker"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "team A's members: {names:?}");
    assert!(names.contains(&"worker1") && !names.contains(&"worker3"));

    let first = world.plant_case("worker1", "child_protection").await.id;
    let second = world.plant_case("worker1", "child_protection").await.id;
    world.plant_case("worker3", "child_protection").await;
    let board = dashboard(&world).await;
    let worker1 = board["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["worker"]["username"] == "worker1")
        .unwrap()
        .clone();
    assert_eq!(
        (worker1["active"].as_u64(), worker1["new"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(worker1["by_case_type"][0]["status"], "within");
    assert_eq!(worker1["above_target"], false);
    assert_eq!(
        stage_count(&board, "identification"),
        2,
        "another team's case is not counted"
    );

    // The first case goes through assessment and waits for its plan's approval.
    moved(&world, &first, "assessment", json!({})).await;
    world
        .app
        .clock
        .set(Utc.with_ymd_and_hms(2026, 3, 13, 9, 0, 0).unwrap());
    moved(&world, &first, "care_plan", json!({})).await;
    let plans = format!("/api/v1/cases/{first}/care-plans");
    let (status, _) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(crate::care_plans::complete_plan(0, true)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let board = dashboard(&world).await;
    assert_eq!(board["alerts"]["care_plans_pending"], 1);
    assert_eq!(stage_count(&board, "care_plan"), 1);
    let (status, _) = world
        .call(
            "supervisor1",
            Method::POST,
            &format!("{plans}/1/decision"),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let board = dashboard(&world).await;
    assert_eq!(
        board["alerts"]["care_plans_pending"], 0,
        "the approval shows at once"
    );
    // 10 to 13 March: 3 days to a completed assessment; the plan has a dateless intervention.
    let march = board["metrics"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(march["month"], "2026-03");
    assert_eq!(march["assessments_completed"], 1);
    assert_eq!(march["average_days_to_assessment"], 3.0);
    assert_eq!(
        march["plans_with_objectives_and_timelines"],
        json!({ "of": 1, "met": 0, "ratio": 0.0 })
    );

    // A week later the second case has stayed too long in identification.
    world
        .app
        .clock
        .set(Utc.with_ymd_and_hms(2026, 3, 18, 9, 0, 0).unwrap());
    let board = dashboard(&world).await;
    assert_eq!(
        board["alerts"]["stages_overdue"],
        json!([{ "stage": "identification", "cases": 1 }])
    );
    let attention = board["attention"].as_array().unwrap();
    assert_eq!(attention.len(), 1, "{attention:?}");
    assert_eq!(attention[0]["case_id"], second.as_str());
    assert_eq!(attention[0]["kinds"], json!(["stage_too_long"]));
    // Closing it with a documented reason, then reopening it, shows in the month.
    let path = format!("/api/v1/cases/{second}");
    let (_, read) = world.call("worker1", Method::GET, &path, None).await;
    let (status, _) = world
        .call(
            "worker1",
            Method::PATCH,
            &path,
            Some(json!({ "version": read["version"], "fields": { "closure_reason": "duplicate_or_error", "closure_date": "2026-03-18" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    moved(
        &world,
        &second,
        "closed",
        json!({ "reason": "opened twice" }),
    )
    .await;
    moved(
        &world,
        &second,
        "reopened",
        json!({ "reason": "it was not a duplicate" }),
    )
    .await;
    let board = dashboard(&world).await;
    let march = board["metrics"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        march["closures_with_outcome"],
        json!({ "of": 1, "met": 1, "ratio": 1.0 })
    );
    assert_eq!(
        (march["reopenings"].as_u64(), march["reopen_rate"].as_f64()),
        (Some(1), Some(1.0))
    );
    assert_eq!(board["metrics"].as_array().unwrap().len(), 6);
    // Reading it is recorded.
    let trail = world
        .app
        .store
        .search_audit(&caseward_store::AuditFilter {
            actor: Some(world.users["supervisor1"].id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.event.action.as_str() == "team.dashboard")
    );
}
