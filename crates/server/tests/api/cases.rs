//! The HTTP API, end to end over real HTTP, on SQLite and PostgreSQL.

use crate::support::TestApp;
use caseward_domain::user::Role;
use caseward_server::ServerSettings;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    health_and_readiness_need_no_session,
    openapi_document_describes_every_endpoint,
    login_sets_a_strict_http_only_cookie,
    wrong_password_and_unknown_user_look_the_same,
    malformed_login_requests_are_precise_problems,
    nothing_with_case_data_is_open_to_anonymous_requests,
    a_case_is_created_read_and_listed,
    invalid_case_lists_every_failing_field_and_writes_nothing,
    repeating_group_members_are_validated_by_path,
    workers_see_only_their_own_cases,
    updates_need_the_current_version,
    an_invalid_update_writes_nothing,
    null_clears_a_field,
    oversized_bodies_are_refused,
    managers_and_administrators_reach_no_case,
    sessions_end_when_idle_and_at_logout,
    lists_filter_search_and_page,
    bad_list_parameters_are_precise_problems,
    configuration_is_served_to_logged_in_users,
);

/// A valid child protection identification, as the default configuration defines it.
fn cp_identification() -> Value {
    json!({
        "identification_date": "2026-03-09",
        "child_name": "Kofi Mensah",
        "sex": "male",
        "estimated_age": 11,
        "current_location": "R01-D01-V01",
        "presenting_concerns": ["separated"],
        "initial_risk_level": "high",
        "emergency_case": false
    })
}

async fn problem(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "status {status}"
    );
    (status, response.json().await.unwrap())
}

fn failing_fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn create_cp(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": cp_identification() }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut created: Value = response.json().await.unwrap();
    let caseload = created
        .as_object_mut()
        .unwrap()
        .remove("caseload")
        .expect("a new case reports its caseload");
    assert_eq!(caseload["status"], "within");
    created
}

