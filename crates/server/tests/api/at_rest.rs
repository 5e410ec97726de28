//! What the instance holds in clear, through the whole API: cases planted with a canary in
//! every text field, and a document each, leave no canary in the database's files (SQLite
//! file and WAL) or rows (PostgreSQL) or in the attachments folder; the only case values in
//! plaintext are the declared report dimensions, each in its derived form (a month, an age
//! group, an option), never the value it came from.

use crate::support::default_config;
use crate::world::World;
use caseward_domain::config::ReportAs;
use caseward_store::testing::Backend;

on_both_backends!(only_report_dimensions_are_stored_in_clear);

async fn only_report_dimensions_are_stored_in_clear(backend: Backend) {
    let mut world = World::new(backend).await;
    let config = default_config();
    let mut canaries = Vec::new();
    for case_type in &config.case_types {
        let case = world.plant_case("worker1", &case_type.id).await;
        canaries.extend(case.canaries.into_iter().map(|c| c.text));
        // And a document, canaries in its name and its content.
        let (name, inside) = (canary(), canary());
        let response = world
            .client("worker1")
            .post(world.app.at(&format!(
                "/api/v1/cases/{}/attachments?kind=assessment",
                case.id
            )))
            .header("content-type", "application/pdf")
            .header("x-caseward-file-name", format!("{name}.pdf"))
            .body(format!("%PDF-1.7\n{inside}\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        canaries.extend([name, inside]);
    }
    assert!(canaries.len() > 20, "every text field holds a canary");
    canaries.extend(history_with_canaries(&mut world).await);
    // The SQLite file and WAL (or every PostgreSQL row) and the attachments folder.
    let raw = world.app.database().raw_contents().await;
    for canary in &canaries {
        assert!(
            !raw.contains(canary.as_str()),
            "a case value is stored in clear"
        );
    }

    let is_month = |v: &str| {
        v.len() == 7 && v.as_bytes()[4] == b'-' && v.replace('-', "").parse::<u32>().is_ok()
    };
    let bands = config.age_bands.lower_bounds();
    let is_age_group = |v: &str| {
        let low = v
            .split(['-', '+'])
            .next()
            .and_then(|l| l.parse::<u32>().ok());
        low.is_some_and(|l| bands.contains(&l)) && (v.ends_with('+') || v.contains('-'))
    };
    let mut seen = 0;
    for case_type in &config.case_types {
        for (_, field) in case_type.form.fields() {
            let counts = world
                .app
                .store
                .dimension_counts(&case_type.id, &field.id)
                .await
                .unwrap();
            let Some(report_as) = field.report_dimension else {
                assert_eq!(counts, [], "{} is not a report dimension", field.id);
                continue;
            };
            for count in &counts {
                let value = count.value.as_str();
                let derived = match report_as {
                    ReportAs::Month => is_month(value),
                    ReportAs::AgeGroup => is_age_group(value),
                    ReportAs::Year => value.len() == 4,
                    ReportAs::Value => !value.starts_with("CANARY"),
                };
                assert!(derived, "{}.{} stored as {value:?}", case_type.id, field.id);
                seen += 1;
            }
        }
    }
    assert!(
        seen > 10,
        "the planted cases have report dimensions ({seen})"
    );
}

fn canary() -> String {
    format!("CANARY{}", uuid::Uuid::now_v7().simple())
}

/// A case's history written through the API with a canary in every free text: a share and its
/// end, a field grant, a consent and its withdrawal, a reassignment. Returns the canaries.
async fn history_with_canaries(world: &mut World) -> Vec<String> {
    use serde_json::{Value, json};
    let config = default_config();
    let case = world.plant_case("worker1", "general_protection").await;
    let restricted = config
        .case_type("general_protection")
        .unwrap()
        .form
        .fields()
        .find(|(_, f)| {
            f.classification == caseward_domain::config::Classification::Restricted
                && !matches!(
                    f.kind,
                    caseward_domain::config::FieldKind::RepeatingGroup { .. }
                )
        })
        .map(|(_, f)| f.id.clone())
        .expect("a restricted field");
    let worker3 = world.users["worker3"].id;
    let worker2 = world.users["worker2"].id;
    let password = crate::support::TestApp::password_of("worker1");
    let texts: Vec<String> = (0..6).map(|_| canary()).collect();
    let calls: Vec<(&str, reqwest::Method, String, Value)> = vec![
        (
            "worker1",
            reqwest::Method::POST,
            format!("/api/v1/cases/{}/shares", case.id),
            json!({ "user_id": worker3, "reason": texts[0], "confirm_password": password }),
        ),
        (
            "worker1",
            reqwest::Method::POST,
            format!("/api/v1/cases/{}/field-grants", case.id),
            json!({ "user_id": worker3, "field_id": restricted, "reason": texts[1], "confirm_password": password }),
        ),
        (
            "worker1",
            reqwest::Method::POST,
            format!("/api/v1/cases/{}/consents", case.id),
            json!({ "recipient": { "user_id": worker3 }, "information": { "up_to": "restricted" }, "purpose": texts[2], "given_on": "2026-03-01" }),
        ),
        (
            "worker1",
            reqwest::Method::DELETE,
            format!("/api/v1/cases/{}/shares/{worker3}", case.id),
            json!({ "reason": texts[3] }),
        ),
        (
            "supervisor1",
            reqwest::Method::POST,
            format!("/api/v1/cases/{}/reassign", case.id),
            json!({ "user_id": worker2, "reason": texts[4] }),
        ),
    ];
    let mut consent = String::new();
    for (who, method, path, body) in calls {
        let response = world
            .client(who)
            .request(method, world.app.at(&path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {answer}");
        if path.ends_with("/consents") {
            assert_eq!(answer["purpose"], texts[2], "read back opened");
            consent = answer["id"].as_str().unwrap().to_string();
        }
    }
    let response = world
        .client("worker2")
        .post(world.app.at(&format!(
            "/api/v1/cases/{}/consents/{consent}/withdraw",
            case.id
        )))
        .json(&json!({ "reason": texts[5] }))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    // Every text reads back opened for those who may see it.
    let access: Value = world
        .client("worker2")
        .get(world.app.at(&format!("/api/v1/cases/{}/access", case.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shown = access.to_string();
    assert!(
        shown.contains(&texts[4]),
        "the reassignment's reason: {shown}"
    );
    assert!(shown.contains(&texts[1]), "the grant's reason: {shown}");
    // The trail holds the reasons sealed with the case: its access log (the worker's) shows
    // them; the auditor's search says a reason exists, and not what it is.
    let get = |who: &'static str, path: String| {
        let client = world.client(who).clone();
        let url = world.app.at(&path);
        async move {
            let response = client.get(url).send().await.unwrap();
            assert!(response.status().is_success());
            response.json::<Value>().await.unwrap()
        }
    };
    let log = get("worker2", format!("/api/v1/cases/{}/audit", case.id)).await;
    assert!(
        log.to_string().contains(&texts[0]),
        "the share's reason in the case's log"
    );
    let trail = get(
        "auditor1",
        format!("/api/v1/audit?case_id={}&action=case.share", case.id),
    )
    .await;
    let entries = trail["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    for entry in entries {
        assert_eq!(entry["reason"], Value::Null, "{entry}");
        assert_eq!(entry["reason_withheld"], true, "{entry}");
    }
    texts
}
