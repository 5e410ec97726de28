//! Custom roles: permission sets from the configuration, given to users through the API,
//! reported to the web app, and honoured by the policy (the authorization matrix has their
//! rows; these are the administration around them).

use crate::support::TestApp;
use crate::world::World;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    custom_roles_are_listed_with_their_permissions,
    a_custom_role_is_given_like_a_built_in_one,
    an_unknown_role_is_refused_by_name,
);

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect()
}

async fn custom_roles_are_listed_with_their_permissions(backend: Backend) {
    let world = World::new(backend).await;
    let (status, config) = send(world.client("worker1").get(world.app.at("/api/v1/config"))).await;
    assert_eq!(status, 200);
    let roles = config["roles"].as_array().unwrap();
    let ids: Vec<&str> = roles.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "case_worker",
            "supervisor",
            "programme_manager",
            "system_administrator",
            "auditor",
            "me_officer",
            "team_lead"
        ]
    );
    let lead = &roles[6];
    assert_eq!(lead["built_in"], false);
    assert_eq!(lead["label"]["fr"], "Chef d'équipe");
    assert_eq!(
        names(&lead["permissions"]),
        ["hold_cases", "view_team_workload"]
    );
    assert_eq!(roles[1]["built_in"], true);

    // Each user learns what their own role allows, so the web app offers only that.
    for (user, expected) in [
        ("lead1", &["hold_cases", "view_team_workload"][..]),
        ("officer1", &["view_aggregate_reports"][..]),
        (
            "admin1",
            &["manage_users", "manage_teams", "operate_system"][..],
        ),
    ] {
        let (status, me) = send(world.client(user).get(world.app.at("/api/v1/auth/me"))).await;
        assert_eq!(status, 200);
        assert_eq!(names(&me["permissions"]), expected, "{user}");
    }
}

async fn a_custom_role_is_given_like_a_built_in_one(backend: Backend) {
    let world = World::new(backend).await;
    let users = world.app.at("/api/v1/users");
    let admin = world.client("admin1");
    let (status, created) = send(admin.post(&users).json(&json!({
        "username": "officer2",
        "display_name": "Second Officer",
        "role": "me_officer",
        "password": "a long unusual passphrase",
        "confirm_password": TestApp::password_of("admin1"),
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["role"], "me_officer");
    assert_eq!(names(&created["permissions"]), ["view_aggregate_reports"]);

    // The new officer reaches no case: not the list, not one case.
    let officer = world.app.client();
    let (status, _) = send(
        officer
            .post(world.app.at("/api/v1/auth/login"))
            .json(&json!({ "username": "officer2", "password": "a long unusual passphrase" })),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(officer.get(world.app.at("/api/v1/cases"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A manager moves a worker to the team lead role (no administrative power to withhold);
    // the worker's next request already carries the new permissions.
    let worker2 = world.users["worker2"].id;
    let (status, changed) = send(
        world
            .client("manager1")
            .patch(world.app.at(&format!("/api/v1/users/{worker2}")))
            .json(&json!({ "version": 1, "role": "team_lead", "confirm_password": TestApp::password_of("manager1") })),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    let (_, me) = send(world.client("worker2").get(world.app.at("/api/v1/auth/me"))).await;
    assert_eq!(me["role"], "team_lead");
    assert_eq!(
        names(&me["permissions"]),
        ["hold_cases", "view_team_workload"]
    );
}

async fn an_unknown_role_is_refused_by_name(backend: Backend) {
    let world = World::new(backend).await;
    let users = world.app.at("/api/v1/users");
    for role in ["wizard", "Team Lead", ""] {
        let (status, problem) = send(world.client("admin1").post(&users).json(&json!({
            "username": "someone",
            "display_name": "Someone",
            "role": role,
            "password": "a long unusual passphrase",
            "confirm_password": TestApp::password_of("admin1"),
        })))
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{role:?}");
        assert_eq!(problem["errors"][0]["field"], "role");
        assert_eq!(problem["errors"][0]["code"], "unknown_role");
    }
    let (status, listed) = send(world.client("admin1").get(&users)).await;
    assert_eq!(status, 200);
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "someone"),
        "nothing was written"
    );
}
