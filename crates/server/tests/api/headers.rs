//! What every response carries, whatever answered it (a route, the router's 404 or 405, a
//! refused body, the web app): the security headers and a request id. And the request's log
//! span names the route's template, never the concrete path.

use crate::support::{TestApp, captured_logs};
use caseward_domain::user::Role;
use caseward_store::testing::Backend;
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::start(Backend::Sqlite).await;
    app.add_user("worker1", Role::CASE_WORKER).await;
    let worker = app.login("worker1").await;
    let case = uuid::Uuid::now_v7();
    let requests = [
        (Method::GET, "/healthz".to_string(), Some(200)),
        (Method::GET, "/api/v1/auth/me".to_string(), Some(200)),
        (Method::GET, format!("/api/v1/cases/{case}"), Some(404)),
        (Method::GET, "/api/v1/no-such-thing".to_string(), Some(404)),
        (Method::DELETE, "/healthz".to_string(), Some(405)),
        (Method::POST, "/api/v1/auth/login".to_string(), Some(400)),
        // The web app's page, or its 404 in a build without it.
        (Method::GET, "/".to_string(), None),
    ];
    for (method, path, status) in requests {
        let request_id = format!("headers-{}", uuid::Uuid::now_v7().simple());
        let mut request = worker
            .request(method.clone(), app.at(&path))
            .header("x-request-id", &request_id);
        if method == Method::POST {
            request = request
                .header("content-type", "application/json")
                .body("{not json");
        }
        let response = request.send().await.unwrap();
        let what = format!("{method} {path}");
        if let Some(status) = status {
            assert_eq!(response.status().as_u16(), status, "{what}");
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .unwrap_or_else(|| panic!("{what}: no {name}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        assert!(
            header("content-security-policy").starts_with("default-src 'self';"),
            "{what}"
        );
        assert!(
            header("content-security-policy").contains("frame-ancestors 'none'"),
            "{what}"
        );
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert!(!header("cache-control").is_empty(), "{what}");
        assert_eq!(header("x-request-id"), request_id, "{what}: the id given");
    }

    // Without an id, the server makes one.
    let response = worker.get(app.at("/healthz")).send().await.unwrap();
    let made = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");
    // The API's answers are not kept by caches, unless a route says otherwise.
    let response = worker.get(app.at("/api/v1/auth/me")).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");

    // The log names the route's template and the request's id, not the case's id.
    let request_id = format!("headers-{}", uuid::Uuid::now_v7().simple());
    worker
        .get(app.at(&format!("/api/v1/cases/{case}")))
        .header("x-request-id", &request_id)
        .send()
        .await
        .unwrap();
    let logs = captured_logs();
    let line = logs
        .lines()
        .find(|line| line.contains(&request_id))
        .expect("the request's span is in the log");
    assert!(line.contains(r#"route="/api/v1/cases/{id}""#), "{line}");
    assert!(
        !logs.contains(&case.to_string()),
        "the concrete path is not logged"
    );
}
