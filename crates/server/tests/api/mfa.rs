//! The second factor: enrolment required by role, login with a TOTP code, replay refused,
//! recovery codes single-use, sensitive actions confirmed with a code.

use crate::support::TestApp;
use caseward_crypto::{TotpSecret, totp};
use caseward_domain::user::Role;
use caseward_server::ServerSettings;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_required_second_factor_is_enrolled_then_asked_at_every_login,
    recovery_codes_work_once_and_workers_need_no_second_factor
);

async fn app(backend: Backend) -> TestApp {
    TestApp::start_with(backend, ServerSettings::default()).await
}

/// Log in with the password only; returns the client and the `next` step.
async fn password_login(app: &TestApp, username: &str) -> (reqwest::Client, Option<String>) {
    let client = app.client();
    let response = client
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": TestApp::password_of(username) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    (client, body["next"].as_str().map(str::to_string))
}

fn code_now(app: &TestApp, secret: Vec<u8>) -> String {
    let secret = TotpSecret::from_bytes(secret.try_into().unwrap());
    totp::code_at(
        &secret,
        caseward_domain::clock::Clock::now(app.clock.as_ref()).timestamp(),
    )
    .unwrap()
}

/// The code the user's active authenticator shows now.
async fn current_code(app: &TestApp, user: uuid::Uuid) -> String {
    code_now(
        app,
        app.store.second_factor(user).await.unwrap().unwrap().secret,
    )
}

/// The code the authenticator being set up shows now.
async fn pending_code(app: &TestApp, user: uuid::Uuid) -> String {
    code_now(
        app,
        app.store
            .pending_second_factor(user)
            .await
            .unwrap()
            .unwrap(),
    )
}

/// The actions and outcomes the trail gained since `mark` (its head then).
async fn entries_since(app: &TestApp, mark: i64) -> Vec<(&'static str, &'static str)> {
    app.store
        .audit_entries(mark, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| (e.event.action.as_str(), e.event.outcome.as_str()))
        .collect()
}

async fn head(app: &TestApp) -> i64 {
    app.store.audit_head().await.unwrap().0
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (StatusCode, Value) {
    let response = client.post(url).json(&body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn a_required_second_factor_is_enrolled_then_asked_at_every_login(backend: Backend) {
    let app = app(backend).await;
    let supervisor = app.add_user("supervisor1", Role::SUPERVISOR).await;
    let (client, next) = password_login(&app, "supervisor1").await;
    assert_eq!(next.as_deref(), Some("enrolment"));
    assert_eq!(
        client
            .get(app.at("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "no case access before enrolment"
    );
    assert_eq!(
        client
            .get(app.at(&format!("/api/v1/cases/{}", uuid::Uuid::now_v7())))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "no case read before enrolment"
    );
    assert_eq!(
        client
            .get(app.at("/api/v1/auth/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let (status, enrolment) = post(&client, app.at("/api/v1/auth/mfa/enrol"), json!({})).await;
    assert_eq!(status, 200);
    assert!(
        enrolment["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Caseward:supervisor1?")
    );
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    assert_eq!(enrolment["secret"].as_str().unwrap().len(), 32);
    let mark = head(&app).await;
    let (status, _) = post(
        &client,
        app.at("/api/v1/auth/mfa/confirm"),
        json!({ "code": "000000" }),
    )
    .await;
    assert_eq!(status, 401, "a wrong first code does not enable the factor");
    assert_eq!(
        entries_since(&app, mark).await,
        [("auth.second_factor.failed", "denied")]
    );
    let code = pending_code(&app, supervisor.id).await;
    let mark = head(&app).await;
    let (status, codes) = post(
        &client,
        app.at("/api/v1/auth/mfa/confirm"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        entries_since(&app, mark).await,
        [("auth.second_factor.enrol", "allowed")]
    );
    assert_eq!(codes["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(
        client
            .get(app.at("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "enrolment completes the login"
    );

    // Next login: the code is asked for, and the code just used cannot be replayed.
    let (client, next) = password_login(&app, "supervisor1").await;
    assert_eq!(next.as_deref(), Some("second_factor"));
    assert_eq!(
        client
            .get(app.at("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let mark = head(&app).await;
    let (status, _) = post(
        &client,
        app.at("/api/v1/auth/second-factor"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(status, 401, "a used code is refused");
    assert_eq!(
        entries_since(&app, mark).await,
        [("auth.second_factor.failed", "denied")]
    );
    app.clock.advance(chrono::Duration::seconds(30));
    let fresh = current_code(&app, supervisor.id).await;
    let mark = head(&app).await;
    let (status, body) = post(
        &client,
        app.at("/api/v1/auth/second-factor"),
        json!({ "code": fresh }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        entries_since(&app, mark).await,
        [("auth.second_factor", "allowed")]
    );
    assert_eq!(body["user"]["mfa_enabled"], true);
    assert_eq!(
        client
            .get(app.at("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // The same code, once more, on another login: refused.
    let (other, _) = password_login(&app, "supervisor1").await;
    let (status, _) = post(
        &other,
        app.at("/api/v1/auth/second-factor"),
        json!({ "code": fresh }),
    )
    .await;
    assert_eq!(status, 401, "replay across sessions is refused");
}

async fn recovery_codes_work_once_and_workers_need_no_second_factor(backend: Backend) {
    let app = app(backend).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let (_, next) = password_login(&app, "worker1").await;
    assert_eq!(
        next, None,
        "case workers are not required to use a second factor by default"
    );

    let admin = app.add_user("admin1", Role::SYSTEM_ADMINISTRATOR).await;
    let (client, _) = password_login(&app, "admin1").await;
    post(&client, app.at("/api/v1/auth/mfa/enrol"), json!({})).await;
    let code = pending_code(&app, admin.id).await;
    let (_, codes) = post(
        &client,
        app.at("/api/v1/auth/mfa/confirm"),
        json!({ "code": code }),
    )
    .await;
    let recovery = codes["recovery_codes"][3].as_str().unwrap().to_string();

    let (client, _) = password_login(&app, "admin1").await;
    // Typed in lower case with spaces: still accepted.
    let typed = recovery.to_lowercase().replace('-', " ");
    let (status, _) = post(
        &client,
        app.at("/api/v1/auth/second-factor"),
        json!({ "code": typed }),
    )
    .await;
    assert_eq!(status, 200);
    let (client, _) = password_login(&app, "admin1").await;
    let (status, _) = post(
        &client,
        app.at("/api/v1/auth/second-factor"),
        json!({ "code": recovery }),
    )
    .await;
    assert_eq!(status, 401, "a recovery code works once");

    // A code confirms a sensitive action in place of the password.
    app.clock.advance(chrono::Duration::seconds(30));
    let code = current_code(&app, admin.id).await;
    let (client, _) = password_login(&app, "admin1").await;
    let (status, _) = post(
        &client,
        app.at("/api/v1/auth/second-factor"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(status, 200);
    app.clock.advance(chrono::Duration::seconds(30));
    let code = current_code(&app, admin.id).await;
    let (status, body) = post(
        &client,
        app.at("/api/v1/users"),
        json!({ "username": "worker2", "display_name": "Worker Two", "role": "case_worker", "password": "a long and unusual passphrase", "confirm_password": code }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}
