//! Moving cases through their workflow over HTTP: the seed's Figure 2 for a child protection
//! case to closure and reopening, every unmet guard listed, a GBV survivor's pause, stale and
//! unreachable moves refused, the history, and the trail.

use crate::world::{World, fields_of, go};
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_case_moves_through_its_workflow,
    a_general_protection_case_closes_as_referral_only,
    a_childs_transfer_waits_for_the_panel,
    a_survivor_pauses_her_case_and_moves_are_refused_precisely,
    random_requests_never_move_a_case_past_an_unmet_guard
);

async fn read(world: &World, who: &str, case: &str) -> Value {
    world
        .client(who)
        .get(world.app.at(&format!("/api/v1/cases/{case}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn post(world: &World, who: &str, path: &str, body: Value) -> (StatusCode, Value) {
    world
        .call(who, reqwest::Method::POST, path, Some(body))
        .await
}

async fn a_case_moves_through_its_workflow(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await.id;
    let offered: Vec<String> = read(&world, "worker1", &case).await["access"]["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(offered, ["assessment", "closed"]);
    for to in ["assessment", "care_plan", "implementation", "case_review"] {
        if to == "implementation" {
            crate::care_plans::approved_plan(&world, &case).await;
        }
        let (status, moved) = go(&world, &case, to, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{to}: {moved}");
        assert_eq!(moved["stage"], to);
    }
    // Closing needs the closure recorded first.
    let (status, refused) = go(&world, &case, "closed", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        fields_of(&refused),
        ["fields.closure_reason", "fields.closure_date"]
    );
    let version = read(&world, "worker1", &case).await["version"].clone();
    let response = world
        .client("worker1")
        .patch(world.app.at(&format!("/api/v1/cases/{case}")))
        .json(&json!({ "version": version, "fields": { "closure_reason": "objectives_met", "closure_date": "2026-03-09" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let (status, closed) = go(&world, &case, "closed", json!({})).await;
    assert_eq!(
        (status, closed["stage"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{closed}"
    );
    // Reopening needs a reason, sealed with the case.
    let (status, refused) = go(&world, &case, "reopened", json!({})).await;
    assert_eq!(
        (status, fields_of(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()])
    );
    let reason = format!("CANARY{}", uuid::Uuid::now_v7().simple());
    let (status, _) = go(&world, &case, "reopened", json!({ "reason": reason })).await;
    assert_eq!(status, StatusCode::OK);

    let history: Value = world
        .client("supervisor1")
        .get(world.app.at(&format!("/api/v1/cases/{case}/transitions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moves: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("identification", "assessment"),
            ("assessment", "care_plan"),
            ("care_plan", "implementation"),
            ("implementation", "case_review"),
            ("case_review", "closed"),
            ("closed", "reopened"),
        ]
    );
    assert_eq!(
        history[5]["reason"],
        reason.as_str(),
        "opened for those who read the case"
    );
    assert_eq!(history[0]["by"]["username"], "worker1");
    // Each move is in the trail; the reason is not in the database in clear.
    let id = uuid::Uuid::parse_str(&case).unwrap();
    let trail = world.app.store.case_audit(id, 50).await.unwrap();
    let moved = trail
        .iter()
        .filter(|e| e.event.action.as_str() == "case.transition")
        .count();
    assert_eq!(moved, 6);
    let raw = world.app.database().raw_contents().await;
    assert!(!raw.contains(&reason), "a move's reason is stored in clear");
}

async fn a_survivor_pauses_her_case_and_moves_are_refused_precisely(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "gbv").await.id;
    // A pause is her decision, recorded as hers, whatever the forms hold.
    let (status, refused) = go(&world, &case, "paused", json!({})).await;
    assert_eq!(
        (status, fields_of(&refused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["survivor_decision".to_string()]
        )
    );
    let (status, paused) = go(
        &world,
        &case,
        "paused",
        json!({ "survivor_decision": true }),
    )
    .await;
    assert_eq!(
        (status, paused["stage"].as_str()),
        (StatusCode::OK, Some("paused")),
        "{paused}"
    );
    // A move the workflow does not have; a stale version; someone who cannot reach the case.
    let (status, refused) = go(&world, &case, "case_review", json!({})).await;
    assert_eq!(
        (status, fields_of(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["to".to_string()])
    );
    let (status, _) = post(
        &world,
        "worker1",
        &format!("/api/v1/cases/{case}/transitions"),
        json!({ "to": "implementation", "version": 1, "survivor_decision": true }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = post(
        &world,
        "worker2",
        &format!("/api/v1/cases/{case}/transitions"),
        json!({ "to": "implementation", "version": 2, "survivor_decision": true }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An unknown key in the body is refused, naming it.
    let (status, _) = post(
        &world,
        "worker1",
        &format!("/api/v1/cases/{case}/transitions"),
        json!({ "to": "implementation", "version": 2, "stage": "closed" }),
    )
    .await;
    assert!(status.is_client_error());
    assert_eq!(
        read(&world, "worker1", &case).await["stage"],
        "paused",
        "nothing moved"
    );
    // She closes her case early, whatever the plan: her decision, with the closure recorded.
    let path = format!("/api/v1/cases/{case}");
    let version = read(&world, "worker1", &case).await["version"].clone();
    let (status, _) = world
        .call(
            "worker1",
            reqwest::Method::PATCH,
            &path,
            Some(json!({ "version": version, "fields": { "closure_reason": "survivor_decision", "closure_date": "2026-03-10" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, closed) = go(
        &world,
        &case,
        "closed",
        json!({ "survivor_decision": true }),
    )
    .await;
    assert_eq!(
        (status, closed["stage"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{closed}"
    );
    let (_, history) = world
        .call(
            "worker1",
            reqwest::Method::GET,
            &format!("{path}/transitions"),
            None,
        )
        .await;
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["to"].as_str(), last["survivor_decision"].as_bool()),
        (Some("closed"), Some(true))
    );
}

/// A seeded random walk over the API: fields cleared and moves asked for at random, on cases
/// of every type. Every move the server accepts is checked against the case as it was before
/// the move (read from the store) with an independent statement of the rules: the move is
/// declared from that stage, its reason and survivor's decision were given where needed, the
/// stage left was complete unless it was the survivor's decision, required values were there.
async fn random_requests_never_move_a_case_past_an_unmet_guard(backend: Backend) {
    use caseward_domain::validate::validate_case;
    use rand::{Rng, SeedableRng};
    let mut world = World::new(backend).await;
    let config = crate::support::default_config();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..6 {
        let type_id = ["child_protection", "gbv", "general_protection"][round % 3];
        let case_type = config.case_type(type_id).unwrap();
        let case = world.plant_case("worker1", type_id).await.id;
        let id = uuid::Uuid::parse_str(&case).unwrap();
        for _ in 0..14 {
            let before = world.app.store.case_by_id(id).await.unwrap().unwrap();
            if rng.gen_bool(0.3) {
                // Clear a field the worker may write (a value the walk may need later).
                let keys: Vec<&String> = before.fields.keys().collect();
                if keys.is_empty() {
                    continue;
                }
                let field = keys[rng.gen_range(0..keys.len())].clone();
                world
                    .client("worker1")
                    .patch(world.app.at(&format!("/api/v1/cases/{case}")))
                    .json(&json!({ "version": before.summary.version, "fields": { field: null } }))
                    .send()
                    .await
                    .unwrap();
                continue;
            }
            if rng.gen_bool(0.15) {
                // Have the plan approved (a guard the walk may need later).
                crate::care_plans::approved_plan(&world, &case).await;
                continue;
            }
            let plan_approved = world.app.store.care_plan_status(id).await.unwrap()
                == Some(caseward_domain::care_plan::CarePlanStatus::Approved);
            let to = case_type.stages[rng.gen_range(0..case_type.stages.len())].clone();
            let with_reason = rng.gen_bool(0.5);
            let survivor = rng.gen_bool(0.5);
            let mut body = json!({ "to": to, "version": before.summary.version, "survivor_decision": survivor });
            if with_reason {
                body["reason"] = json!("a reason");
            }
            let (status, _) = post(
                &world,
                "worker1",
                &format!("/api/v1/cases/{case}/transitions"),
                body,
            )
            .await;
            if status != StatusCode::OK {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
                refused += 1;
                continue;
            }
            accepted += 1;
            let stage = &before.summary.stage;
            let declared: Vec<_> = case_type
                .transitions
                .iter()
                .filter(|t| t.from.contains(stage) && t.to == to)
                .collect();
            let taken = declared
                .iter()
                .find(|t| t.survivor_decision == survivor)
                .or(declared.first())
                .unwrap_or_else(|| panic!("{stage} -> {to} is not declared"));
            assert!(
                !taken.reason || with_reason,
                "{stage} -> {to} without its reason"
            );
            assert!(
                !taken.approved_care_plan || plan_approved,
                "{stage} -> {to} without an approved care plan"
            );
            assert!(
                !taken.panel_review,
                "{stage} -> {to} without the panel's endorsement (none is recorded in the walk)"
            );
            if taken.survivor_decision {
                assert!(survivor, "{stage} -> {to} is the survivor's decision");
            } else {
                let problems = validate_case(
                    &config,
                    case_type,
                    stage,
                    &before.fields,
                    before.summary.updated_at,
                );
                assert!(
                    problems.is_empty(),
                    "{stage} -> {to} left an incomplete stage: {problems:?}"
                );
            }
            for path in &taken.require {
                assert!(
                    before.fields.contains_key(&path.field),
                    "{stage} -> {to} without {path}"
                );
            }
            let after = world.app.store.case_by_id(id).await.unwrap().unwrap();
            assert_eq!(&after.summary.stage, &to);
        }
    }
    assert!(
        accepted >= 5 && refused >= 5,
        "the walk tried both ({accepted} moves, {refused} refusals)"
    );
}

async fn a_childs_transfer_waits_for_the_panel(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await.id;
    for to in ["assessment", "care_plan", "implementation", "case_review"] {
        if to == "implementation" {
            crate::care_plans::approved_plan(&world, &case).await;
        }
        assert_eq!(
            go(&world, &case, to, json!({})).await.0,
            StatusCode::OK,
            "{to}"
        );
    }
    let transfer = json!({ "reason": "the family moves to another region" });
    let (status, refused) = go(&world, &case, "transferred", transfer.clone()).await;
    assert_eq!(
        (status, fields_of(&refused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["panel_decision".to_string()]
        )
    );
    let panel = format!("/api/v1/cases/{case}/panel-decisions");
    let decision = |to: &str, endorsed: bool, on: &str| json!({ "to": to, "endorsed": endorsed, "decided_on": on, "notes": "panel of 10 March: UNICEF, the district office, the receiving agency" });
    // Bad decisions are refused, naming the field; nothing is written.
    let (status, problem) = post(
        &world,
        "worker1",
        &panel,
        decision("closed", true, "2027-01-01"),
    )
    .await;
    assert_eq!(
        (status, fields_of(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["to".to_string(), "decided_on".to_string()]
        )
    );
    let (status, _) = post(
        &world,
        "worker2",
        &panel,
        decision("transferred", true, "2026-03-10"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Not endorsed: the move waits; endorsed: it is made.
    let (status, _) = post(
        &world,
        "worker1",
        &panel,
        decision("transferred", false, "2026-03-10"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        go(&world, &case, "transferred", transfer.clone()).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, recorded) = post(
        &world,
        "worker1",
        &panel,
        decision("transferred", true, "2026-03-10"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    let (status, moved) = go(&world, &case, "transferred", transfer).await;
    assert_eq!(
        (status, moved["stage"].as_str()),
        (StatusCode::OK, Some("transferred")),
        "{moved}"
    );
    let (_, listed) = world
        .call("supervisor1", reqwest::Method::GET, &panel, None)
        .await;
    let endorsed: Vec<bool> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["endorsed"].as_bool().unwrap())
        .collect();
    assert_eq!(endorsed, [false, true]);
}

async fn a_general_protection_case_closes_as_referral_only(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "general_protection").await.id;
    for to in ["assessment", "referral_only"] {
        assert_eq!(
            go(&world, &case, to, json!({})).await.0,
            StatusCode::OK,
            "{to}"
        );
    }
    // Not before the referral is confirmed and the closure recorded.
    let path = format!("/api/v1/cases/{case}");
    let (_, read) = world
        .call("worker1", reqwest::Method::GET, &path, None)
        .await;
    let (status, patched) = world
        .call(
            "worker1",
            reqwest::Method::PATCH,
            &path,
            Some(json!({ "version": read["version"], "fields": {
                "referrals": [{ "service_type": "health", "status": "referred" }],
                "closure_reason": null, "closure_date": null } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    let (status, refused) = go(&world, &case, "closed", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields_of(&refused),
        [
            "fields.closure_reason",
            "fields.closure_date",
            "fields.referrals.status"
        ]
    );
    let (_, read) = world
        .call("worker1", reqwest::Method::GET, &path, None)
        .await;
    let (status, updated) = world
        .call(
            "worker1",
            reqwest::Method::PATCH,
            &path,
            Some(json!({ "version": read["version"], "fields": {
                "referrals": [{ "service_type": "health", "status": "accepted" }],
                "closure_reason": "referral_completed", "closure_date": "2026-03-10" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (status, closed) = go(&world, &case, "closed", json!({})).await;
    assert_eq!(
        (status, closed["stage"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{closed}"
    );
}
