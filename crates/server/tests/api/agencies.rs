//! Agencies: the organisations whose staff use the instance. Administered like users; a
//! survivor's consent that names an agency covers the users who work for it, and nobody else.

use crate::support::TestApp;
use crate::world::World;
use caseward_domain::config::Classification;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    agencies_are_administered_with_precise_errors,
    a_consent_naming_an_agency_lets_a_survivors_case_go_to_its_staff_only,
);

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn create_agency(world: &World, as_user: &str, name: &str) -> (StatusCode, Value) {
    send(
        world
            .client(as_user)
            .post(world.app.at("/api/v1/agencies"))
            .json(&json!({ "name": name })),
    )
    .await
}

async fn join(world: &World, username: &str, agency: &Value) -> (StatusCode, Value) {
    let id = world.users[username].id;
    let (_, users) = send(world.client("admin1").get(world.app.at("/api/v1/users"))).await;
    let version = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id.to_string())
        .unwrap()["version"]
        .clone();
    send(
        world
            .client("admin1")
            .patch(world.app.at(&format!("/api/v1/users/{id}")))
            .json(&json!({ "version": version, "agency_id": agency, "confirm_password": TestApp::password_of("admin1") })),
    )
    .await
}

async fn agencies_are_administered_with_precise_errors(backend: Backend) {
    let world = World::new(backend).await;
    let (status, haven) = create_agency(&world, "admin1", "  Safe Haven ").await;
    assert_eq!(status, StatusCode::CREATED, "{haven}");
    assert_eq!(haven["name"], "Safe Haven", "trimmed");
    let (status, _) = create_agency(&world, "manager1", "Women's Legal Aid").await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "programme managers manage users, and agencies"
    );

    for (name, code) in [("SAFE HAVEN", "taken"), ("   ", "invalid")] {
        let (status, problem) = create_agency(&world, "admin1", name).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert_eq!(problem["errors"][0]["field"], "name");
        assert_eq!(problem["errors"][0]["code"], code);
    }
    for who in ["worker1", "supervisor1", "officer1"] {
        let (status, _) = create_agency(&world, who, "Mine").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let (status, _) = send(
        world
            .client("officer1")
            .get(world.app.at("/api/v1/agencies")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an M&E officer has no use for agencies"
    );

    let rename = world.app.at(&format!(
        "/api/v1/agencies/{}",
        haven["id"].as_str().unwrap()
    ));
    let (status, problem) = send(
        world
            .client("admin1")
            .patch(&rename)
            .json(&json!({ "name": "Haven" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "version");
    let (status, renamed) = send(
        world
            .client("admin1")
            .patch(&rename)
            .json(&json!({ "name": "Safe Haven Shelter", "version": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["version"], 2);
    let (status, _) = send(
        world
            .client("admin1")
            .patch(&rename)
            .json(&json!({ "name": "Stale", "version": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Users join an agency; an unknown agency writes nothing.
    let (status, problem) = join(&world, "worker3", &json!(uuid::Uuid::now_v7())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "agency_id");
    let (status, joined) = join(&world, "worker3", &haven["id"]).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["agency"]["name"], "Safe Haven Shelter");
    let (_, directory) = send(
        world
            .client("worker1")
            .get(world.app.at("/api/v1/directory")),
    )
    .await;
    let entry = directory
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "worker3")
        .unwrap();
    assert_eq!(entry["agency"]["name"], "Safe Haven Shelter");
    let (status, left) = join(&world, "worker3", &Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert!(left["agency"].is_null());
}

async fn a_consent_naming_an_agency_lets_a_survivors_case_go_to_its_staff_only(backend: Backend) {
    let mut world = World::new(backend).await;
    let (_, haven) = create_agency(&world, "admin1", "Safe Haven").await;
    let (status, _) = join(&world, "worker3", &haven["id"]).await;
    assert_eq!(status, StatusCode::OK);
    let case = world.plant_case("worker1", "gbv").await;
    let consents = world.app.at(&format!("/api/v1/cases/{}/consents", case.id));
    let consent = |recipient: Value| json!({ "recipient": recipient, "information": { "up_to": "restricted" }, "purpose": "shelter", "given_on": "2026-03-01" });
    let (status, problem) = send(
        world
            .client("worker1")
            .post(&consents)
            .json(&consent(json!({ "agency_id": uuid::Uuid::now_v7() }))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "recipient.agency_id");
    let (status, problem) = send(world.client("worker1").post(&consents).json(&consent(
        json!({ "agency_id": haven["id"], "agency": "Safe Haven" }),
    )))
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one recipient only"
    );
    assert_eq!(problem["errors"][0]["field"], "recipient");
    let (status, recorded) = send(
        world
            .client("worker1")
            .post(&consents)
            .json(&consent(json!({ "agency_id": haven["id"] }))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!(recorded["recipient"]["agency_id"], haven["id"]);
    assert_eq!(recorded["recipient"]["agency"], "Safe Haven");

    let share = |to: &str| json!({ "user_id": world.users[to].id, "reason": "shelter placement", "confirm_password": TestApp::password_of("worker1") });
    let shares = world.app.at(&format!("/api/v1/cases/{}/shares", case.id));
    let (status, body) = send(
        world
            .client("worker1")
            .post(&shares)
            .json(&share("worker3")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "worker3 works for the agency: {body}"
    );
    let (status, problem) = send(
        world
            .client("worker1")
            .post(&shares)
            .json(&share("worker4")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "worker4 does not");
    assert_eq!(problem["type"], "urn:caseward:problem:consent-required");

    // A restricted field granted to worker3 shows while the agency's consent covers them;
    // leaving the agency withholds it again at the next request.
    let planted = case
        .canaries
        .iter()
        .find(|c| c.classification == Classification::Restricted && !c.path.contains('['))
        .expect("a planted restricted value");
    let (status, body) = send(world.client("worker1").post(world.app.at(&format!("/api/v1/cases/{}/field-grants", case.id))).json(&json!({ "user_id": world.users["worker3"].id, "field_id": planted.path, "reason": "shelter placement", "confirm_password": TestApp::password_of("worker1") }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let read = world.app.at(&format!("/api/v1/cases/{}", case.id));
    let (status, shown) = send(world.client("worker3").get(&read)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.to_string().contains(&planted.text));
    let (status, _) = join(&world, "worker3", &Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    let (status, withheld) = send(world.client("worker3").get(&read)).await;
    assert_eq!(status, StatusCode::OK, "the share itself stands");
    assert!(!withheld.to_string().contains(&planted.text));
    assert!(
        withheld["restricted"]
            .as_array()
            .unwrap()
            .contains(&json!(planted.path))
    );
}
