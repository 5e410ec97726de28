//! The shipped configuration in `config/` loads without a single error, and holds the three
//! case types a protection programme expects.

use caseward_domain::config::{Classification, FieldKind};

mod common;

use common::default_config;

#[test]
fn default_configuration_loads() {
    let config = default_config();
    let codes: Vec<_> = config.case_types.iter().map(|t| t.code.as_str()).collect();
    for code in ["CP", "GBV", "GP"] {
        assert!(
            codes.contains(&code),
            "case type {code} missing from {codes:?}"
        );
    }
    for language in ["en", "fr", "ar"] {
        assert!(config.languages.available.iter().any(|l| l == language));
    }
    assert!(config.languages.right_to_left.iter().any(|l| l == "ar"));
}

#[test]
fn the_shipped_calendar_and_identification_limit_are_loaded() {
    let config = default_config();
    let christmas = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    assert!(!config.calendar.is_working_day(christmas));
    assert_eq!(config.calendar.holidays().count(), 2);
    let identification = config.deadline_rules.stage_limits["identification"];
    assert_eq!(identification.emergency_hours, Some(48));
    assert_eq!(identification.working_days, Some(5));
    assert_eq!(
        config.deadline_rules.stage_limits["assessment"].working_days,
        Some(5)
    );
    assert_eq!(config.deadline_rules.follow_up_days, 14);
}

#[test]
fn every_label_is_translated() {
    let config = default_config();
    for case_type in &config.case_types {
        for (_, field) in case_type.form.fields() {
            for language in &config.languages.available {
                assert!(
                    field.label.contains(language),
                    "{}.{} has no {language} label",
                    case_type.id,
                    field.id
                );
            }
        }
    }
}

#[test]
fn gbv_perpetrator_details_are_confidential_and_safety_plan_restricted() {
    let config = default_config();
    let gbv = config.case_types.iter().find(|t| t.code == "GBV").unwrap();
    let perpetrator: Vec<_> = gbv
        .form
        .sections
        .iter()
        .filter(|s| s.id.contains("perpetrator"))
        .flat_map(|s| &s.fields)
        .collect();
    assert!(!perpetrator.is_empty(), "GBV has a perpetrator section");
    assert!(
        perpetrator
            .iter()
            .all(|f| f.classification == Classification::Confidential)
    );
    let safety_plan: Vec<_> = gbv
        .form
        .sections
        .iter()
        .filter(|s| s.id.contains("safety_plan"))
        .flat_map(|s| &s.fields)
        .collect();
    assert!(!safety_plan.is_empty(), "GBV has a safety plan section");
    assert!(
        safety_plan
            .iter()
            .all(|f| f.classification >= Classification::Restricted)
    );
}

#[test]
fn every_field_type_is_used() {
    let config = default_config();
    let mut used = std::collections::BTreeSet::new();
    for case_type in &config.case_types {
        for (_, field) in case_type.form.fields() {
            used.insert(field.kind.type_name());
            if let FieldKind::RepeatingGroup { fields, .. } = &field.kind {
                used.extend(fields.iter().map(|f| f.kind.type_name()));
            }
        }
    }
    for kind in [
        "short_text",
        "long_text",
        "number",
        "date",
        "date_time",
        "yes_no",
        "single_select",
        "multi_select",
        "location",
        "repeating_group",
    ] {
        assert!(
            used.contains(kind),
            "no field of type {kind} in the default configuration"
        );
    }
}

#[test]
fn every_text_is_translated_everywhere() {
    let config = default_config();
    let mut missing = Vec::new();
    let mut check = |what: String, text: &caseward_domain::i18n::Translations| {
        for language in &config.languages.available {
            if !text.is_empty() && !text.contains(language) {
                missing.push(format!("{what} ({language})"));
            }
        }
    };
    for stage in &config.stages {
        check(format!("stage {}", stage.id), &stage.label);
    }
    for list in config.option_lists.values() {
        for option in &list.options {
            check(format!("option {}.{}", list.id, option.id), &option.label);
        }
    }
    for location in &config.locations {
        check(format!("location {}", location.code), &location.name);
    }
    for case_type in &config.case_types {
        check(format!("case type {}", case_type.id), &case_type.name);
        for section in &case_type.form.sections {
            check(
                format!("section {}.{}", case_type.id, section.id),
                &section.label,
            );
            for field in &section.fields {
                check(format!("help {}.{}", case_type.id, field.id), &field.help);
                if let FieldKind::RepeatingGroup { fields, .. } = &field.kind {
                    for member in fields {
                        check(
                            format!("field {}.{}.{}", case_type.id, field.id, member.id),
                            &member.label,
                        );
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "untranslated: {missing:#?}");
}

#[test]
fn synthetic_cases_are_valid_and_well_filled() {
    use caseward_domain::synthetic::synthetic_case;
    use caseward_domain::validate::validate_case;
    use rand::SeedableRng;
    let config = default_config();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let now = chrono::Utc::now();
    let mut filled = 0;
    let mut stages = std::collections::BTreeSet::new();
    for case_type in &config.case_types {
        for _ in 0..60 {
            let case = synthetic_case(&config, case_type, &mut rng, now);
            let errors = validate_case(&config, case_type, &case.stage, &case.fields, now);
            assert!(
                errors.is_empty(),
                "{} at {}: {errors:?}",
                case_type.id,
                case.stage
            );
            filled += case.fields.len();
            stages.insert(case.stage);
        }
    }
    assert!(
        filled / 180 >= 10,
        "on average at least 10 fields per case, got {}",
        filled / 180
    );
    assert!(stages.len() >= 5, "cases spread over stages: {stages:?}");
}

#[test]
fn default_custom_roles_keep_to_their_permission_sets() {
    use caseward_domain::access::Permission;
    use caseward_domain::user::Role;
    let config = default_config();
    let team_lead = Role::parse("team_lead").unwrap();
    let officer = Role::parse("me_officer").unwrap();
    assert!(config.roles.has(&team_lead, Permission::HoldCases));
    assert!(config.roles.has(&team_lead, Permission::ViewTeamWorkload));
    assert!(!config.roles.has(&team_lead, Permission::ViewTeamCases));
    assert!(config.roles.has(&officer, Permission::ViewAggregateReports));
    assert!(!config.roles.has(&officer, Permission::HoldCases));
    for language in ["en", "fr", "ar"] {
        for role in [&team_lead, &officer] {
            assert!(config.roles.get(role).unwrap().label.contains(language));
        }
    }
}

#[test]
fn every_field_is_found_by_its_id_in_its_section() {
    let config = default_config();
    for case_type in &config.case_types {
        let form = &case_type.form;
        let mut seen = 0;
        for (section, field) in form.fields() {
            let found = form.field(&field.id).expect("a field of the form");
            assert!(std::ptr::eq(found, field), "{}", field.id);
            assert!(
                std::ptr::eq(form.section_of(&field.id).unwrap(), section),
                "{}",
                field.id
            );
            assert_eq!(form.position(&field.id), Some(seen), "{}", field.id);
            seen += 1;
        }
        assert!(seen > 10, "{}: {seen} fields", case_type.code);
        assert_eq!(form.field_count(), seen);
        assert!(form.field("no_such_field").is_none());
        assert!(form.section_of("no_such_field").is_none());
        assert!(form.position("no_such_field").is_none());
    }
}
