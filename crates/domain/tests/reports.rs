//! Aggregate reports over the shipped configuration: axes, scope, "not recorded", ordering
//! and suppression, from hand-made tallies.

use caseward_domain::reports::{
    Axis, CASES, Report, ReportError, ReportRequest, Status, Tally, build, fields_needed, is_month,
    needs_months,
};

mod common;

use common::default_config;

fn tally(case_type: &str, stage: &str, month: &str, field: &str, value: &str, cases: i64) -> Tally {
    Tally {
        case_type: case_type.into(),
        stage: stage.into(),
        opened_month: month.into(),
        field: field.into(),
        value: value.into(),
        cases,
    }
}

fn request(rows: Axis, columns: Option<Axis>) -> ReportRequest {
    ReportRequest {
        rows,
        columns,
        case_types: Vec::new(),
        status: Status::All,
        opened_from: None,
        opened_to: None,
    }
}

/// 40 child protection cases in assessment opened in March (25 girls, 12 boys, 3 with no sex
/// recorded), 8 in implementation in April (all girls), 3 closed GBV cases in April (women).
fn tallies() -> Vec<Tally> {
    vec![
        tally("child_protection", "assessment", "2026-03", CASES, "", 40),
        tally(
            "child_protection",
            "assessment",
            "2026-03",
            "sex",
            "female",
            25,
        ),
        tally(
            "child_protection",
            "assessment",
            "2026-03",
            "sex",
            "male",
            12,
        ),
        tally(
            "child_protection",
            "assessment",
            "2026-03",
            "estimated_age",
            "12-17",
            30,
        ),
        tally(
            "child_protection",
            "assessment",
            "2026-03",
            "estimated_age",
            "6-11",
            10,
        ),
        tally(
            "child_protection",
            "implementation",
            "2026-04",
            CASES,
            "",
            8,
        ),
        tally(
            "child_protection",
            "implementation",
            "2026-04",
            "sex",
            "female",
            8,
        ),
        tally(
            "child_protection",
            "implementation",
            "2026-04",
            "estimated_age",
            "12-17",
            8,
        ),
        tally("gbv", "closed", "2026-04", CASES, "", 3),
        tally("gbv", "closed", "2026-04", "sex", "female", 3),
        tally("gbv", "closed", "2026-04", "age", "18-59", 3),
        // A tally brought to zero by edits is kept by the store and counts nothing.
        tally("gbv", "closed", "2026-04", "sex", "male", 0),
    ]
}

fn row<'a>(report: &'a Report, key: Option<&str>) -> &'a [Option<u64>] {
    let i = report
        .rows
        .iter()
        .position(|k| k.as_deref() == key)
        .unwrap_or_else(|| panic!("no row {key:?} in {:?}", report.rows));
    &report.table.cells[i]
}

#[test]
fn cases_by_sex_count_the_cases_with_no_value_and_hide_the_small_cells() {
    let config = default_config();
    let report = build(
        &config,
        &request(Axis::Field("sex".into()), None),
        &tallies(),
        5,
    )
    .unwrap();
    let rows: Vec<_> = report.rows.iter().map(|k| k.as_deref()).collect();
    assert_eq!(rows, [Some("female"), Some("male"), Some("other"), None]);
    assert_eq!(row(&report, Some("female")), [Some(36)]);
    assert_eq!(row(&report, Some("other")), [Some(0)]);
    // 3 without a sex: hidden, and the next smallest (12 boys) with it, so that the total
    // can stay; each row's total is its one cell, hidden alike.
    assert_eq!(row(&report, None), [None]);
    assert_eq!(row(&report, Some("male")), [None]);
    assert_eq!(report.table.row_totals[1], None);
    assert_eq!(report.table.row_totals[3], None);
    assert_eq!(report.table.total, Some(51));
    assert!(!report.multiple);
    assert_eq!(report.case_types.len(), 3);
}

/// Tallies with their months added together (as the store gives them to a report that needs no
/// month) make the same report.
#[test]
fn months_added_together_make_the_same_report() {
    let config = default_config();
    let mut summed: Vec<Tally> = Vec::new();
    for t in tallies() {
        let key = (&t.case_type, &t.stage, &t.field, &t.value);
        match summed
            .iter_mut()
            .find(|s| (&s.case_type, &s.stage, &s.field, &s.value) == key)
        {
            Some(s) => s.cases += t.cases,
            None => summed.push(Tally {
                opened_month: String::new(),
                ..t
            }),
        }
    }
    for request in [
        request(Axis::Field("sex".into()), Some(Axis::Stage)),
        request(Axis::AgeGroup, Some(Axis::CaseType)),
        request(Axis::Stage, None),
    ] {
        assert!(!needs_months(&request));
        assert_eq!(
            build(&config, &request, &summed, 5),
            build(&config, &request, &tallies(), 5)
        );
    }
    assert!(needs_months(&request(Axis::OpenedMonth, None)));
    let mut from = request(Axis::Stage, None);
    from.opened_from = Some("2026-04".into());
    assert!(needs_months(&from));
}

