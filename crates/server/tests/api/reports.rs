//! Anonymised aggregate reports over HTTP: who may read them, counts that follow the cases
//! (created, moved) as read back from the cases themselves, small cells suppressed, every
//! bad parameter named, and every read in the trail.

use crate::world::{World, fields_of, moved};
use caseward_domain::reports::suppress;
use caseward_store::testing::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

on_both_backends!(
    reports_count_the_cases_and_hide_small_cells,
    bad_report_requests_are_named
);

async fn report(world: &World, who: &str, query: &str) -> Value {
    let (status, body) = world
        .call(
            who,
            Method::GET,
            &format!("/api/v1/reports/cases?{query}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn cell(report: &Value, row: &str, column: usize) -> Value {
    let i = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r == row)
        .unwrap_or_else(|| panic!("no row {row} in {report}"));
    report["cells"][i][column].clone()
}

async fn reports_count_the_cases_and_hide_small_cells(backend: Backend) {
    let mut world = World::new(backend).await;
    for who in ["worker1", "supervisor1", "admin1", "auditor1"] {
        let (status, body) = world
            .call(who, Method::GET, "/api/v1/reports/cases?rows=stage", None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let empty = report(&world, "manager1", "rows=stage").await;
    assert_eq!(empty["total"], 0);
    assert_eq!(
        cell(&empty, "identification", 0),
        0,
        "an empty stage is a zero"
    );
    assert_eq!(empty["minimum_cell_count"], 5);

    let mut cases = Vec::new();
    for _ in 0..7 {
        cases.push(world.plant_case("worker1", "child_protection").await.id);
    }
    for _ in 0..5 {
        world.plant_case("worker3", "gbv").await;
    }
    let by_type = report(&world, "officer1", "rows=case_type").await;
    assert_eq!(cell(&by_type, "child_protection", 0), 7);
    assert_eq!(cell(&by_type, "gbv", 0), 5);
    assert_eq!(cell(&by_type, "general_protection", 0), 0);
    assert_eq!(by_type["total"], 12);

    // Two cases move on: 5 in identification, 2 in assessment, which is hidden with the
    // smallest other count of its column (the five).
    for case in &cases[..2] {
        moved(&world, case, "assessment", json!({})).await;
    }
    let by_stage = report(&world, "manager1", "rows=stage&case_type=child_protection").await;
    assert_eq!(by_stage["case_types"], json!(["child_protection"]));
    assert_eq!(cell(&by_stage, "assessment", 0), Value::Null);
    assert_eq!(cell(&by_stage, "identification", 0), Value::Null);
    assert_eq!(by_stage["total"], 7);
    let both = report(
        &world,
        "manager1",
        "rows=stage&columns=case_type&status=all",
    )
    .await;
    assert_eq!(
        both["columns"],
        json!(["child_protection", "gbv", "general_protection"])
    );
    assert!(both["rows"].as_array().unwrap().contains(&json!("closed")));

    // By sex, against the cases themselves as their worker reads them.
    let mut sexes: BTreeMap<Option<String>, u64> = BTreeMap::new();
    for case in &cases {
        let (_, read) = world
            .call(
                "worker1",
                Method::GET,
                &format!("/api/v1/cases/{case}"),
                None,
            )
            .await;
        let sex = read["fields"]["sex"].as_str().map(str::to_owned);
        *sexes.entry(sex).or_default() += 1;
    }
    let by_sex = report(&world, "manager1", "rows=sex&case_type=child_protection").await;
    let rows: Vec<Option<String>> = serde_json::from_value(by_sex["rows"].clone()).unwrap();
    let expected: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| vec![sexes.get(r).copied().unwrap_or(0)])
        .collect();
    assert_eq!(expected.iter().flatten().sum::<u64>(), 7);
    let table = suppress(&expected, 5);
    assert_eq!(
        by_sex["cells"],
        json!(table.cells),
        "rows {rows:?}, counts {expected:?}"
    );
    assert_eq!(by_sex["total"], json!(table.total));

    // Months opened: the planted cases are all of the clock's month.
    let months = report(&world, "manager1", "rows=opened_month&columns=case_type").await;
    assert_eq!(months["rows"].as_array().unwrap().len(), 1);
    assert_eq!(months["column_totals"], json!([7, 5, 0]));
    let later = report(&world, "manager1", "rows=case_type&opened_from=2099-01").await;
    assert_eq!(later["total"], 0);

    // Each read is in the trail, with its axes and filters.
    let entries = report_reads(&world, "").await;
    assert_eq!(entries.len(), 7 + 4, "seven reports read, four refused");
    assert!(
        entries
            .iter()
            .any(|e| e["fields"] == json!(["rows=sex", "case_type=child_protection"])),
        "{entries:?}"
    );
    assert_eq!(report_reads(&world, "&outcome=denied").await.len(), 4);
}

/// The trail's `report.read` entries (`filter`: more of the audit search's parameters).
async fn report_reads(world: &World, filter: &str) -> Vec<Value> {
    let (status, trail) = world
        .call(
            "auditor1",
            Method::GET,
            &format!("/api/v1/audit?action=report.read{filter}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    trail["entries"].as_array().unwrap().clone()
}

async fn bad_report_requests_are_named(backend: Backend) {
    let world = World::new(backend).await;
    for (query, fields) in [
        ("", vec!["rows"]),
        ("rows=full_name", vec!["rows"]),
        ("rows=sex&columns=age_group", vec!["columns"]),
        ("rows=stage&columns=stage", vec!["columns"]),
        ("rows=stage&case_type=refugee", vec!["case_type"]),
        (
            "rows=incident_type&case_type=child_protection",
            vec!["case_type"],
        ),
        ("rows=stage&status=pending", vec!["status"]),
        ("rows=stage&opened_from=2026-13", vec!["opened_from"]),
        (
            "rows=stage&opened_from=2026-05&opened_to=2026-04",
            vec!["opened_to"],
        ),
        (
            "rows=nothing&columns=nothing&status=x",
            vec!["rows", "columns", "status"],
        ),
    ] {
        let (status, problem) = world
            .call(
                "manager1",
                Method::GET,
                &format!("/api/v1/reports/cases?{query}"),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {problem}"
        );
        assert_eq!(fields_of(&problem), fields, "{query}: {problem}");
    }
    let (status, _) = world
        .call(
            "manager1",
            Method::GET,
            "/api/v1/reports/cases?rows=stage&colums=sex",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an unknown parameter");
    assert!(
        report_reads(&world, "").await.is_empty(),
        "a request refused for its parameters reads nothing"
    );
}
