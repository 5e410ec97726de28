//! The bad inputs around access: withheld writes named field by field, caseloads above the
//! maximum, consent records that would overreach, administrators editing themselves or others
//! beyond their role, disabled users' live sessions.

use crate::support::TestApp;
use crate::world::World;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    an_emergency_may_override_a_survivors_consent_with_a_recorded_reason,
    withheld_fields_are_named_and_refused,
    above_the_maximum_caseload_only_a_supervisor_overrides,
    consents_cannot_overreach,
    administration_has_limits,
    disabling_a_user_ends_their_sessions_at_once,
);

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn withheld_fields_are_named_and_refused(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "gbv").await;
    let url = world.app.at(&format!("/api/v1/cases/{}", case.id));
    let (status, body) = send(world.client("supervisor1").get(&url)).await;
    assert_eq!(status, 200);
    let withheld: Vec<&str> = body["access"]["withheld_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let confidential = case
        .canaries
        .iter()
        .find(|c| {
            c.classification == caseward_domain::config::Classification::Confidential
                && !c.path.contains('[')
        })
        .unwrap();
    assert!(
        withheld.contains(&confidential.path.as_str()),
        "{withheld:?}"
    );
    let (status, problem) = send(
        world
            .client("supervisor1")
            .patch(&url)
            .json(&json!({ "version": 1, "fields": { confidential.path.clone(): "x" } })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["errors"][0]["field"], confidential.path.as_str());
    assert_eq!(problem["errors"][0]["code"], "withheld");
    let (_, owner) = send(world.client("worker1").get(&url)).await;
    assert_eq!(owner["version"], 1, "nothing was written");
    assert!(
        owner["access"]["withheld_fields"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn above_the_maximum_caseload_only_a_supervisor_overrides(backend: Backend) {
    let world = World::new(backend).await;
    // GBV: maximum 20 cases; a high-intensity case weighs 1.5, so the 14th goes above it.
    let minimal = |n: usize| {
        json!({ "case_type": "gbv", "intensity": 3, "fields": {
            "survivor_code": format!("SV-{n:03}"), "sex": "female", "age": 24, "current_location": "R01-D01",
            "first_contact_at": "2026-03-09T10:00:00Z", "consent_to_services": true,
        }})
    };
    let probe = send(
        world
            .client("worker1")
            .post(world.app.at("/api/v1/cases"))
            .json(&minimal(0)),
    )
    .await;
    assert_eq!(probe.0, StatusCode::CREATED, "{}", probe.1);
    let mut last = probe;
    let mut n = 1;
    while last.0 == StatusCode::CREATED {
        last = send(
            world
                .client("worker1")
                .post(world.app.at("/api/v1/cases"))
                .json(&minimal(n)),
        )
        .await;
        n += 1;
        assert!(n < 40, "the maximum is enforced");
    }
    assert_eq!(last.0, StatusCode::CONFLICT);
    assert_eq!(last.1["type"], "urn:caseward:problem:caseload-exceeded");
    assert_eq!(last.1["maximum"], 20);
    assert!(last.1["load"].as_f64().unwrap() > 20.0);
    // A case worker cannot override; a supervisor (holding cases too) can, with a reason.
    let mut over = minimal(99);
    over["caseload_override_reason"] = json!("emergency cover");
    let (status, _) = send(
        world
            .client("worker1")
            .post(world.app.at("/api/v1/cases"))
            .json(&over),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for i in 0..14 {
        send(
            world
                .client("supervisor3")
                .post(world.app.at("/api/v1/cases"))
                .json(&minimal(100 + i)),
        )
        .await;
    }
    let (status, body) = send(
        world
            .client("supervisor3")
            .post(world.app.at("/api/v1/cases"))
            .json(&over),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["caseload"]["status"], "above_maximum_overridden");
    let access = world.app.at(&format!(
        "/api/v1/cases/{}/access",
        body["id"].as_str().unwrap()
    ));
    let (_, access) = send(world.client("supervisor3").get(access)).await;
    assert_eq!(
        access["assignments"][0]["caseload_override_reason"], "emergency cover",
        "the override is recorded"
    );
}

async fn consents_cannot_overreach(backend: Backend) {
    let mut world = World::new(backend).await;
    let cp = world.plant_case("worker1", "child_protection").await;
    let url = world.app.at(&format!("/api/v1/cases/{}/consents", cp.id));
    let base = json!({
        "recipient": { "user_id": world.users["worker2"].id },
        "information": { "up_to": "restricted" },
        "purpose": "referral to health services",
        "given_on": "2026-03-01",
        "guardian_involved": true,
        "child_assent": true,
    });
    let confidential = cp.canaries.iter().find(|c| {
        c.classification == caseward_domain::config::Classification::Confidential
            && !c.path.contains('[')
    });
    let mut cases = vec![
        (
            json!({ "information": { "up_to": "confidential" } }),
            "information.up_to",
        ),
        (json!({ "given_on": "2026-03-11" }), "given_on"),
        (json!({ "guardian_involved": null }), "guardian_involved"),
        (json!({ "recipient": {} }), "recipient"),
        (
            json!({ "information": { "fields": ["no_such_field"] } }),
            "information.fields[0]",
        ),
        (json!({ "purpose": " " }), "purpose"),
    ];
    if let Some(confidential) = confidential {
        cases.push((
            json!({ "information": { "fields": [confidential.path] } }),
            "information.fields[0]",
        ));
    }
    for (change, field) in cases {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, problem) = send(world.client("worker1").post(&url).json(&body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{change}");
    }
    let (status, _) = send(world.client("supervisor1").post(&url).json(&base)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the assigned worker records consent"
    );
    let (status, created) = send(world.client("worker1").post(&url).json(&base)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["recorded_by"]["username"], "worker1");
    assert_eq!(created["recipient"]["user"]["username"], "worker2");
    let (_, list) = send(world.client("worker1").get(&url)).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

async fn administration_has_limits(backend: Backend) {
    let world = World::new(backend).await;
    let users = world.app.at("/api/v1/users");
    let admin = world.client("admin1");
    let manager = world.client("manager1");
    let create = |username: &str, role: &str, password: &str, confirm: &str| json!({ "username": username, "display_name": "New Person", "role": role, "password": password, "confirm_password": confirm });
    let admin_password = TestApp::password_of("admin1");
    let (status, problem) = send(admin.post(&users).json(&create(
        "newuser",
        "case_worker",
        "password123",
        &admin_password,
    )))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "too_common");
    let (status, _) = send(admin.post(&users).json(&create(
        "newuser",
        "case_worker",
        "a long unusual passphrase",
        "wrong password",
    )))
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the administrator's own password is asked again"
    );
    let (status, _) = send(manager.post(&users).json(&create(
        "root2",
        "system_administrator",
        "a long unusual passphrase",
        &TestApp::password_of("manager1"),
    )))
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a manager cannot make administrators"
    );
    let (status, _) = send(world.client("worker1").get(&users)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let me = world.users["admin1"].id;
    let (status, _) = send(
        admin
            .patch(world.app.at(&format!("/api/v1/users/{me}")))
            .json(
                &json!({ "version": 1, "role": "case_worker", "confirm_password": admin_password }),
            ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nobody edits their own role");
    let manager_id = world.users["manager1"].id;
    let (status, _) = send(manager.patch(world.app.at(&format!("/api/v1/users/{manager_id}"))).json(&json!({ "version": 1, "role": "system_administrator", "confirm_password": TestApp::password_of("manager1") }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, created) = send(admin.post(&users).json(&create(
        "newuser",
        "case_worker",
        "a long unusual passphrase",
        &admin_password,
    )))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, _) = send(
        admin
            .patch(world.app.at(&format!("/api/v1/users/{id}")))
            .json(
                &json!({ "version": 7, "display_name": "X", "confirm_password": admin_password }),
            ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version");
    let teams = world.app.at("/api/v1/teams");
    let (status, problem) = send(admin.post(&teams).json(
        &json!({ "name": "Team C", "supervisor_id": world.users["worker1"].id, "case_types": [] }),
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "supervisor_id");
    let (status, problem) = send(
        admin
            .post(&teams)
            .json(&json!({ "name": "Team C", "case_types": ["parking"] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "case_types[0]");
    let (status, _) = send(world.client("supervisor1").get(&teams)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, team) = send(
        admin
            .post(&teams)
            .json(&json!({ "name": "Team C", "case_types": [] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let team_url = world
        .app
        .at(&format!("/api/v1/teams/{}", team["id"].as_str().unwrap()));
    let (status, _) = send(admin.patch(&team_url).json(&json!({ "name": "Team Sea" }))).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a team edit names its version"
    );
    let (status, _) = send(
        admin
            .patch(&team_url)
            .json(&json!({ "version": team["version"], "name": "Team Sea" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        admin
            .patch(&team_url)
            .json(&json!({ "version": team["version"], "name": "Team Lake" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale team edit is refused");
}

async fn disabling_a_user_ends_their_sessions_at_once(backend: Backend) {
    let world = World::new(backend).await;
    let worker = world.client("worker2");
    assert_eq!(
        worker
            .get(world.app.at("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let id = world.users["worker2"].id;
    let (status, _) = send(world.client("admin1").patch(world.app.at(&format!("/api/v1/users/{id}"))).json(&json!({ "version": 1, "disabled": true, "confirm_password": TestApp::password_of("admin1") }))).await;
    assert_eq!(status, 200);
    assert_eq!(
        worker
            .get(world.app.at("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "the live session ends"
    );
    let (status, _) = send(
        world
            .app
            .client()
            .post(world.app.at("/api/v1/auth/login"))
            .json(&json!({ "username": "worker2", "password": TestApp::password_of("worker2") })),
    )
    .await;
    assert_eq!(status, 401, "and no new one starts");
}

async fn an_emergency_may_override_a_survivors_consent_with_a_recorded_reason(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "gbv").await;
    let shares = world.app.at(&format!("/api/v1/cases/{}/shares", case.id));
    let body = |override_reason: Option<&str>| json!({ "user_id": world.users["worker2"].id, "reason": "the survivor is in hospital", "confirm_password": TestApp::password_of("worker1"), "consent_override_reason": override_reason });
    let (status, problem) = send(world.client("worker1").post(&shares).json(&body(None))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        problem["detail"].as_str().unwrap().contains("consent"),
        "{problem}"
    );
    let (status, _) = send(
        world
            .client("worker1")
            .post(&shares)
            .json(&body(Some("  "))),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a blank reason is no override"
    );
    let (status, share) = send(
        world
            .client("worker1")
            .post(&shares)
            .json(&body(Some("imminent risk to life"))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{share}");
    let (_, access) = send(
        world
            .client("worker1")
            .get(world.app.at(&format!("/api/v1/cases/{}/access", case.id))),
    )
    .await;
    assert_eq!(
        access["shares"][0]["consent_override_reason"],
        "imminent risk to life"
    );
    // The override opens the case, never its restricted or confidential values.
    let (_, seen) = send(
        world
            .client("worker2")
            .get(world.app.at(&format!("/api/v1/cases/{}", case.id))),
    )
    .await;
    let text = seen.to_string();
    for canary in case
        .canaries
        .iter()
        .filter(|c| c.classification != caseward_domain::config::Classification::Standard)
    {
        assert!(
            !text.contains(&canary.text),
            "{} leaked through an override",
            canary.path
        );
    }
}