#[test]
fn the_age_group_axis_reads_each_case_types_own_age_field() {
    let config = default_config();
    let request = request(Axis::AgeGroup, Some(Axis::CaseType));
    let fields = fields_needed(&config, &request);
    assert!(fields.contains(&"age".to_owned()));
    assert!(fields.contains(&"estimated_age".to_owned()));
    let report = build(&config, &request, &tallies(), 1).unwrap();
    let rows: Vec<_> = report.rows.iter().map(|k| k.as_deref()).collect();
    assert_eq!(
        rows,
        [
            Some("0-5"),
            Some("6-11"),
            Some("12-17"),
            Some("18-59"),
            Some("60+")
        ]
    );
    let columns: Vec<_> = report
        .columns
        .iter()
        .map(|k| k.as_deref().unwrap())
        .collect();
    let cp = columns
        .iter()
        .position(|c| *c == "child_protection")
        .unwrap();
    let gbv = columns.iter().position(|c| *c == "gbv").unwrap();
    assert_eq!(row(&report, Some("12-17"))[cp], Some(38));
    assert_eq!(row(&report, Some("18-59"))[gbv], Some(3));
    assert_eq!(report.table.total, Some(51));
}

#[test]
fn open_cases_by_stage_and_month_leave_out_the_terminal_stages() {
    let config = default_config();
    let mut request = request(Axis::Stage, Some(Axis::OpenedMonth));
    request.status = Status::Open;
    let report = build(&config, &request, &tallies(), 5).unwrap();
    assert!(!report.rows.contains(&Some("closed".into())));
    assert!(
        report.rows.contains(&Some("paused".into())),
        "GBV's own stage is a row"
    );
    let columns: Vec<_> = report
        .columns
        .iter()
        .map(|k| k.as_deref().unwrap())
        .collect();
    assert_eq!(columns, ["2026-03", "2026-04"]);
    assert_eq!(row(&report, Some("assessment")), [Some(40), Some(0)]);
    assert_eq!(row(&report, Some("implementation")), [Some(0), Some(8)]);
    assert_eq!(report.table.total, Some(48));

    request.status = Status::Closed;
    request.opened_from = Some("2026-04".into());
    let closed = build(&config, &request, &tallies(), 5).unwrap();
    // Three closed cases: below the minimum, with the total that would give them away.
    assert_eq!(row(&closed, Some("closed")), [None]);
    assert_eq!(closed.table.total, None);
}

#[test]
fn a_case_type_filter_and_a_field_only_some_types_have() {
    let config = default_config();
    let mut request = request(Axis::Field("incident_type".into()), None);
    let report = build(&config, &request, &tallies(), 5).unwrap();
    assert_eq!(report.case_types, ["gbv"]);
    request.case_types = vec!["child_protection".into()];
    assert_eq!(
        build(&config, &request, &tallies(), 5),
        Err(ReportError::NoCaseType("incident_type".into()))
    );
}

#[test]
fn months_between_are_shown_and_multiple_choices_count_mentions() {
    let config = default_config();
    let mut tallies = tallies();
    tallies.push(tally(
        "child_protection",
        "assessment",
        "2026-06",
        CASES,
        "",
        7,
    ));
    tallies.push(tally(
        "child_protection",
        "assessment",
        "2026-06",
        "presenting_concerns",
        "neglect",
        7,
    ));
    let months = build(&config, &request(Axis::OpenedMonth, None), &tallies, 5).unwrap();
    let rows: Vec<_> = months.rows.iter().map(|k| k.as_deref().unwrap()).collect();
    assert_eq!(rows, ["2026-03", "2026-04", "2026-05", "2026-06"]);
    assert_eq!(row(&months, Some("2026-05")), [Some(0)]);
    let concerns = build(
        &config,
        &request(Axis::Field("presenting_concerns".into()), None),
        &tallies,
        5,
    )
    .unwrap();
    assert!(concerns.multiple);
    assert!(
        !concerns.rows.contains(&None),
        "no 'not recorded' row for a multiple choice"
    );
}

#[test]
fn requests_that_cannot_be_answered_are_refused() {
    let config = default_config();
    assert_eq!(
        build(&config, &request(Axis::Stage, Some(Axis::Stage)), &[], 5),
        Err(ReportError::SameAxis)
    );
    assert_eq!(
        build(
            &config,
            &request(Axis::AgeGroup, Some(Axis::Field("sex".into()))),
            &[],
            5
        ),
        Err(ReportError::TwoFields)
    );
    assert_eq!(
        Axis::parse("full_name", &config),
        None,
        "not a report dimension"
    );
    assert_eq!(Axis::parse("incident_narrative", &config), None);
    assert_eq!(Axis::parse("sex", &config), Some(Axis::Field("sex".into())));
    assert!(is_month("2026-11"));
    for bad in ["2026-13", "2026-1", "26-11-01", "2026/11", "２０２６-11"] {
        assert!(!is_month(bad), "{bad}");
    }
}
