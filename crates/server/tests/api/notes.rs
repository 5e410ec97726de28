//! Case notes over HTTP: written by who may change the case, sealed at rest, a confidential
//! note seen by the assigned worker alone, bad notes refused naming the field.

use crate::world::World;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(notes_are_sealed_and_a_confidential_one_stays_with_the_worker);

async fn post(world: &World, who: &str, case: &str, body: Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/cases/{case}/notes");
    world
        .call(who, reqwest::Method::POST, &path, Some(body))
        .await
}

async fn list(world: &World, who: &str, case: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/cases/{case}/notes");
    world.call(who, reqwest::Method::GET, &path, None).await
}

fn fields_of(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|e| e.iter().map(|e| e["field"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

async fn notes_are_sealed_and_a_confidential_one_stays_with_the_worker(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await.id;
    let (open, secret) = (
        format!("CANARY{}", uuid::Uuid::now_v7().simple()),
        format!("CANARY{}", uuid::Uuid::now_v7().simple()),
    );
    let (status, note) = post(
        &world,
        "worker1",
        &case,
        json!({ "kind": "home_visit", "body": open }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert_eq!(
        (
            note["body"].as_str(),
            note["written_by"]["username"].as_str()
        ),
        (Some(open.as_str()), Some("worker1"))
    );
    let (status, _) = post(
        &world,
        "worker1",
        &case,
        json!({ "kind": "phone_call", "body": secret, "confidential": true }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, mine) = list(&world, "worker1", &case).await;
    assert_eq!(
        (mine["items"].as_array().unwrap().len(), &mine["withheld"]),
        (2, &json!(0))
    );
    let (_, theirs) = list(&world, "supervisor1", &case).await;
    assert_eq!(
        (
            theirs["items"].as_array().unwrap().len(),
            &theirs["withheld"]
        ),
        (1, &json!(1))
    );
    assert!(
        !theirs.to_string().contains(&secret),
        "the confidential note is withheld"
    );
    // The supervisor may write a note, but not a confidential one they could not read.
    let (status, refused) = post(
        &world,
        "supervisor1",
        &case,
        json!({ "kind": "meeting", "body": "supervision", "confidential": true }),
    )
    .await;
    assert_eq!(
        (status, fields_of(&refused)),
        (StatusCode::FORBIDDEN, vec!["confidential"])
    );
    let (status, _) = post(
        &world,
        "supervisor1",
        &case,
        json!({ "kind": "meeting", "body": "supervision" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // Bad notes: every problem named; a case one does not reach is not found.
    let (status, refused) = post(
        &world,
        "worker1",
        &case,
        json!({ "kind": "gossip", "body": "  " }),
    )
    .await;
    assert_eq!(
        (status, fields_of(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["kind", "body"])
    );
    let (status, refused) = post(
        &world,
        "worker1",
        &case,
        json!({ "kind": "other", "body": "x".repeat(10_001) }),
    )
    .await;
    assert_eq!(
        (status, fields_of(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"])
    );
    assert_eq!(
        list(&world, "worker2", &case).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(
            &world,
            "worker2",
            &case,
            json!({ "kind": "other", "body": "x" })
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    // In the trail by id; in the database sealed.
    let id = uuid::Uuid::parse_str(&case).unwrap();
    let trail = world.app.store.case_audit(id, 50).await.unwrap();
    let written = trail
        .iter()
        .filter(|e| {
            e.event.action.as_str() == "case.note.create" && e.event.outcome.as_str() == "allowed"
        })
        .count();
    assert_eq!(written, 3);
    let raw = world.app.database().raw_contents().await;
    for canary in [&open, &secret] {
        assert!(!raw.contains(canary.as_str()), "a note is stored in clear");
    }
}
