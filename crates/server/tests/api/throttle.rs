//! Brute force: failed logins lock the account, and many failures from one address lock the
//! address, in the database (so across server nodes); known and unknown usernames alike.

use crate::support::TestApp;
use caseward_domain::throttle::ThrottlePolicy;
use caseward_domain::user::Role;
use caseward_server::ServerSettings;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    brute_force_against_one_account_locks_it,
    brute_force_across_accounts_locks_the_address
);

fn settings() -> ServerSettings {
    ServerSettings {
        throttle: ThrottlePolicy {
            account_limit: 3,
            address_limit: 8,
            ..ThrottlePolicy::default()
        },
        ..ServerSettings::default()
    }
}

async fn attempt(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (StatusCode, Option<String>, String) {
    let response = app
        .client()
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (response.status(), retry, response.text().await.unwrap())
}

async fn brute_force_against_one_account_locks_it(backend: Backend) {
    let app = TestApp::start_with(backend, settings()).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    for _ in 0..2 {
        assert_eq!(
            attempt(&app, "worker1", "guess-guess-guess").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, retry, _) = attempt(&app, "worker1", "guess-guess-guess").await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the third failure locks the account"
    );
    assert_eq!(retry.as_deref(), Some("900"));
    // Even the right password is refused while locked.
    let (status, _, body) = attempt(&app, "worker1", &TestApp::password_of("worker1")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!body.contains("worker1"));
    // An unknown username locks the same way, so a lock reveals nothing.
    for _ in 0..2 {
        attempt(&app, "nobody", "guess-guess-guess").await;
    }
    assert_eq!(
        attempt(&app, "NoBody", "guess-guess-guess").await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "usernames are compared without case"
    );
    // After the lockout, the right password works again.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        attempt(&app, "worker1", &TestApp::password_of("worker1"))
            .await
            .0,
        StatusCode::OK
    );
}

async fn brute_force_across_accounts_locks_the_address(backend: Backend) {
    let app = TestApp::start_with(backend, settings()).await;
    app.add_user("worker9", Role::CASE_WORKER).await;
    for n in 0..7 {
        let (status, _, _) = attempt(&app, &format!("user{n}"), "guess-guess-guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    assert_eq!(
        attempt(&app, "user7", "guess-guess-guess").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(&app, "worker9", &TestApp::password_of("worker9"))
            .await
            .0,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked for every account"
    );
}
