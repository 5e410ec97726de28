//! Care plans over HTTP: a worker drafts and submits a plan, the case cannot start its
//! implementation until the team's supervisor approves it from the queue, a progress update
//! stays approved, and every refusal names what is wrong.

use crate::world::{World, fields_of, go};
use caseward_store::testing::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    a_submitted_plan_is_approved_from_the_queue_and_the_case_moves_on,
    plans_are_refused_precisely
);

/// A complete plan, based on version `based_on`.
pub fn complete_plan(based_on: i64, submit: bool) -> Value {
    json!({
        "based_on": based_on,
        "submit": submit,
        "narrative": "Back at school and safe at home within three months",
        "interventions": [
            { "type": "education", "objective": "Enrol in grade 4", "responsible": "Case worker",
              "target_date": "2026-06-01" },
            { "type": "mental_health_psychosocial", "objective": "Weekly sessions", "responsible": "Partner NGO" }
        ]
    })
}

/// Submit a complete plan as worker1 and have supervisor1 approve it.
pub async fn approved_plan(world: &World, case: &str) {
    let (_, plans) = world
        .call(
            "worker1",
            Method::GET,
            &format!("/api/v1/cases/{case}/care-plans"),
            None,
        )
        .await;
    let newest = plans["versions"].as_array().map_or(0, |v| v.len() as i64);
    let (status, plan) = world
        .call(
            "worker1",
            Method::POST,
            &format!("/api/v1/cases/{case}/care-plans"),
            Some(complete_plan(newest, true)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    if plan["status"] == "approved" {
        // The same plan again: it stays approved.
        return;
    }
    let (status, decided) = world
        .call(
            "supervisor1",
            Method::POST,
            &format!(
                "/api/v1/cases/{case}/care-plans/{}/decision",
                plan["version"]
            ),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
}

async fn a_submitted_plan_is_approved_from_the_queue_and_the_case_moves_on(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await.id;
    let plans = format!("/api/v1/cases/{case}/care-plans");
    for to in ["assessment", "care_plan"] {
        assert_eq!(
            go(&world, &case, to, json!({})).await.0,
            StatusCode::OK,
            "{to}"
        );
    }
    // Without an approved plan the implementation does not start.
    let (status, refused) = go(&world, &case, "implementation", json!({})).await;
    assert_eq!(
        (status, fields_of(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["care_plan".into()])
    );
    assert!(refused.to_string().contains("approved by the supervisor"));

    // A draft may be incomplete; it is version 1.
    let (status, draft) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(json!({ "based_on": 0, "narrative": "first ideas" })),
        )
        .await;
    assert_eq!(
        (status, draft["version"].as_i64(), draft["status"].as_str()),
        (StatusCode::CREATED, Some(1), Some("draft")),
        "{draft}"
    );
    let (status, submitted) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(complete_plan(1, true)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{submitted}");
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(
        submitted["objectives_and_timelines"], false,
        "one intervention has no date"
    );
    assert_eq!(submitted["interventions"][1]["status"], "planned");

    // The supervisor of the team finds it in the queue; the worker has no queue.
    let (status, queue) = world
        .call("supervisor1", Method::GET, "/api/v1/approvals", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["items"][0]["id"], case.as_str());
    assert_eq!(queue["total"], 1);
    let (status, _) = world
        .call("worker1", Method::GET, "/api/v1/approvals", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, other) = world
        .call("supervisor2", Method::GET, "/api/v1/approvals", None)
        .await;
    assert_eq!((status, other["total"].as_u64()), (StatusCode::OK, Some(0)));

    // The supervisor sees the plan and may decide; the worker may not decide.
    let (_, listed) = world.call("supervisor1", Method::GET, &plans, None).await;
    assert_eq!(
        (
            listed["may_decide"].as_bool(),
            listed["versions"][1]["narrative"].as_str()
        ),
        (Some(true), submitted["narrative"].as_str())
    );
    assert_eq!(listed["intervention_types"], "service_type");
    let decide = |version: i64| format!("{plans}/{version}/decision");
    let (status, _) = world
        .call(
            "worker1",
            Method::POST,
            &decide(2),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = world
        .call(
            "supervisor2",
            Method::POST,
            &decide(2),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another team's case does not exist for them"
    );
    // Returning needs a comment; the draft before is not decided on.
    let (status, problem) = world
        .call(
            "supervisor1",
            Method::POST,
            &decide(2),
            Some(json!({ "decision": "return" })),
        )
        .await;
    assert_eq!(
        (status, fields_of(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["comment".into()])
    );
    let (status, problem) = world
        .call(
            "supervisor1",
            Method::POST,
            &decide(1),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(
        (status, fields_of(&problem)),
        (StatusCode::FORBIDDEN, vec!["version".into()])
    );
    let (status, approved) = world
        .call(
            "supervisor1",
            Method::POST,
            &decide(2),
            Some(json!({ "decision": "approve", "comment": "Good plan" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(
        (
            approved["status"].as_str(),
            approved["decided_by"]["username"].as_str()
        ),
        (Some("approved"), Some("supervisor1"))
    );
    let (_, queue) = world
        .call("supervisor1", Method::GET, "/api/v1/approvals", None)
        .await;
    assert_eq!(queue["total"], 0);

    // Now the case moves on.
    let (status, moved) = go(&world, &case, "implementation", json!({})).await;
    assert_eq!(
        (status, moved["stage"].as_str()),
        (StatusCode::OK, Some("implementation")),
        "{moved}"
    );

    // Progress on the interventions keeps the plan approved; a changed objective does not.
    let mut progress = complete_plan(2, false);
    progress["interventions"][0]["status"] = json!("completed");
    let (_, updated) = world
        .call("worker1", Method::POST, &plans, Some(progress.clone()))
        .await;
    assert_eq!(
        (updated["version"].as_i64(), updated["status"].as_str()),
        (Some(3), Some("approved")),
        "{updated}"
    );
    progress["based_on"] = json!(3);
    progress["interventions"][0]["objective"] = json!("Enrol and attend");
    let (_, changed) = world
        .call("worker1", Method::POST, &plans, Some(progress))
        .await;
    assert_eq!(changed["status"], "draft");

    // The trail has every save and the decision.
    let actions: Vec<String> = world
        .app
        .store
        .case_audit(uuid::Uuid::parse_str(&case).unwrap(), 200)
        .await
        .unwrap()
        .iter()
        .map(|e| e.event.action.as_str().to_string())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "case.care_plan.save")
            .count(),
        4
    );
    assert!(actions.iter().any(|a| a == "case.care_plan.decide"));
}

async fn plans_are_refused_precisely(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await.id;
    let plans = format!("/api/v1/cases/{case}/care-plans");
    let (status, problem) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(json!({ "based_on": 0, "submit": true })),
        )
        .await;
    assert_eq!(
        (status, fields_of(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["narrative".into(), "interventions".into()]
        )
    );
    let mut bad = complete_plan(0, true);
    bad["interventions"][0]["type"] = json!("magic");
    bad["interventions"][1]["objective"] = json!("");
    let (status, problem) = world.call("worker1", Method::POST, &plans, Some(bad)).await;
    assert_eq!(
        (status, fields_of(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                "interventions[0].type".into(),
                "interventions[1].objective".into()
            ]
        )
    );
    let mut bad = complete_plan(0, false);
    bad["interventions"][0]["status"] = json!("finished");
    let (status, problem) = world.call("worker1", Method::POST, &plans, Some(bad)).await;
    assert_eq!(
        (status, fields_of(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["interventions[0].status".into()]
        )
    );
    let (status, problem) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(json!({ "based_on": 0, "surprise": 1 })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an unknown member is refused"
    );
    assert!(problem.to_string().contains("surprise"), "{problem}");
    // Nothing was written by the refusals: the first version is still version 1.
    let (status, first) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(complete_plan(0, true)),
        )
        .await;
    assert_eq!(
        (status, first["version"].as_i64()),
        (StatusCode::CREATED, Some(1))
    );
    let (status, _) = world
        .call(
            "worker1",
            Method::POST,
            &plans,
            Some(complete_plan(0, true)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale edit");
    // Someone who does not reach the case does not learn that it exists.
    let (status, _) = world.call("worker2", Method::GET, &plans, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A supervisor does not approve a plan they wrote.
    let (_, own) = world
        .call(
            "supervisor1",
            Method::POST,
            &plans,
            Some(complete_plan(1, true)),
        )
        .await;
    assert_eq!(own["status"], "submitted", "{own}");
    let (status, problem) = world
        .call(
            "supervisor1",
            Method::POST,
            &format!("{plans}/2/decision"),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        problem.to_string().contains("other than its author"),
        "{problem}"
    );
    let (status, problem) = world
        .call(
            "supervisor1",
            Method::POST,
            &format!("{plans}/2/decision"),
            Some(json!({ "decision": "maybe" })),
        )
        .await;
    assert_eq!(
        (status, fields_of(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["decision".into()])
    );
    // Managers and administrators have no queue and reach no plan.
    for who in ["manager1", "admin1"] {
        let (status, _) = world
            .call(who, Method::GET, "/api/v1/approvals", None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
}
