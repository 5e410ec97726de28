//! XLSForm import over HTTP: a multi-language workbook built from the XLSForm specification
//! becomes a new case type's form (what does not map reported by sheet and row), cases are
//! then written with it (its skip logic enforced); broken workbooks and imports that would
//! delete what cases hold are refused whole, and only configurers may import.

use crate::world::World;
use caseward_store::testing::Backend;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    a_workbook_becomes_a_case_type_form,
    bad_workbooks_change_nothing
);

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn household(name_column: &str) -> Vec<u8> {
    let survey = rows(&[
        &[
            "type",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "label::العربية (ar)",
            "required",
            "relevant",
            "constraint",
        ],
        &[
            "note",
            "intro",
            "Read the consent script",
            "Lire le script",
            "اقرأ النص",
            "",
            "",
            "",
        ],
        &[
            "begin group",
            "child",
            "The child",
            "L'enfant",
            "الطفل",
            "",
            "",
            "",
        ],
        &[
            "text",
            name_column,
            "Name",
            "Nom",
            "الاسم",
            "yes",
            "",
            "string-length(.) <= 40",
        ],
        &[
            "integer",
            "age",
            "Age",
            "Âge",
            "العمر",
            "yes",
            "",
            ". >= 0 and . <= 17",
        ],
        &[
            "select_one yes_no",
            "in_school",
            "In school",
            "Scolarisé",
            "في المدرسة",
            "",
            "",
            "",
        ],
        &[
            "text",
            "school",
            "School",
            "École",
            "المدرسة",
            "",
            "${in_school} = 'yes'",
            "",
        ],
        &[
            "geopoint",
            "where",
            "Location",
            "Lieu",
            "المكان",
            "",
            "",
            "",
        ],
        &["end group", "", "", "", "", "", "", ""],
    ]);
    let choices = rows(&[
        &[
            "list_name",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "label::العربية (ar)",
        ],
        &["yes_no", "yes", "Yes", "Oui", "نعم"],
        &["yes_no", "no", "No", "Non", "لا"],
    ]);
    let settings = rows(&[
        &[
            "form_title::English (en)",
            "form_title::Français (fr)",
            "form_title::العربية (ar)",
        ],
        &["Household visit", "Visite à domicile", "زيارة منزلية"],
    ]);
    caseward_server::xlsx_writer::workbook(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ])
}

async fn import(world: &World, who: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    let response = world
        .client(who)
        .post(world.app.at(&format!("/api/v1/config/xlsform?{query}")))
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

const NEW: &str = "case_type=household_visit&classification=restricted&code=HV&based_on=1";
const ACCEPTING: &str =
    "case_type=household_visit&classification=restricted&code=HV&based_on=1&accept_left_out=true";

async fn a_workbook_becomes_a_case_type_form(backend: Backend) {
    let world = World::new(backend).await;
    let (status, _) = import(&world, "worker1", NEW, household("child_name")).await;
    assert_eq!(status, 403);
    let (status, dry) = import(
        &world,
        "manager1",
        &format!("{NEW}&dry_run=true"),
        household("child_name"),
    )
    .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["valid"], true, "{dry}");
    assert!(
        dry["changes"]
            .to_string()
            .contains("case type `household_visit`: added"),
        "{dry}"
    );
    let skipped = dry["skipped"].to_string();
    assert!(
        skipped.contains("survey row 2, column type: \\\"note\\\" has no Caseward field type"),
        "{skipped}"
    );
    assert!(
        skipped.contains("survey row 8, column type: \\\"geopoint\\\""),
        "{skipped}"
    );
    // What does not map refuses the import, unless the manager accepts leaving it out.
    let (status, refused) = import(&world, "manager1", NEW, household("child_name")).await;
    assert_eq!(status, 422, "{refused}");
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["survey row 2, column type", "survey row 8, column type"],
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["code"], "not_mapped");
    let (status, made) = import(
        &world,
        "manager1",
        &format!("{NEW}&accept_left_out=true"),
        household("child_name"),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["version"]["version"], 2);
    let (_, config) = world
        .call("worker1", Method::GET, "/api/v1/config", None)
        .await;
    let visit = config["case_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "household_visit")
        .expect("the new case type")
        .clone();
    assert_eq!(visit["name"]["ar"], "زيارة منزلية");
    assert_eq!(
        visit["sections"][0]["fields"][0]["classification"],
        "restricted"
    );
    // Cases of the new type follow the workbook's rules, skip logic included.
    let create = |fields: Value| {
        world.call(
            "worker1",
            Method::POST,
            "/api/v1/cases",
            Some(json!({ "case_type": "household_visit", "fields": fields })),
        )
    };
    let (status, refused) = create(
        json!({ "child_name": "Amina", "age": 19, "in_school": "no", "school": "Hill school" }),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let codes: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["too_large", "not_asked"], "{refused}");
    let (status, case) = create(
        json!({ "child_name": "Amina", "age": 9, "in_school": "yes", "school": "Hill school" }),
    )
    .await;
    assert_eq!(status, 201, "{case}");
    assert!(
        case["case_number"].as_str().unwrap().starts_with("HV-"),
        "{case}"
    );
    // Importing again now would delete what that case holds: refused, with the reason.
    let (status, refused) = import(
        &world,
        "manager1",
        "case_type=household_visit&classification=restricted&based_on=2&accept_left_out=true",
        household("given_name"),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused
            .to_string()
            .contains("field `child_name` is deleted while 1 case"),
        "{refused}"
    );
}

async fn bad_workbooks_change_nothing(backend: Backend) {
    let world = World::new(backend).await;
    for (query, body, expected) in [
        (
            ACCEPTING.to_string(),
            b"not a workbook".to_vec(),
            "workbook",
        ),
        (
            ACCEPTING.to_string(),
            household("Child-Name"),
            "survey row 4, column name",
        ),
        (
            ACCEPTING.replace("restricted", "secret"),
            household("child_name"),
            "classification",
        ),
        (
            ACCEPTING.replace("&code=HV", ""),
            household("child_name"),
            "code",
        ),
        (
            ACCEPTING.replace("based_on=1", "based_on=7"),
            household("child_name"),
            "",
        ),
    ] {
        let (status, body) = import(&world, "manager1", &query, body).await;
        if expected.is_empty() {
            assert_eq!(status, 409, "{body}");
            continue;
        }
        assert_eq!(status, 422, "{query}: {body}");
        assert!(
            body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"].as_str().unwrap().starts_with(expected)),
            "{expected}: {body}"
        );
    }
    let (_, versions) = world
        .call("manager1", Method::GET, "/api/v1/config/versions", None)
        .await;
    assert_eq!(versions.as_array().unwrap().len(), 1, "nothing was applied");
}
