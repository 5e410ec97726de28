//! Quality assurance and supervision over HTTP: a day's review sample, a review recorded by
//! the team's supervisor and read by the case's worker, a case marked for discussion, and a
//! supervision note seen by that supervisor and that worker only, never in the case's notes.

use crate::world::World;
use caseward_store::testing::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(supervisors_review_mark_and_note_their_teams_cases);

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

async fn supervisors_review_mark_and_note_their_teams_cases(backend: Backend) {
    let mut world = World::new(backend).await;
    let first = world.plant_case("worker1", "child_protection").await.id;
    let second = world.plant_case("worker1", "child_protection").await.id;
    let other = world.plant_case("worker2", "general_protection").await.id;
    world.plant_case("worker3", "child_protection").await;

    // The sample: one case of each of team A's workers, the same when asked again.
    let sample = "/api/v1/reviews/sample?per_worker=1";
    let (status, drawn) = world.call("supervisor1", Method::GET, sample, None).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    let chosen = ids(&drawn["items"]);
    assert_eq!(chosen.len(), 2, "{drawn}");
    assert!(chosen.contains(&other));
    assert!(chosen.contains(&first) || chosen.contains(&second));
    let (_, again) = world.call("supervisor1", Method::GET, sample, None).await;
    assert_eq!(ids(&again["items"]), chosen);
    let (_, none) = world
        .call(
            "supervisor1",
            Method::GET,
            "/api/v1/reviews/sample?criterion=newly_closed",
            None,
        )
        .await;
    assert_eq!(none["items"], json!([]));
    for (who, path, expected) in [
        ("worker1", sample, StatusCode::FORBIDDEN),
        (
            "supervisor1",
            "/api/v1/reviews/sample?criterion=oldest",
            StatusCode::BAD_REQUEST,
        ),
        (
            "supervisor1",
            "/api/v1/reviews/sample?per_worker=0",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        assert_eq!(
            world.call(who, Method::GET, path, None).await.0,
            expected,
            "{who} {path}"
        );
    }

    // A review of the first case: the supervisor writes it, the worker reads it.
    let reviews = format!("/api/v1/cases/{first}/quality-reviews");
    let (status, problem) = world
        .call(
            "supervisor1",
            Method::POST,
            &reviews,
            Some(json!({ "criterion": "random", "rating": "excellent", "findings": " " })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["rating", "findings"]);
    let findings = format!(
        "CANARY{} assessment undocumented",
        uuid::Uuid::now_v7().simple()
    );
    let (status, review) = world
        .call(
            "supervisor1",
            Method::POST,
            &reviews,
            Some(json!({ "criterion": "random", "rating": "partly_meets", "findings": findings })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    assert_eq!(review["reviewer"]["username"], "supervisor1");
    let (status, _) = world
        .call(
            "worker1",
            Method::POST,
            &reviews,
            Some(json!({ "criterion": "chosen", "rating": "meets", "findings": "all good" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a worker does not review their own case"
    );
    let (status, read) = world.call("worker1", Method::GET, &reviews, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            read["items"][0]["findings"].as_str(),
            read["may_supervise"].as_bool()
        ),
        (Some(findings.as_str()), Some(false))
    );
    for who in ["worker2", "supervisor2"] {
        assert_eq!(
            world.call(who, Method::GET, &reviews, None).await.0,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }

    // Marked for discussion: both sides see the mark.
    let discussion = format!("/api/v1/cases/{first}/discussion");
    assert_eq!(
        world
            .call(
                "worker1",
                Method::PUT,
                &discussion,
                Some(json!({ "marked": true }))
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        world
            .call(
                "supervisor1",
                Method::PUT,
                &discussion,
                Some(json!({ "marked": true }))
            )
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (_, read) = world.call("supervisor1", Method::GET, &reviews, None).await;
    assert_eq!(read["marked_for_discussion"], true);

    // A supervision note: for worker1 and supervisor1 only, not in the case's notes.
    let body = format!(
        "CANARY{} talk about the family visit",
        uuid::Uuid::now_v7().simple()
    );
    let (status, note) = world
        .call(
            "supervisor1",
            Method::POST,
            &format!("/api/v1/cases/{first}/supervision-notes"),
            Some(json!({ "body": body })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert_eq!(note["worker"]["username"], "worker1");
    for who in ["supervisor1", "worker1"] {
        let (status, records) = world
            .call(who, Method::GET, "/api/v1/supervision", None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(records["notes"][0]["body"], body.as_str(), "{who}");
        assert_eq!(records["marked"][0]["case_id"], first.as_str(), "{who}");
    }
    for who in ["worker2", "supervisor2", "lead1"] {
        let (_, records) = world
            .call(who, Method::GET, "/api/v1/supervision", None)
            .await;
        assert_eq!(records, json!({ "marked": [], "notes": [] }), "{who}");
    }
    let (_, notes) = world
        .call(
            "worker1",
            Method::GET,
            &format!("/api/v1/cases/{first}/notes"),
            None,
        )
        .await;
    assert!(
        !notes.to_string().contains(&body),
        "not part of the case record"
    );
    assert_eq!(
        world
            .call("manager1", Method::GET, "/api/v1/supervision", None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // Another worker's records are asked for by id; a bad id is refused.
    let worker2 = world.users["worker2"].id;
    let (_, theirs) = world
        .call(
            "supervisor1",
            Method::GET,
            &format!("/api/v1/supervision?worker={worker2}"),
            None,
        )
        .await;
    assert_eq!(theirs["notes"], json!([]));
    assert_eq!(
        world
            .call(
                "supervisor1",
                Method::GET,
                "/api/v1/supervision?worker=x",
                None
            )
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    // Taking the mark away.
    assert_eq!(
        world
            .call(
                "supervisor1",
                Method::PUT,
                &discussion,
                Some(json!({ "marked": false }))
            )
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (_, records) = world
        .call("worker1", Method::GET, "/api/v1/supervision", None)
        .await;
    assert_eq!(records["marked"], json!([]));
    // Nothing of it is stored in clear.
    let raw = world.app.database().raw_contents().await;
    assert!(!raw.contains(&findings) && !raw.contains(&body));
}
