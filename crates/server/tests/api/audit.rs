//! The audit trail over HTTP: reads, lists, writes and refusals leave entries naming who,
//! what, which case and which fields — never a value — and a request whose entry cannot be
//! written fails without answering.

use crate::world::World;
use caseward_domain::audit::{AuditAction, AuditEntry, Outcome};
use caseward_store::audit_verify::verify_chain;
use caseward_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    case_accesses_and_refusals_are_recorded_without_values,
    a_request_whose_entry_cannot_be_written_fails,
    content_that_does_not_open_is_refused_and_recorded,
    an_auditor_searches_and_exports_the_trail_and_sees_no_case,
    a_cases_access_log_is_for_its_worker_and_supervisor,
);

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn trail(world: &World) -> Vec<AuditEntry> {
    world.app.store.audit_entries(0, 10_000).await.unwrap()
}

fn last<'a>(entries: &'a [AuditEntry], username: &str, world: &World) -> &'a AuditEntry {
    let id = world.users[username].id;
    entries
        .iter()
        .rev()
        .find(|e| e.event.actor == Some(id))
        .unwrap_or_else(|| panic!("no entry by {username}"))
}

async fn case_accesses_and_refusals_are_recorded_without_values(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "gbv").await;
    let case_id: uuid::Uuid = case.id.parse().unwrap();
    let url = world.app.at(&format!("/api/v1/cases/{}", case.id));

    let created = trail(&world).await;
    let opening = last(&created, "worker1", &world);
    assert_eq!(opening.event.action, AuditAction::CaseCreate);
    assert_eq!(opening.event.case_id, Some(case_id));
    assert!(
        !opening.event.fields.is_empty(),
        "the fields written are named"
    );

    // The assigned worker reads every field; the supervisor reads the standard ones only.
    let (status, full) = send(
        world
            .client("worker1")
            .get(&url)
            .header("x-caseward-client", "web"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, partial) = send(world.client("supervisor1").get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    let entries = trail(&world).await;
    let read = last(&entries, "worker1", &world);
    assert_eq!(
        (read.event.action, read.event.outcome, read.event.case_id),
        (AuditAction::CaseRead, Outcome::Allowed, Some(case_id))
    );
    assert_eq!(read.event.client, "web");
    assert_eq!(read.event.actor_role.as_deref(), Some("case_worker"));
    assert!(read.event.request_id.is_some());
    let shown = |body: &Value| {
        let mut ids: Vec<String> = body["fields"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        ids.sort();
        ids
    };
    let mut recorded = read.event.fields.clone();
    recorded.sort();
    assert_eq!(recorded, shown(&full));
    let supervised = last(&entries, "supervisor1", &world);
    let mut recorded = supervised.event.fields.clone();
    recorded.sort();
    assert_eq!(
        recorded,
        shown(&partial),
        "only what was shown counts as read"
    );
    assert!(recorded.len() < shown(&full).len());

    // Refusals: a colleague without access, a manager listing cases.
    let (status, _) = send(world.client("worker2").get(&url)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(world.client("manager1").get(world.app.at("/api/v1/cases"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(world.client("worker1").get(world.app.at("/api/v1/cases"))).await;
    assert_eq!(status, StatusCode::OK);
    let entries = trail(&world).await;
    let refused = last(&entries, "worker2", &world);
    assert_eq!(
        (
            refused.event.action,
            refused.event.outcome,
            refused.event.case_id
        ),
        (AuditAction::CaseRead, Outcome::Denied, Some(case_id))
    );
    let manager = last(&entries, "manager1", &world);
    assert_eq!(
        (manager.event.action, manager.event.outcome),
        (AuditAction::CaseList, Outcome::Denied)
    );
    let listed = last(&entries, "worker1", &world);
    assert_eq!(listed.event.action, AuditAction::CaseList);
    assert!(
        listed.event.fields.contains(&case.id),
        "the list names the cases it returned"
    );

    // An update names the fields written; a share names its recipient and reason.
    let version = full["version"].as_i64().unwrap();
    let (status, _) = send(
        world
            .client("worker1")
            .patch(&url)
            .json(&json!({ "version": version, "fields": { "survivor_code": "SV-777" } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let entries = trail(&world).await;
    let update = last(&entries, "worker1", &world);
    assert_eq!(update.event.action, AuditAction::CaseUpdate);
    assert_eq!(update.event.fields, ["survivor_code"]);

    // No value of the case appears anywhere in the trail.
    let everything = format!("{entries:?}");
    for canary in &case.canaries {
        assert!(
            !everything.contains(&canary.text),
            "{} leaked into the trail",
            canary.path
        );
    }
    assert!(!everything.contains("SV-777"));
    let verified = verify_chain(world.app.store.as_ref()).await.unwrap();
    assert_eq!(verified.first_break, None);
    assert_eq!(verified.verified, entries.len() as i64);
}

async fn a_request_whose_entry_cannot_be_written_fails(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "gbv").await;
    let url = world.app.at(&format!("/api/v1/cases/{}", case.id));
    let (_, before) = send(world.client("worker1").get(&url)).await;
    world.app.database().tamper("DROP TABLE audit_head").await;
    let response = world.client("worker1").get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    for canary in &case.canaries {
        assert!(
            !body.contains(&canary.text),
            "no case content without its audit entry"
        );
    }
    let version = before["version"].as_i64().unwrap();
    let (status, _) = send(
        world
            .client("worker1")
            .patch(&url)
            .json(&json!({ "version": version, "fields": { "survivor_code": "SV-778" } })),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let stored = world
        .app
        .store
        .case_by_id(case.id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.summary.version, version,
        "the write was rolled back with its entry"
    );
}

async fn content_that_does_not_open_is_refused_and_recorded(backend: Backend) {
    let mut world = World::new(backend).await;
    let a = world.plant_case("worker1", "gbv").await;
    let b = world.plant_case("worker1", "gbv").await;
    let literal = |id: &str| match backend {
        Backend::Postgres => format!("'{id}'::uuid"),
        Backend::Sqlite => format!("X'{}'", id.replace('-', "")),
    };
    world
        .app
        .database()
        .tamper(&format!(
            "UPDATE case_contents SET content = (SELECT content FROM case_contents WHERE case_id = {}) WHERE case_id = {}",
            literal(&a.id),
            literal(&b.id)
        ))
        .await;
    let response = world
        .client("worker1")
        .get(world.app.at(&format!("/api/v1/cases/{}", b.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    for canary in a.canaries.iter().chain(&b.canaries) {
        assert!(
            !body.contains(&canary.text),
            "nothing of either case is shown"
        );
    }
    let entries = trail(&world).await;
    let failure = last(&entries, "worker1", &world);
    assert_eq!(
        (failure.event.action, failure.event.outcome),
        (AuditAction::CaseRead, Outcome::Denied)
    );
    assert_eq!(failure.event.case_id, Some(b.id.parse().unwrap()));
    assert!(
        failure
            .event
            .reason
            .as_deref()
            .unwrap()
            .contains("decrypted")
    );
}

async fn an_auditor_searches_and_exports_the_trail_and_sees_no_case(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "child_protection").await;
    let url = world.app.at(&format!("/api/v1/cases/{}", case.id));
    let (status, _) = send(world.client("worker1").get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    let auditor = world.client("auditor1");
    let worker1 = world.users["worker1"].id;

    let (status, page) = send(
        auditor.get(
            world
                .app
                .at(&format!("/api/v1/audit?actor={worker1}&action=case.read")),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor"]["username"], "worker1");
    assert_eq!(entries[0]["case_id"], case.id.as_str());
    assert!(!entries[0]["fields"].as_array().unwrap().is_empty());

    // Pages: newest first, `next_before` leads on.
    let (_, first) = send(auditor.get(world.app.at("/api/v1/audit?limit=2"))).await;
    let next = first["next_before"].as_i64().expect("more entries");
    let (_, second) = send(
        auditor.get(
            world
                .app
                .at(&format!("/api/v1/audit?limit=2&before={next}")),
        ),
    )
    .await;
    assert!(second["entries"][0]["seq"].as_i64().unwrap() < next);

    // Export: a reason is required, and the export is itself recorded with it.
    let (status, problem) = send(auditor.get(world.app.at("/api/v1/audit/export"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "reason");
    let response = auditor
        .get(world.app.at(&format!(
            "/api/v1/audit/export?case_id={}&reason=quarterly%20review",
            case.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("seq,at,actor,"));
    assert!(csv.contains("\"case.read\""), "{csv}");
    for canary in &case.canaries {
        assert!(!csv.contains(&canary.text));
    }
    let entries = trail(&world).await;
    let export = last(&entries, "auditor1", &world);
    assert_eq!(export.event.action, AuditAction::AuditExport);
    assert_eq!(export.event.reason.as_deref(), Some("quarterly review"));

    // Bad filters are named; nobody else searches; the auditor reaches no case.
    for query in [
        "action=case.peek",
        "outcome=maybe",
        "limit=0",
        "limit=501",
        "colour=red",
    ] {
        let (status, _) = send(auditor.get(world.app.at(&format!("/api/v1/audit?{query}")))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
    for who in ["worker1", "supervisor1", "manager1", "admin1"] {
        let (status, _) = send(world.client(who).get(world.app.at("/api/v1/audit"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let (status, _) = send(auditor.get(&url)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let entries = trail(&world).await;
    let refused = last(&entries, "admin1", &world);
    assert_eq!(
        (refused.event.action, refused.event.outcome),
        (AuditAction::AuditSearch, Outcome::Denied)
    );
}

async fn a_cases_access_log_is_for_its_worker_and_supervisor(backend: Backend) {
    let mut world = World::new(backend).await;
    let case = world.plant_case("worker1", "general_protection").await;
    let log = world.app.at(&format!("/api/v1/cases/{}/audit", case.id));
    let (status, _) = send(
        world
            .client("supervisor1")
            .get(world.app.at(&format!("/api/v1/cases/{}", case.id))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, entries) = send(world.client("worker1").get(&log)).await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    let actions: Vec<(&str, &str)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor"]["username"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        actions.contains(&("case.read", "supervisor1")),
        "{actions:?}"
    );
    assert!(actions.contains(&("case.create", "worker1")), "{actions:?}");
    let (status, _) = send(world.client("supervisor1").get(&log)).await;
    assert_eq!(status, StatusCode::OK);
    // Sharing gives no view of who else looked.
    let (status, _) = send(world.client("worker1").post(world.app.at(&format!("/api/v1/cases/{}/shares", case.id))).json(&serde_json::json!({ "user_id": world.users["worker3"].id, "reason": "joint work", "confirm_password": crate::support::TestApp::password_of("worker1") }))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = send(world.client("worker3").get(&log)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(world.client("worker2").get(&log)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
