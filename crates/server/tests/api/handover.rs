//! Handing a case over ("share to own"): the assigned worker passes a case to a user it is
//! shared with, who becomes its assigned worker; the caseload, consent and password checks of
//! every assignment path apply, and a refused hand-over changes nothing.

use crate::support::TestApp;
use crate::world::World;
use caseward_domain::config::Classification;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_shared_case_becomes_the_recipients_own,
    a_hand_over_is_refused_without_a_share_a_reason_or_the_password,
    a_survivors_withdrawn_consent_stops_the_hand_over,
    a_hand_over_above_the_maximum_caseload_is_refused,
);

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn hand_over_body(world: &World, from: &str, to: &str) -> Value {
    json!({
        "user_id": world.users[to].id,
        "reason": "the family moved to the other worker's area",
        "confirm_password": TestApp::password_of(from),
    })
}

async fn consent(world: &World, owner: &str, case_id: &str, recipient: &str) -> String {
    let (status, body) = send(
        world
            .client(owner)
            .post(world.app.at(&format!("/api/v1/cases/{case_id}/consents")))
            .json(&json!({
                "recipient": { "user_id": world.users[recipient].id },
                "information": { "up_to": "standard" },
                "purpose": "continuity of care",
                "given_on": "2026-03-01",
            })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "consent: {body}");
    body["id"].as_str().unwrap().to_string()
}

async fn share(world: &World, owner: &str, case_id: &str, recipient: &str) {
    let (status, body) = send(
        world
            .client(owner)
            .post(world.app.at(&format!("/api/v1/cases/{case_id}/shares")))
            .json(&json!({ "user_id": world.users[recipient].id, "reason": "joint case management", "confirm_password": TestApp::password_of(owner) })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "share: {body}");
}

async fn assignee(world: &World, case_id: &str) -> String {
    let record = world
        .app
        .store
        .case_by_id(case_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    record.summary.assigned_to.username
}

async fn a_shared_case_becomes_the_recipients_own(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await;
    share(&world, "worker1", &case.id, "worker3").await;
    let url = world.app.at(&format!("/api/v1/cases/{}", case.id));
    let protected: Vec<&str> = case
        .canaries
        .iter()
        .filter(|c| c.classification != Classification::Standard)
        .map(|c| c.text.as_str())
        .collect();
    assert!(!protected.is_empty());
    let (_, before) = send(world.client("worker3").get(&url)).await;
    for text in &protected {
        assert!(
            !before.to_string().contains(text),
            "a sharer sees no restricted value"
        );
    }

    let (status, body) = send(
        world
            .client("worker1")
            .post(format!("{url}/handover"))
            .json(&hand_over_body(&world, "worker1", "worker3")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["assigned_to"]["username"], "worker3");
    assert_eq!(body["caseload"]["status"], "within");

    // The new worker holds the case in full; the one who handed it over no longer reaches it.
    let (status, after) = send(world.client("worker3").get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    for text in &protected {
        assert!(
            after.to_string().contains(text),
            "the assigned worker sees every field"
        );
    }
    let (status, _) = send(world.client("worker1").get(&url)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The history says who handed it to whom and why; the share became ownership.
    let (status, access) = send(world.client("worker3").get(format!("{url}/access"))).await;
    assert_eq!(status, StatusCode::OK, "{access}");
    let last = access["assignments"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["from"]["username"], "worker1");
    assert_eq!(last["to"]["username"], "worker3");
    assert_eq!(last["by"]["username"], "worker1");
    assert_eq!(
        last["reason"],
        "the family moved to the other worker's area"
    );
    assert!(access["shares"].as_array().unwrap().is_empty());
}

async fn a_hand_over_is_refused_without_a_share_a_reason_or_the_password(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "general_protection").await;
    let url = world.app.at(&format!("/api/v1/cases/{}/handover", case.id));

    let (status, problem) = send(
        world
            .client("worker1")
            .post(&url)
            .json(&hand_over_body(&world, "worker1", "worker3")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not shared yet");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("share it first"),
        "{problem}"
    );

    share(&world, "worker1", &case.id, "worker3").await;
    let mut no_reason = hand_over_body(&world, "worker1", "worker3");
    no_reason["reason"] = json!("  ");
    let (status, problem) = send(world.client("worker1").post(&url).json(&no_reason)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "reason");

    let mut wrong_password = hand_over_body(&world, "worker1", "worker3");
    wrong_password["confirm_password"] = json!("not my password");
    let (status, _) = send(world.client("worker1").post(&url).json(&wrong_password)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let mut nobody = hand_over_body(&world, "worker1", "worker3");
    nobody["user_id"] = json!(uuid::Uuid::now_v7());
    let (status, problem) = send(world.client("worker1").post(&url).json(&nobody)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "user_id");

    // Neither the user it is shared with nor the team's supervisor hands it over.
    for (actor, to) in [("worker3", "worker3"), ("supervisor1", "worker3")] {
        let (status, _) = send(
            world
                .client(actor)
                .post(&url)
                .json(&hand_over_body(&world, actor, to)),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{actor}");
    }
    // A stranger to the case does not learn it exists.
    let (status, _) = send(
        world
            .client("worker4")
            .post(&url)
            .json(&hand_over_body(&world, "worker4", "worker3")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(
        world
            .client("worker1")
            .post(&url)
            .body("{\"user_id\": 1}")
            .header("content-type", "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a malformed body");

    assert_eq!(
        assignee(&world, &case.id).await,
        "worker1",
        "nothing changed"
    );
}

async fn a_survivors_withdrawn_consent_stops_the_hand_over(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "gbv").await;
    let consent_id = consent(&world, "worker1", &case.id, "worker3").await;
    share(&world, "worker1", &case.id, "worker3").await;
    let (status, _) = send(
        world
            .client("worker1")
            .post(world.app.at(&format!(
                "/api/v1/cases/{}/consents/{consent_id}/withdraw",
                case.id
            )))
            .json(&json!({ "reason": "the survivor changed her mind" })),
    )
    .await;
    assert!(status.is_success(), "withdrawn: {status}");
    let (status, problem) = send(
        world
            .client("worker1")
            .post(world.app.at(&format!("/api/v1/cases/{}/handover", case.id)))
            .json(&hand_over_body(&world, "worker1", "worker3")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["type"], "urn:caseward:problem:consent-required");
    assert_eq!(assignee(&world, &case.id).await, "worker1");
}

async fn a_hand_over_above_the_maximum_caseload_is_refused(backend: Backend) {
    let world = World::new(backend).await;
    // GBV: maximum 20; high-intensity cases weigh 1.5. Fill worker3 until one more is refused.
    let minimal = |n: usize| {
        json!({ "case_type": "gbv", "intensity": 3, "fields": {
            "survivor_code": format!("SV-{n:03}"), "sex": "female", "age": 24, "current_location": "R01-D01",
            "first_contact_at": "2026-03-09T10:00:00Z", "consent_to_services": true,
        }})
    };
    let mut n = 0;
    loop {
        let (status, _) = send(
            world
                .client("worker3")
                .post(world.app.at("/api/v1/cases"))
                .json(&minimal(n)),
        )
        .await;
        n += 1;
        if status == StatusCode::CONFLICT {
            break;
        }
        assert_eq!(status, StatusCode::CREATED);
        assert!(n < 40, "the maximum is enforced");
    }
    let (status, case) = send(
        world
            .client("worker1")
            .post(world.app.at("/api/v1/cases"))
            .json(&minimal(100)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap();
    consent(&world, "worker1", id, "worker3").await;
    share(&world, "worker1", id, "worker3").await;
    let url = world.app.at(&format!("/api/v1/cases/{id}/handover"));
    let (status, problem) = send(
        world
            .client("worker1")
            .post(&url)
            .json(&hand_over_body(&world, "worker1", "worker3")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "urn:caseward:problem:caseload-exceeded");
    let mut overridden = hand_over_body(&world, "worker1", "worker3");
    overridden["override_reason"] = json!("nobody else speaks her language");
    let (status, _) = send(world.client("worker1").post(&url).json(&overridden)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a case worker cannot override a caseload"
    );
    assert_eq!(assignee(&world, id).await, "worker1");
}
