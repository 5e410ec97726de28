//! The canary sweep: unique strings planted in every text value of a child protection and a
//! GBV case; every endpoint called as every role; no canary may appear in a response body, a
//! header or a server log line unless the access policy allows that user that value.

use crate::support::{TestApp, captured_logs};
use crate::world::{PlantedCase, World};
use caseward_domain::config::Classification;
use caseward_store::testing::Backend;
use serde_json::json;
use std::collections::BTreeSet;

on_both_backends!(no_canary_leaks_through_any_endpoint_header_or_log);

/// Which canaries of `case` a user may see: the assigned worker all of them; the user it is
/// shared with the standard ones and the granted restricted field; the team's supervisor the
/// standard ones; anyone else none.
fn allowed<'a>(case: &'a PlantedCase, user: &str, granted_field: &str) -> BTreeSet<&'a str> {
    case.canaries
        .iter()
        .filter(|c| match user {
            "worker1" => true,
            "worker3" => c.classification == Classification::Standard || c.path == granted_field,
            "supervisor1" => c.classification == Classification::Standard,
            _ => false,
        })
        .map(|c| c.text.as_str())
        .collect()
}

async fn no_canary_leaks_through_any_endpoint_header_or_log(backend: Backend) {
    let mut world = World::new(backend).await;
    let mut cases = Vec::new();
    for case_type in ["child_protection", "gbv"] {
        let case = world.plant_case("worker1", case_type).await;
        let granted = case
            .canaries
            .iter()
            .find(|c| c.classification == Classification::Restricted && !c.path.contains('['))
            .map(|c| c.path.clone())
            .unwrap_or_default();
        // worker3 gets the case and one restricted field, with the survivor's consent.
        let mut consent = json!({
            "recipient": { "user_id": world.users["worker3"].id },
            "information": { "fields": [granted] },
            "purpose": "joint follow-up",
            "given_on": "2026-03-01",
        });
        if case_type == "child_protection" {
            consent["guardian_involved"] = json!(true);
            consent["child_assent"] = json!(true);
        }
        let owner = world.client("worker1");
        let r = owner
            .post(world.app.at(&format!("/api/v1/cases/{}/consents", case.id)))
            .json(&consent)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let r = owner
            .post(world.app.at(&format!("/api/v1/cases/{}/shares", case.id)))
            .json(&json!({ "user_id": world.users["worker3"].id, "reason": "joint follow-up", "confirm_password": TestApp::password_of("worker1") }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let r = owner
            .post(world.app.at(&format!("/api/v1/cases/{}/field-grants", case.id)))
            .json(&json!({ "user_id": world.users["worker3"].id, "field_id": granted, "reason": "joint follow-up", "confirm_password": TestApp::password_of("worker1") }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        cases.push((case, granted));
    }

    let mut checked = 0;
    let mut leaks = Vec::new();
    let users: Vec<&str> = crate::world::PEOPLE.iter().map(|(name, _)| *name).collect();
    for user in &users {
        let client = world.client(user).clone();
        for (case, granted) in &cases {
            let id = &case.id;
            let any_user = world.users["worker4"].id;
            let requests = vec![
                ("list", client.get(world.app.at("/api/v1/cases?per_page=100"))),
                ("search", client.get(world.app.at(&format!("/api/v1/cases?q={}", &case.canaries[0].text)))),
                ("read", client.get(world.app.at(&format!("/api/v1/cases/{id}")))),
                ("update nothing", client.patch(world.app.at(&format!("/api/v1/cases/{id}"))).json(&json!({ "version": 999, "fields": {} }))),
                ("access", client.get(world.app.at(&format!("/api/v1/cases/{id}/access")))),
                ("consents", client.get(world.app.at(&format!("/api/v1/cases/{id}/consents")))),
                ("assignable", client.get(world.app.at(&format!("/api/v1/cases/{id}/assignable")))),
                ("share", client.post(world.app.at(&format!("/api/v1/cases/{id}/shares"))).json(&json!({ "user_id": any_user, "reason": "x", "confirm_password": "wrong password" }))),
                ("grant", client.post(world.app.at(&format!("/api/v1/cases/{id}/field-grants"))).json(&json!({ "user_id": any_user, "field_id": granted, "reason": "x", "confirm_password": "wrong password" }))),
                ("reassign", client.post(world.app.at(&format!("/api/v1/cases/{id}/reassign"))).json(&json!({ "user_id": any_user, "reason": "x" }))),
                ("hand over", client.post(world.app.at(&format!("/api/v1/cases/{id}/handover"))).json(&json!({ "user_id": world.users["worker3"].id, "reason": "x", "confirm_password": "wrong password" }))),
                ("directory", client.get(world.app.at("/api/v1/directory"))),
                ("config", client.get(world.app.at("/api/v1/config"))),
                ("me", client.get(world.app.at("/api/v1/auth/me"))),
                ("users", client.get(world.app.at("/api/v1/users"))),
                ("teams", client.get(world.app.at("/api/v1/teams"))),
                ("agencies", client.get(world.app.at("/api/v1/agencies"))),
                ("audit search", client.get(world.app.at("/api/v1/audit?limit=500"))),
                ("audit export", client.get(world.app.at("/api/v1/audit/export?limit=10000&reason=review"))),
                ("case access log", client.get(world.app.at(&format!("/api/v1/cases/{id}/audit")))),
            ];
            let allowed_here = allowed(case, user, granted);
            for (what, request) in requests {
                let response = request.send().await.unwrap();
                let headers = format!("{:?}", response.headers());
                let body = response.text().await.unwrap();
                checked += 1;
                for canary in &case.canaries {
                    let in_body = body.contains(&canary.text);
                    let in_headers = headers.contains(&canary.text);
                    let may_see =
                        allowed_here.contains(canary.text.as_str()) && matches!(what, "read");
                    if in_headers || (in_body && !may_see) {
                        leaks.push(format!(
                            "{user} / {} / {what}: {} ({})",
                            case.case_type,
                            canary.path,
                            canary.classification.as_str()
                        ));
                    }
                }
            }
        }
    }
    // The read responses did carry what they may: the sweep is not vacuous.
    let owner_view = world
        .client("worker1")
        .get(world.app.at(&format!("/api/v1/cases/{}", cases[0].0.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        cases[0]
            .0
            .canaries
            .iter()
            .all(|c| owner_view.contains(&c.text)),
        "the assigned worker sees every planted value"
    );

    let logs = captured_logs();
    for (case, _) in &cases {
        for canary in &case.canaries {
            if logs.contains(&canary.text) {
                leaks.push(format!(
                    "server log: {} ({})",
                    canary.path,
                    canary.classification.as_str()
                ));
            }
        }
    }
    assert!(checked >= users.len() * 2 * 20, "every endpoint was called");
    assert!(!logs.is_empty(), "the server's log was captured");
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
