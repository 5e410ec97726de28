//! The authorization matrix: one declared table (role × relationship to the case × action),
//! from which the checks are generated. `docs/SECURITY-MODEL.md` states the same table in
//! words; changing a cell here changes what is tested.

use crate::world::{PlantedCase, World};
use caseward_domain::config::Classification;
use caseward_store::testing::Backend;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relationship {
    /// The case is assigned to the actor.
    Assigned,
    /// The case is explicitly shared with the actor.
    Shared,
    /// The actor is in (or supervises) the team of the assigned worker.
    SameTeam,
    /// The actor is in (or supervises) another team.
    OtherTeam,
    /// The actor is in no team and has no share.
    Unrelated,
}

/// What one (role, relationship) may do. `fields` is (standard, restricted, confidential):
/// true when the value is shown and writable, false when withheld ("[Restricted]").
#[derive(Debug, Clone, Copy)]
struct Row {
    actor: &'static str,
    relationship: Relationship,
    list_and_read: bool,
    update: bool,
    share: bool,
    reassign: bool,
    fields: (bool, bool, bool),
}

use Relationship::*;

/// The matrix. The case under test is assigned to worker1 (team A) unless the row's actor is
/// itself the assignee; "shared" rows share it with the actor first.
const MATRIX: &[Row] = &[
    Row {
        actor: "worker1",
        relationship: Assigned,
        list_and_read: true,
        update: true,
        share: true,
        reassign: false,
        fields: (true, true, true),
    },
    Row {
        actor: "worker3",
        relationship: Shared,
        list_and_read: true,
        update: true,
        share: false,
        reassign: false,
        fields: (true, false, false),
    },
    Row {
        actor: "worker2",
        relationship: SameTeam,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "worker3",
        relationship: OtherTeam,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "worker4",
        relationship: Unrelated,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "supervisor3",
        relationship: Assigned,
        list_and_read: true,
        update: true,
        share: true,
        reassign: false,
        fields: (true, true, true),
    },
    Row {
        actor: "supervisor2",
        relationship: Shared,
        list_and_read: true,
        update: true,
        share: false,
        reassign: false,
        fields: (true, false, false),
    },
    Row {
        actor: "supervisor1",
        relationship: SameTeam,
        list_and_read: true,
        update: true,
        share: true,
        reassign: true,
        fields: (true, false, false),
    },
    Row {
        actor: "supervisor2",
        relationship: OtherTeam,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "supervisor3",
        relationship: Unrelated,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "manager1",
        relationship: Unrelated,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "admin1",
        relationship: Unrelated,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    // Custom roles of the default configuration, by the permissions they declare: a team
    // lead (hold_cases, view_team_workload) works like a case worker and sees no team case;
    // an M&E officer (view_aggregate_reports) reaches no case at all.
    Row {
        actor: "lead1",
        relationship: Assigned,
        list_and_read: true,
        update: true,
        share: true,
        reassign: false,
        fields: (true, true, true),
    },
    Row {
        actor: "lead1",
        relationship: SameTeam,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "auditor1",
        relationship: Unrelated,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
    Row {
        actor: "officer1",
        relationship: Unrelated,
        list_and_read: false,
        update: false,
        share: false,
        reassign: false,
        fields: (false, false, false),
    },
];

const CASE_TYPES: &[&str] = &["child_protection", "gbv", "general_protection"];

on_both_backends!(the_authorization_matrix_holds_for_every_role_relationship_and_case_type);

async fn the_authorization_matrix_holds_for_every_role_relationship_and_case_type(
    backend: Backend,
) {
    let mut world = World::new(backend).await;
    let mut failures = Vec::new();
    for case_type in CASE_TYPES {
        for row in MATRIX {
            check_row(&mut world, case_type, row, &mut failures).await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells disagree with the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn consent_for(world: &World, owner: &str, case: &PlantedCase, recipient: &str) {
    let mut body = json!({
        "recipient": { "user_id": world.users[recipient].id },
        "information": { "up_to": "standard" },
        "purpose": "coordination of services",
        "given_on": "2026-03-01",
    });
    if case.case_type == "child_protection" {
        body["guardian_involved"] = json!(true);
        body["child_assent"] = json!(true);
    }
    let response = world
        .client(owner)
        .post(world.app.at(&format!("/api/v1/cases/{}/consents", case.id)))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        201,
        "consent: {}",
        response.text().await.unwrap()
    );
}

async fn share(world: &World, owner: &str, case: &PlantedCase, recipient: &str) {
    consent_for(world, owner, case, recipient).await;
    let response = world
        .client(owner)
        .post(world.app.at(&format!("/api/v1/cases/{}/shares", case.id)))
        .json(&json!({ "user_id": world.users[recipient].id, "reason": "joint case management", "confirm_password": crate::support::TestApp::password_of(owner) }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        201,
        "share: {}",
        response.text().await.unwrap()
    );
}

async fn check_row(world: &mut World, case_type: &str, row: &Row, failures: &mut Vec<String>) {
    let owner = if row.relationship == Assigned {
        row.actor
    } else {
        "worker1"
    };
    let case = world.plant_case(owner, case_type).await;
    if row.relationship == Shared {
        share(world, owner, &case, row.actor).await;
    }
    let cell = |what: &str| {
        format!(
            "{case_type} × {} ({:?}) × {what}",
            row.actor, row.relationship
        )
    };
    let client = world.client(row.actor).clone();
    let url = world.app.at(&format!("/api/v1/cases/{}", case.id));

    // List.
    let listed = client
        .get(world.app.at("/api/v1/cases?per_page=100"))
        .send()
        .await
        .unwrap();
    let in_list = listed.status() == 200
        && listed.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == case.id.as_str());
    if in_list != row.list_and_read {
        failures.push(format!(
            "{}: expected {}, got {in_list}",
            cell("list"),
            row.list_and_read
        ));
    }

    // Read, and each classification's fields.
    let read = client.get(&url).send().await.unwrap();
    let status = read.status().as_u16();
    if (status == 200) != row.list_and_read {
        failures.push(format!(
            "{}: expected {}, got status {status}",
            cell("read"),
            row.list_and_read
        ));
    }
    let body: Value = if status == 200 {
        read.json().await.unwrap()
    } else {
        Value::Null
    };
    let text = body.to_string();
    for (classification, expected) in [
        (Classification::Standard, row.fields.0),
        (Classification::Restricted, row.fields.1),
        (Classification::Confidential, row.fields.2),
    ] {
        let planted: Vec<_> = case
            .canaries
            .iter()
            .filter(|c| c.classification == classification)
            .collect();
        if planted.is_empty() {
            continue;
        }
        let shown = planted.iter().filter(|c| text.contains(&c.text)).count();
        let expected_count = if expected { planted.len() } else { 0 };
        if shown != expected_count {
            failures.push(format!(
                "{}: {shown} of {} values shown",
                cell(&format!("read {}", classification.as_str())),
                planted.len()
            ));
        }
        if status == 200 && !expected {
            let restricted: Vec<&str> = body["restricted"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p.as_str())
                .collect();
            // A withheld value is marked by its own path, or by its whole group's.
            let marked = |path: &str| {
                restricted.contains(&path)
                    || restricted.contains(&path.split('[').next().unwrap_or(path))
            };
            if let Some(missing) = planted.iter().find(|c| !marked(&c.path)) {
                failures.push(format!(
                    "{}: {} withheld but not marked [Restricted]",
                    cell("placeholder"),
                    missing.path
                ));
            }
        }
    }

    // Update: one field of each classification, each on its own.
    let mut version = body["version"].as_i64().unwrap_or(1);
    for (classification, expected) in [
        (Classification::Standard, row.update && row.fields.0),
        (Classification::Restricted, row.update && row.fields.1),
        (Classification::Confidential, row.update && row.fields.2),
    ] {
        let Some(target) = case
            .canaries
            .iter()
            .find(|c| c.classification == classification && !c.path.contains('['))
        else {
            continue;
        };
        let response = client
            .patch(&url)
            .json(&json!({ "version": version, "fields": { target.path.clone(): "changed in the matrix test" } }))
            .send()
            .await
            .unwrap();
        let ok = response.status() == 200;
        if ok {
            version += 1;
        }
        if ok != expected {
            failures.push(format!(
                "{}: expected {expected}, got status {}",
                cell(&format!("write {}", classification.as_str())),
                response.status()
            ));
        }
    }

    // Share with worker4 (consent recorded first for survivors' cases).
    if row.share {
        consent_for(world, owner, &case, "worker4").await;
    }
    let response = client
        .post(world.app.at(&format!("/api/v1/cases/{}/shares", case.id)))
        .json(&json!({ "user_id": world.users["worker4"].id, "reason": "matrix", "confirm_password": crate::support::TestApp::password_of(row.actor) }))
        .send()
        .await
        .unwrap();
    if (response.status() == 201) != row.share {
        failures.push(format!(
            "{}: expected {}, got status {}",
            cell("share"),
            row.share,
            response.status()
        ));
    }

    // Reassign to worker2 (team A).
    let response = client
        .post(world.app.at(&format!("/api/v1/cases/{}/reassign", case.id)))
        .json(&json!({ "user_id": world.users["worker2"].id, "reason": "matrix" }))
        .send()
        .await
        .unwrap();
    if (response.status() == 200) != row.reassign {
        failures.push(format!(
            "{}: expected {}, got status {}",
            cell("reassign"),
            row.reassign,
            response.status()
        ));
    }
}