async fn case_count(app: &TestApp, client: &reqwest::Client) -> u64 {
    let page: Value = client
        .get(app.at("/api/v1/cases"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["total"].as_u64().unwrap()
}

async fn health_and_readiness_need_no_session(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app.client();
    let health: Value = client
        .get(app.at("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let ready = client.get(app.at("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
}

async fn openapi_document_describes_every_endpoint(backend: Backend) {
    let app = TestApp::start(backend).await;
    let spec: Value = app
        .client()
        .get(app.at("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/config", "get"),
        ("/api/v1/cases", "get"),
        ("/api/v1/cases", "post"),
        ("/api/v1/cases/{id}", "get"),
        ("/api/v1/cases/{id}", "patch"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            spec["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    assert!(spec["components"]["schemas"]["Problem"].is_object());
    assert_eq!(
        spec.to_string(),
        caseward_server::openapi_json()
            .parse::<Value>()
            .unwrap()
            .to_string()
    );
}

async fn login_sets_a_strict_http_only_cookie(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({ "username": "worker1", "password": TestApp::password_of("worker1") }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("caseward_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} has {attribute}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["username"], "worker1");
    assert_eq!(body["user"]["role"], "case_worker");
    assert!(!body.to_string().contains("password"));

    let client = app.login("worker1").await;
    let me: Value = client
        .get(app.at("/api/v1/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "worker1");
}

async fn wrong_password_and_unknown_user_look_the_same(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let attempt = |username: &'static str, password: &'static str| {
        let client = app.client();
        let url = app.at("/api/v1/auth/login");
        async move {
            let response = client
                .post(url)
                .json(&json!({ "username": username, "password": password }))
                .send()
                .await
                .unwrap();
            assert!(response.headers().get("set-cookie").is_none());
            problem(response).await
        }
    };
    let wrong = attempt("worker1", "not-the-password").await;
    let unknown = attempt("nobody", "not-the-password").await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.1["title"], "Wrong username or password");
}

async fn malformed_login_requests_are_precise_problems(backend: Backend) {
    let app = TestApp::start(backend).await;
    let client = app.client();
    let url = app.at("/api/v1/auth/login");
    let (status, body) = problem(
        client
            .post(&url)
            .header("content-type", "application/json")
            .body("{\"username\": ")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"].as_str().unwrap().contains("not valid JSON"),
        "{body}"
    );
    let (status, body) = problem(
        client
            .post(&url)
            .json(&json!({ "username": "worker1" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"].as_str().unwrap().contains("password"),
        "{body}"
    );
    let (status, _) = problem(
        client
            .post(&url)
            .body("username=worker1")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = problem(
        client
            .post(&url)
            .json(&json!({ "username": "w", "password": "p", "role": "supervisor" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("role"), "{body}");
}

async fn nothing_with_case_data_is_open_to_anonymous_requests(backend: Backend) {
    let app = TestApp::start(backend).await;
    let owner = app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login(&owner.username).await;
    let case = create_cp(&app, &client).await;
    let id = case["id"].as_str().unwrap();
    let anonymous = app.client();
    let requests = [
        anonymous.get(app.at("/api/v1/cases")),
        anonymous
            .post(app.at("/api/v1/cases"))
            .json(&json!({ "case_type": "child_protection", "fields": cp_identification() })),
        anonymous.get(app.at(&format!("/api/v1/cases/{id}"))),
        // Without a session, a malformed id says nothing either.
        anonymous.get(app.at("/api/v1/cases/not-a-uuid")),
        anonymous
            .get(app.at(&format!("/api/v1/cases/{id}")))
            .header("cookie", format!("caseward_session={}", "A".repeat(43))),
        anonymous
            .patch(app.at(&format!("/api/v1/cases/{id}")))
            .json(&json!({ "version": 1, "fields": {} })),
        anonymous.get(app.at("/api/v1/config")),
        anonymous.get(app.at("/api/v1/auth/me")),
        // A made-up or tampered cookie is no better than none.
        anonymous
            .get(app.at("/api/v1/cases"))
            .header("cookie", format!("caseward_session={}", "A".repeat(43))),
        anonymous
            .get(app.at("/api/v1/cases"))
            .header("cookie", "caseward_session=../../etc"),
    ];
    for request in requests {
        let (status, body) = problem(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(!body.to_string().contains("Kofi"));
    }
    assert_eq!(
        case_count(&app, &client).await,
        1,
        "nothing was created anonymously"
    );
}

async fn a_case_is_created_read_and_listed(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let created = create_cp(&app, &client).await;
    assert_eq!(created["case_number"], "CP-2026-00001");
    assert_eq!(created["stage"], "identification");
    assert_eq!(created["version"], 1);
    assert_eq!(created["intensity"], 2, "the case type's default intensity");
    assert_eq!(created["assigned_to"]["username"], "worker1");
    assert_eq!(created["fields"]["child_name"], "Kofi Mensah");
    assert_eq!(
        created["fields"]["presenting_concerns"],
        json!(["separated"])
    );
    let id = created["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);

    let read: Value = client
        .get(app.at(&format!("/api/v1/cases/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, created);

    let second = create_cp(&app, &client).await;
    assert_eq!(second["case_number"], "CP-2026-00002");
    let page: Value = client
        .get(app.at("/api/v1/cases"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 2);
    assert!(
        page["items"][0].get("fields").is_none(),
        "list rows carry no fields"
    );
}

async fn invalid_case_lists_every_failing_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let mut fields = cp_identification();
    let object = fields.as_object_mut().unwrap();
    object.remove("child_name");
    object.insert("date_of_birth".into(), json!("2026-03-11"));
    object.insert("estimated_age".into(), json!(31));
    object.insert("sex".into(), json!("unknown-sex"));
    object.insert("emergency_case".into(), json!("no"));
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": fields }))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Type errors are reported first, on their own; fix them and the rules speak.
    assert_eq!(
        failing_fields(&body),
        vec![("emergency_case".to_string(), "wrong_type".to_string())]
    );

    object_set(&mut fields, "emergency_case", json!(false));
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": fields }))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut failing = failing_fields(&body);
    failing.sort();
    assert_eq!(
        failing,
        vec![
            ("child_name".into(), "required".into()),
            ("date_of_birth".into(), "in_future".into()),
            ("estimated_age".into(), "too_large".into()),
            ("sex".into(), "unknown_option".into()),
        ]
    );
    assert!(
        !body.to_string().contains("unknown-sex"),
        "submitted values are not echoed"
    );

    let unknown = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": { "favourite_colour": "blue" } }))
        .send()
        .await
        .unwrap();
    let (_, body) = problem(unknown).await;
    assert_eq!(
        failing_fields(&body),
        vec![("favourite_colour".to_string(), "unknown_field".to_string())]
    );

    let bad_type = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "parking_ticket", "fields": {} }))
        .send()
        .await
        .unwrap();
    let (_, body) = problem(bad_type).await;
    assert_eq!(
        failing_fields(&body),
        vec![("case_type".to_string(), "unknown_case_type".to_string())]
    );
    let bad_intensity = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "intensity": 4, "fields": cp_identification() }))
        .send()
        .await
        .unwrap();
    let (_, body) = problem(bad_intensity).await;
    assert_eq!(
        failing_fields(&body),
        vec![("intensity".to_string(), "out_of_range".to_string())]
    );

    assert_eq!(case_count(&app, &client).await, 0, "nothing was written");
}

fn object_set(value: &mut Value, key: &str, new: Value) {
    value.as_object_mut().unwrap().insert(key.into(), new);
}

async fn repeating_group_members_are_validated_by_path(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let mut fields = cp_identification();
    object_set(
        &mut fields,
        "family_members",
        json!([
            { "name": "Ama Mensah", "relationship": "mother", "age": 38 },
            { "name": "Yaw Mensah", "age": "seven" },
            { "name": "Esi", "shoe_size": 3 }
        ]),
    );
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": fields }))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let failing = failing_fields(&body);
    assert!(
        failing.contains(&("family_members[1].age".into(), "wrong_type".into())),
        "{failing:?}"
    );
    assert!(
        failing.contains(&("family_members[2].shoe_size".into(), "unknown_field".into())),
        "{failing:?}"
    );

    object_set(
        &mut fields,
        "family_members",
        json!([{ "name": "Ama Mensah", "age": 38 }, { "name": "Yaw Mensah", "age": 7 }]),
    );
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": fields }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let case: Value = response.json().await.unwrap();
    assert_eq!(case["fields"]["family_members"][1]["age"], 7.0);
}

async fn workers_see_only_their_own_cases(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    app.add_user("worker2", Role::CASE_WORKER).await;
    let one = app.login("worker1").await;
    let two = app.login("worker2").await;
    let case = create_cp(&app, &one).await;
    let id = case["id"].as_str().unwrap();
    let (status, body) = problem(
        two.get(app.at(&format!("/api/v1/cases/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another worker's case does not exist for me"
    );
    assert!(!body.to_string().contains("Kofi"));
    let (status, _) = problem(
        two.patch(app.at(&format!("/api/v1/cases/{id}")))
            .json(&json!({ "version": 1, "fields": { "child_name": "Changed" } }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(case_count(&app, &two).await, 0);
    let read: Value = one
        .get(app.at(&format!("/api/v1/cases/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        read["fields"]["child_name"], "Kofi Mensah",
        "the refused update wrote nothing"
    );
    let (status, _) = problem(
        one.get(app.at("/api/v1/cases/not-a-uuid"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = problem(
        one.get(app.at(&format!("/api/v1/cases/{}", uuid::Uuid::now_v7())))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn updates_need_the_current_version(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let case = create_cp(&app, &client).await;
    let url = app.at(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap()));
    let updated: Value = client
        .patch(&url)
        .json(&json!({ "version": 1, "fields": { "child_name": "Kofi A. Mensah", "initial_risk_level": "medium" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["fields"]["child_name"], "Kofi A. Mensah");
    assert_eq!(
        updated["fields"]["sex"], "male",
        "fields not named are kept"
    );

    let (status, body) = problem(
        client
            .patch(&url)
            .json(&json!({ "version": 1, "fields": { "child_name": "Stale" } }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["detail"].as_str().unwrap().contains("version 2"),
        "{body}"
    );
    let read: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(read["fields"]["child_name"], "Kofi A. Mensah");
    assert_eq!(read["version"], 2);
}

async fn an_invalid_update_writes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let case = create_cp(&app, &client).await;
    let url = app.at(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap()));
    let (status, body) = problem(
        client
            .patch(&url)
            .json(&json!({ "version": 1, "fields": { "child_name": "New name", "identification_date": "2027-01-01" } }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        failing_fields(&body),
        vec![("identification_date".to_string(), "in_future".to_string())]
    );
    let (status, body) = problem(
        client
            .patch(&url)
            .json(&json!({ "version": 1, "fields": { "child_name": null } }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a required field cannot be cleared"
    );
    assert_eq!(
        failing_fields(&body),
        vec![("child_name".to_string(), "required".to_string())]
    );
    let (status, _) = problem(
        client
            .patch(&url)
            .json(&json!({ "fields": {} }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the version is required");
    let read: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, case, "nothing changed");
}

async fn null_clears_a_field(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let mut fields = cp_identification();
    object_set(&mut fields, "other_names", json!("Kwame"));
    let case: Value = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": fields }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["fields"]["other_names"], "Kwame");
    let url = app.at(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap()));
    let updated: Value = client
        .patch(&url)
        .json(&json!({ "version": 1, "fields": { "other_names": null } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(updated["fields"].get("other_names").is_none());
    let (status, _) = problem(
        client
            .post(app.at("/api/v1/cases"))
            .json(&json!({ "case_type": "child_protection", "fields": { "other_names": null } }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "null means nothing in a new case"
    );
}

async fn oversized_bodies_are_refused(backend: Backend) {
    let app = TestApp::start_with(
        backend,
        ServerSettings {
            body_limit: 16 * 1024,
            ..ServerSettings::default()
        },
    )
    .await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let mut fields = cp_identification();
    object_set(
        &mut fields,
        "concern_narrative",
        json!("x".repeat(20 * 1024)),
    );
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&json!({ "case_type": "child_protection", "fields": fields }))
        .send()
        .await
        .unwrap();
    let (status, _) = problem(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(case_count(&app, &client).await, 0);
}

async fn managers_and_administrators_reach_no_case(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let worker = app.login("worker1").await;
    let case = create_cp(&app, &worker).await;
    let id = case["id"].as_str().unwrap();
    for (name, role) in [
        ("manager1", Role::PROGRAMME_MANAGER),
        ("admin1", Role::SYSTEM_ADMINISTRATOR),
    ] {
        app.add_user(name, role).await;
        let client = app.login(name).await;
        let (status, _) = problem(client.get(app.at("/api/v1/cases")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name} lists no cases");
        let (status, body) = problem(
            client
                .get(app.at(&format!("/api/v1/cases/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name} reads no case");
        assert!(!body.to_string().contains("Kofi"));
        let (status, _) = problem(
            client
                .post(app.at("/api/v1/cases"))
                .json(&json!({ "case_type": "child_protection", "fields": cp_identification() }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name} opens no case");
    }
    assert_eq!(case_count(&app, &worker).await, 1);
}

async fn sessions_end_when_idle_and_at_logout(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let me = app.at("/api/v1/auth/me");
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(client.get(&me).send().await.unwrap().status(), 200);
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        client.get(&me).send().await.unwrap().status(),
        200,
        "use keeps the session alive"
    );
    app.clock.advance(chrono::Duration::minutes(31));
    let case = app.at(&format!("/api/v1/cases/{}", uuid::Uuid::now_v7()));
    assert_eq!(
        client.get(&case).send().await.unwrap().status(),
        401,
        "idle for 31 minutes: no case read"
    );
    assert_eq!(
        client.get(&me).send().await.unwrap().status(),
        401,
        "idle for 31 minutes"
    );

    let client = app.login("worker1").await;
    let response = client
        .post(app.at("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        response
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(client.get(&me).send().await.unwrap().status(), 401);
}

async fn lists_filter_search_and_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    for _ in 0..3 {
        create_cp(&app, &client).await;
    }
    let gbv = json!({
        "case_type": "gbv",
        "fields": {}
    });
    let response = client
        .post(app.at("/api/v1/cases"))
        .json(&gbv)
        .send()
        .await
        .unwrap();
    // The GBV identification has required fields; an empty case is refused, listing them.
    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        failing_fields(&body)
            .iter()
            .all(|(_, code)| code == "required")
    );

    let get = |query: &str| {
        let url = app.at(&format!("/api/v1/cases?{query}"));
        let client = client.clone();
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(get("case_type=child_protection").await["total"], 3);
    assert_eq!(get("case_type=gbv").await["total"], 0);
    assert_eq!(get("stage=identification").await["total"], 3);
    assert_eq!(get("stage=closed").await["total"], 0);
    let found = get("q=cp-2026-00002").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["case_number"], "CP-2026-00002");
    let page = get("per_page=2&page=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["page"], 2);
    assert_eq!(page["total"], 3);
}

async fn bad_list_parameters_are_precise_problems(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    for (query, names) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=0", "page"),
        ("case_type=parking", "case_type"),
        ("stage=limbo", "stage"),
    ] {
        let (status, body) = problem(
            client
                .get(app.at(&format!("/api/v1/cases?{query}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            body["detail"].as_str().unwrap().contains(names),
            "{query}: {body}"
        );
    }
}

async fn configuration_is_served_to_logged_in_users(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let client = app.login("worker1").await;
    let config: Value = client
        .get(app.at("/api/v1/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["languages"]["default"], "en");
    assert_eq!(config["languages"]["right_to_left"], json!(["ar"]));
    let types: Vec<&str> = config["case_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(types.len(), 3);
    let cp = config["case_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "CP")
        .unwrap();
    let name = cp["sections"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "child_name")
        .unwrap();
    assert_eq!(name["type"], "short_text");
    assert_eq!(name["classification"], "restricted");
    assert!(name["label"]["ar"].is_string());
}

/// The web app's API types are generated from the committed OpenAPI document; it must be the
/// server's current one.
#[test]
fn the_web_app_has_the_current_openapi_document() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/src/api/openapi.json"
    );
    let committed = std::fs::read_to_string(path).expect("web/src/api/openapi.json");
    assert!(
        committed.trim_end() == caseward_server::openapi_json().trim_end(),
        "web/src/api/openapi.json is stale: run `cargo run -p caseward -- openapi > web/src/api/openapi.json && npm --prefix web run gen:api`"
    );
}
