//! Configuration versions over HTTP: only configurers reach them; a change is tried (dry run),
//! then committed as the next version, in force at once and in the history with its author
//! and changes; what existing cases may hold never disappears (retired instead); bad proposals
//! are refused whole with every problem named; an earlier version is restored as a new one;
//! a classification change hides a field at once and migrates its clear-text data.

use crate::world::{World, moved};
use caseward_domain::audit::AuditAction;
use caseward_store::testing::Backend;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    configurers_change_the_configuration_in_versions,
    bad_proposals_are_refused_whole_with_every_problem,
    what_cases_may_hold_is_retired_not_deleted,
    a_classification_change_hides_and_migrates_at_once,
    entity_changes_add_a_field_and_a_stage_that_cases_then_use,
    a_migration_walks_every_case_of_its_type_page_by_page,
);

const GBV: &str = "case_types/gbv.toml";

/// The newest version's number and files.
async fn newest(world: &World) -> (u32, Vec<Value>) {
    let (status, list) = world
        .call("manager1", Method::GET, "/api/v1/config/versions", None)
        .await;
    assert_eq!(status, 200, "{list}");
    let version = list[0]["version"].as_u64().unwrap() as u32;
    let (status, detail) = world
        .call(
            "manager1",
            Method::GET,
            &format!("/api/v1/config/versions/{version}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    (version, detail["files"].as_array().unwrap().clone())
}

/// The files with `from` replaced by `to` in `file` (which must hold it).
fn edited(files: &[Value], file: &str, from: &str, to: &str) -> Vec<Value> {
    files
        .iter()
        .map(|f| {
            if f["name"] == file {
                let text = f["text"].as_str().unwrap();
                assert!(text.contains(from), "{file} holds {from:?}");
                json!({ "name": file, "text": text.replacen(from, to, 1) })
            } else {
                f.clone()
            }
        })
        .collect()
}

async fn propose(world: &World, based_on: u32, files: Vec<Value>, dry_run: bool) -> (u16, Value) {
    let (status, body) = world
        .call(
            "manager1",
            Method::POST,
            "/api/v1/config/versions",
            Some(json!({ "based_on": based_on, "files": files, "dry_run": dry_run })),
        )
        .await;
    (status.as_u16(), body)
}

/// A realistic GBV case of worker1's (values planted by the world), then `fields` written over
/// it; its id.
async fn gbv_case(world: &mut World, fields: Value) -> String {
    let id = world.plant_case("worker1", "gbv").await.id;
    let path = format!("/api/v1/cases/{id}");
    let (_, read) = world.call("worker1", Method::GET, &path, None).await;
    let (status, body) = world
        .call(
            "worker1",
            Method::PATCH,
            &path,
            Some(json!({ "version": read["version"], "fields": fields })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

/// A new short text field after the survivor code, in the identification section.
const ANCHOR: &str = "[[section.field]]\nid = \"sex\"\n";
fn new_field(id: &str) -> String {
    format!(
        "[[section.field]]\nid = \"{id}\"\ntype = \"short_text\"\nlabel = {{ en = \"Referred by\", fr = \"Orienté par\", ar = \"أحاله\" }}\nclassification = \"standard\"\n\n{ANCHOR}"
    )
}

async fn configurers_change_the_configuration_in_versions(backend: Backend) {
    let mut world = World::new(backend).await;
    // Deny by default: a case worker and an administrator (who manages users, not the
    // workflow) are refused, and the refusal is recorded.
    for who in ["worker1", "admin1", "supervisor1"] {
        let (status, _) = world
            .call(who, Method::GET, "/api/v1/config/versions", None)
            .await;
        assert_eq!(status, 403, "{who}");
    }
    let (version, files) = newest(&world).await;
    assert_eq!(version, 1);
    let files = edited(&files, GBV, ANCHOR, &new_field("referred_by"));
    // A dry run lists the changes and stores nothing.
    let (status, dry) = propose(&world, 1, files.clone(), true).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["valid"], true);
    assert_eq!(
        dry["changes"],
        json!(["case type `gbv` › section `identification` › field `referred_by`: added"])
    );
    assert_eq!(newest(&world).await.0, 1);
    // Committed: version 2, in force at once.
    let (status, created) = propose(&world, 1, files.clone(), false).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["version"], 2);
    assert_eq!(created["source"], "edit");
    assert_eq!(created["author"]["username"], "manager1");
    let (_, config) = world
        .call("worker1", Method::GET, "/api/v1/config", None)
        .await;
    assert_eq!(config["version"], 2);
    let gbv = config["case_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "gbv")
        .unwrap();
    assert!(gbv.to_string().contains("\"referred_by\""));
    // A case written now records version 2 and takes the new field.
    let id = gbv_case(&mut world, json!({ "referred_by": "A health centre" })).await;
    let (_, read) = world
        .call("worker1", Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(read["config_version"], 2);
    assert_eq!(read["fields"]["referred_by"], "A health centre");
    // A proposal based on an older version is a conflict: someone changed it meanwhile.
    let (status, conflict) = propose(&world, 1, files.clone(), false).await;
    assert_eq!(status, 409, "{conflict}");
    // The same files again change nothing.
    let (status, same) = propose(&world, 2, files, false).await;
    assert_eq!(status, 400, "{same}");
    // The history, and the audit trail.
    let (_, list) = world
        .call("manager1", Method::GET, "/api/v1/config/versions", None)
        .await;
    let numbers: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, vec![2, 1]);
    assert_eq!(list[1]["source"], "initial");
    let audit = world.app.store.audit_entries(0, 1000).await.unwrap();
    let changes: Vec<_> = audit
        .iter()
        .filter(|e| e.event.action == AuditAction::ConfigurationChange)
        .collect();
    assert_eq!(
        changes
            .iter()
            .filter(|e| e.event.outcome == caseward_domain::audit::Outcome::Allowed)
            .count(),
        1
    );
    assert_eq!(
        changes
            .iter()
            .filter(|e| e.event.outcome != caseward_domain::audit::Outcome::Allowed)
            .count(),
        3,
        "the three refusals"
    );
}

/// A problem's failing fields as `field — message`.
fn problems(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!(
                        "{} — {}",
                        e["field"].as_str().unwrap(),
                        e["message"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn bad_proposals_are_refused_whole_with_every_problem(backend: Backend) {
    let world = World::new(backend).await;
    let (_, files) = newest(&world).await;
    let duplicate = edited(&files, GBV, ANCHOR, &new_field("survivor_code"));
    let wrong_guard = edited(
        &files,
        GBV,
        "[[transition]]\n",
        "[[transition]]\nrequire_value = { survivor_code = [\"yes\"] }\n",
    );
    let missing_list = edited(
        &files,
        "option_lists/gbv.toml",
        "id = \"marital_status\"",
        "id = \"marital_situation\"",
    );
    let malformed = edited(&files, GBV, "[case_type]", "[case_type");
    let mut bad_name = files.clone();
    bad_name.push(json!({ "name": "../escape.toml", "text": "" }));
    for (what, proposal, expected) in [
        ("a duplicate field id", duplicate, "case_types/gbv.toml:"),
        (
            "a guard on a field of another type",
            wrong_guard,
            "require_value",
        ),
        (
            "an option list in use removed",
            missing_list,
            "marital_status",
        ),
        ("a malformed file", malformed, "case_types/gbv.toml:"),
        ("a file outside the folder", bad_name, "files["),
    ] {
        for dry_run in [true, false] {
            let (status, body) = propose(&world, 1, proposal.clone(), dry_run).await;
            let found = problems(&body);
            if dry_run {
                assert_eq!(status, 200, "{what}: {body}");
                assert_eq!(body["valid"], false, "{what}");
            } else {
                assert_eq!(status, 422, "{what}: {body}");
            }
            assert!(
                found.iter().any(|p| p.contains(expected)),
                "{what}: {found:?}"
            );
        }
    }
    // Nothing was applied.
    assert_eq!(newest(&world).await.0, 1);
}

async fn what_cases_may_hold_is_retired_not_deleted(backend: Backend) {
    let mut world = World::new(backend).await;
    let (_, files) = newest(&world).await;
    let added = edited(&files, GBV, ANCHOR, &new_field("referred_by"));
    assert_eq!(propose(&world, 1, added.clone(), false).await.0, 201);
    // Restoring version 1 would delete the new field: allowed while no GBV case exists.
    let (status, dry) = world
        .call(
            "manager1",
            Method::POST,
            "/api/v1/config/versions/1/restore",
            Some(json!({ "based_on": 2, "dry_run": true })),
        )
        .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["valid"], true, "{dry}");
    // Once a case may hold it, the field can only be retired.
    let id = gbv_case(
        &mut world,
        json!({ "referred_by": "A clinic", "marital_status": "married" }),
    )
    .await;
    let (status, refused) = world
        .call(
            "manager1",
            Method::POST,
            "/api/v1/config/versions/1/restore",
            Some(json!({ "based_on": 2 })),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        problems(&refused)
            .iter()
            .any(|p| p
                .contains("field `referred_by` is deleted while 1 case of type `gbv` may hold it")),
        "{refused}"
    );
    let retired = edited(
        &added,
        GBV,
        "classification = \"standard\"\n\n[[section.field]]\nid = \"sex\"",
        "classification = \"standard\"\nretired = true\n\n[[section.field]]\nid = \"sex\"",
    );
    let retired = edited(
        &retired,
        "option_lists/gbv.toml",
        "id = \"married\"\nlabel = { en = \"Married\", fr = \"Marié(e)\", ar = \"متزوج/ة\" }\n",
        "id = \"married\"\nlabel = { en = \"Married\", fr = \"Marié(e)\", ar = \"متزوج/ة\" }\nretired = true\n",
    );
    let (status, body) = propose(&world, 2, retired, false).await;
    assert_eq!(status, 201, "{body}");
    // The values recorded stay readable; no new value goes into what is retired.
    let (_, read) = world
        .call("worker1", Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(read["fields"]["referred_by"], "A clinic");
    assert_eq!(read["fields"]["marital_status"], "married");
    let version = read["version"].clone();
    let (status, refused) = world
        .call(
            "worker1",
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            Some(json!({ "version": version, "fields": { "referred_by": "Another" } })),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "retired_field");
    let (status, other) = world
        .call(
            "worker1",
            Method::POST,
            "/api/v1/cases",
            Some(json!({ "case_type": "gbv", "fields": { "marital_status": "married" } })),
        )
        .await;
    assert_eq!(status, 422, "{other}");
    assert_eq!(other["errors"][0]["code"], "retired_option");
    // Other changes to the case keep the retired values it holds.
    let (status, kept) = world
        .call(
            "worker1",
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            Some(json!({ "version": version, "fields": { "displacement_status": "idp" } })),
        )
        .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["fields"]["referred_by"], "A clinic");
}

async fn a_classification_change_hides_and_migrates_at_once(backend: Backend) {
    let mut world = World::new(backend).await;
    let id = gbv_case(&mut world, json!({ "initial_risk_level": "high" })).await;
    let path = format!("/api/v1/cases/{id}");
    let (_, seen) = world.call("supervisor1", Method::GET, &path, None).await;
    assert_eq!(seen["fields"]["initial_risk_level"], "high");
    let counts = |world: &World| {
        let store = world.app.store.clone();
        async move {
            store
                .dimension_counts("gbv", "initial_risk_level")
                .await
                .unwrap()
        }
    };
    assert_eq!(
        counts(&world).await.len(),
        1,
        "a report dimension, in clear"
    );
    let (_, files) = newest(&world).await;
    let confidential = edited(
        &files,
        GBV,
        "option_list = \"risk_level\"\nclassification = \"standard\"\nreport_dimension = true\n",
        "option_list = \"risk_level\"\nclassification = \"confidential\"\n",
    );
    let (status, dry) = propose(&world, 1, confidential.clone(), true).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["migrations"], json!(["gbv"]), "{dry}");
    let (status, body) = propose(&world, 1, confidential, false).await;
    assert_eq!(status, 201, "{body}");
    // At once: the supervisor no longer sees it; the assigned worker still does.
    let (_, seen) = world.call("supervisor1", Method::GET, &path, None).await;
    assert!(seen["fields"].get("initial_risk_level").is_none(), "{seen}");
    assert!(
        seen["restricted"]
            .as_array()
            .unwrap()
            .contains(&json!("initial_risk_level")),
        "{seen}"
    );
    let (_, own) = world.call("worker1", Method::GET, &path, None).await;
    assert_eq!(own["fields"]["initial_risk_level"], "high");
    // The migration (a background job) takes its clear value away, and is recorded.
    assert_eq!(counts(&world).await.len(), 1, "not yet migrated");
    let done = caseward_server::jobs::run_due(&world.app.state.current(), None)
        .await
        .unwrap();
    assert!(done >= 1);
    assert!(counts(&world).await.is_empty(), "no clear value is left");
    let audit = world.app.store.audit_entries(0, 1000).await.unwrap();
    let migrated = audit
        .iter()
        .find(|e| e.event.action == AuditAction::ConfigurationMigrate)
        .expect("the migration is in the audit trail");
    assert_eq!(migrated.event.fields, vec![id.clone()]);
}

async fn change(world: &World, based_on: u32, changes: Value, dry_run: bool) -> (u16, Value) {
    let (status, body) = world
        .call(
            "manager1",
            Method::POST,
            "/api/v1/config/changes",
            Some(json!({ "based_on": based_on, "changes": changes, "dry_run": dry_run })),
        )
        .await;
    (status.as_u16(), body)
}

async fn entity_changes_add_a_field_and_a_stage_that_cases_then_use(backend: Backend) {
    let mut world = World::new(backend).await;
    let (status, entities) = world
        .call("manager1", Method::GET, "/api/v1/config/entities", None)
        .await;
    assert_eq!(status, 200, "{entities}");
    assert_eq!(entities["version"], 1);
    let (status, _) = world
        .call("worker1", Method::GET, "/api/v1/config/entities", None)
        .await;
    assert_eq!(status, 403);
    let mut gbv = entities["case_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["case_type"]["id"] == "gbv")
        .unwrap()["case_type"]
        .clone();
    let stages = gbv["stages"].as_array_mut().unwrap();
    let at = stages.iter().position(|s| s == "assessment").unwrap();
    stages.insert(at + 1, json!("safety_planning"));
    let label =
        |en: &str| json!({ "en": en, "fr": format!("{en} (fr)"), "ar": format!("{en} (ar)") });
    let changes = json!([
        { "op": "put", "after": "assessment", "entity": { "kind": "stage", "id": "safety_planning" },
          "value": { "id": "safety_planning", "label": label("Safety planning"), "follow_up": true } },
        { "op": "put", "entity": { "kind": "case_type", "id": "gbv" }, "value": gbv },
        { "op": "put", "after": "survivor_code",
          "entity": { "kind": "field", "case_type": "gbv", "section": "identification", "id": "referred_by" },
          "value": { "id": "referred_by", "type": "short_text", "label": label("Referred by"), "classification": "standard" } },
        { "op": "put", "entity": { "kind": "transition", "case_type": "gbv", "from": ["assessment"], "to": "safety_planning" },
          "value": { "from": ["assessment"], "to": "safety_planning", "label": label("Plan for safety") } },
        { "op": "put", "entity": { "kind": "transition", "case_type": "gbv", "from": ["safety_planning"], "to": "care_plan" },
          "value": { "from": ["safety_planning"], "to": "care_plan", "label": label("Develop a care plan") } },
    ]);
    let (status, dry) = change(&world, 1, changes.clone(), true).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["valid"], true, "{dry}");
    let listed = dry["changes"].to_string();
    for expected in [
        "stage `safety_planning`: added",
        "case type `gbv` › section `identification` › field `referred_by`: added",
        "case type `gbv` › transition `safety_planning → care_plan`: added",
    ] {
        assert!(listed.contains(expected), "{expected}: {listed}");
    }
    let (status, created) = change(&world, 1, changes, false).await;
    assert_eq!(status, 201, "{created}");
    // The stored files kept their comments: the change edited them in place.
    let (_, files) = newest(&world).await;
    let gbv_file = files.iter().find(|f| f["name"] == GBV).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        gbv_file.starts_with("# Gender-based violence case management"),
        "{gbv_file}"
    );
    // worker1 fills the new field, and the case goes through the new stage.
    let id = gbv_case(&mut world, json!({ "referred_by": "A women's centre" })).await;
    moved(&world, &id, "assessment", json!({})).await;
    moved(&world, &id, "safety_planning", json!({})).await;
    moved(&world, &id, "care_plan", json!({})).await;
    let (_, read) = world
        .call("worker1", Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(read["fields"]["referred_by"], "A women's centre");
    assert_eq!(read["stage"], "care_plan");
    // Bad changes: named by index or by what they break, nothing applied.
    for (bad, expected) in [
        (
            json!([{ "op": "remove", "entity": { "kind": "field", "case_type": "gbv", "section": "identification", "id": "nothing" } }]),
            "changes[0]",
        ),
        (
            json!([{ "op": "put", "entity": { "kind": "field", "case_type": "gbv", "section": "identification", "id": "safe_to_call" },
                     "value": { "id": "safe_to_call", "type": "yes_no", "label": label("Safe to call"), "classification": "standard",
                                "show_when": { "field": "no_such_field", "values": ["yes"] } } }]),
            "skip logic points at a missing field",
        ),
        (
            json!([{ "op": "remove", "entity": { "kind": "option_list", "id": "marital_status" } }]),
            "unknown option list",
        ),
    ] {
        let (status, body) = change(&world, 2, bad, false).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            problems(&body).iter().any(|p| p.contains(expected)),
            "{expected}: {body}"
        );
    }
    assert_eq!(newest(&world).await.0, 2);
}

async fn a_migration_walks_every_case_of_its_type_page_by_page(backend: Backend) {
    use caseward_domain::case::{CaseFields, FieldValue};
    use caseward_domain::dimensions::DimensionValue;
    let world = World::new(backend).await;
    let worker = &world.users["worker1"];
    let now = caseward_domain::clock::Clock::now(world.app.clock.as_ref());
    // More than one page (200) of GBV cases, each with the dimension in clear.
    let cases: Vec<caseward_store::ImportedCase> = (0..230)
        .map(|_| caseward_store::NewCase {
            id: caseward_domain::case::new_record_id(),
            case_type: "gbv".into(),
            case_type_code: "GBV".into(),
            stage: "identification".into(),
            intensity: caseward_domain::config::Intensity::High,
            assigned_to: worker.id,
            created_by: worker.id,
            config_version: 1,
            fields: CaseFields::from([(
                "initial_risk_level".into(),
                FieldValue::Choice("high".into()),
            )]),
            caseload_override_reason: None,
            search_tokens: Vec::new(),
            dimensions: vec![DimensionValue {
                field: "initial_risk_level".into(),
                value: "high".into(),
            }],
            audit: Vec::new(),
            now,
        })
        .map(caseward_store::ImportedCase::new)
        .collect();
    assert_eq!(world.app.store.import_cases(cases).await.unwrap(), 230);
    let count = || async {
        world
            .app
            .store
            .dimension_counts("gbv", "initial_risk_level")
            .await
            .unwrap()
            .iter()
            .map(|c| c.cases)
            .sum::<i64>()
    };
    assert_eq!(count().await, 230);
    let (_, files) = newest(&world).await;
    let confidential = edited(
        &files,
        GBV,
        "option_list = \"risk_level\"\nclassification = \"standard\"\nreport_dimension = true\n",
        "option_list = \"risk_level\"\nclassification = \"confidential\"\n",
    );
    assert_eq!(propose(&world, 1, confidential, false).await.0, 201);
    caseward_server::jobs::run_due(&world.app.state.current(), None)
        .await
        .unwrap();
    assert_eq!(count().await, 0, "every page migrated");
    let pages = world
        .app
        .store
        .audit_entries(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.action == AuditAction::ConfigurationMigrate)
        .map(|e| e.event.fields.len())
        .collect::<Vec<_>>();
    assert_eq!(pages, vec![200, 30]);
}
