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
