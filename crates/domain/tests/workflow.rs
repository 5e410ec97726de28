//! The workflow engine over the shipped configuration: the seed's Figure 2 for each case type,
//! every unmet guard listed, the GBV survivor's autonomy, and a property: no sequence of
//! requests moves a case into a stage whose guards are unmet.

mod common;

use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::config::{CaseType, Configuration};
use caseward_domain::synthetic::synthetic_case;
use caseward_domain::validate::validate_case;
use caseward_domain::workflow::{
    CaseRecords, TransitionRequest, Unmet, check_transition, transitions_from,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::default_config;
use proptest::prelude::*;
use rand::SeedableRng;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()
}

/// A realistic case of the type with every field the synthetic generator fills.
fn full_case(config: &Configuration, case_type: &CaseType, seed: u64) -> CaseFields {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    synthetic_case(config, case_type, &mut rng, now()).fields
}

/// A request to move to `to`, on a case whose care plan is approved.
fn go<'a>(to: &'a str) -> TransitionRequest<'a> {
    TransitionRequest {
        to,
        records: CaseRecords {
            care_plan_approved: true,
            panel_endorsed: true,
        },
        ..Default::default()
    }
}

/// Fill what a stage's form needs so that it is complete: the synthetic values, plus the
/// closure fields.
fn closable(config: &Configuration, case_type: &CaseType) -> CaseFields {
    let mut fields = full_case(config, case_type, 1);
    fields.insert(
        "closure_reason".into(),
        FieldValue::Choice("objectives_met".into()),
    );
    fields.insert(
        "closure_date".into(),
        FieldValue::Date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
    );
    fields
}

#[test]
fn a_child_protection_case_follows_figure_2_to_closure() {
    let config = default_config();
    let case_type = config.case_type("child_protection").unwrap();
    let fields = closable(&config, case_type);
    let mut stage = case_type.initial_stage().to_string();
    for to in [
        "assessment",
        "care_plan",
        "implementation",
        "case_review",
        "closed",
    ] {
        let problems = validate_case(&config, case_type, &stage, &fields, now());
        assert_eq!(problems, [], "the synthetic case completes {stage}");
        let taken = check_transition(&config, case_type, &stage, &fields, go(to), now())
            .unwrap_or_else(|unmet| panic!("{stage} -> {to}: {unmet:?}"));
        assert_eq!(taken.to, to);
        stage = to.to_string();
    }
    // Reopening needs a reason; with one, the case goes back to assessment.
    let unmet =
        check_transition(&config, case_type, "closed", &fields, go("reopened"), now()).unwrap_err();
    assert_eq!(unmet, [Unmet::ReasonRequired]);
    let reopen = TransitionRequest {
        reason: Some("new concerns reported by the school"),
        ..go("reopened")
    };
    assert!(check_transition(&config, case_type, "closed", &fields, reopen, now()).is_ok());
    assert!(
        check_transition(
            &config,
            case_type,
            "reopened",
            &fields,
            go("assessment"),
            now()
        )
        .is_ok()
    );
}

#[test]
fn every_unmet_guard_is_listed_in_words() {
    let config = default_config();
    let case_type = config.case_type("general_protection").unwrap();
    let mut fields = full_case(&config, case_type, 2);
    for id in ["closure_reason", "closure_date", "referrals"] {
        fields.remove(id);
    }
    let unmet = check_transition(
        &config,
        case_type,
        "referral_only",
        &fields,
        go("closed"),
        now(),
    )
    .unwrap_err();
    let said: Vec<(String, String)> = unmet.iter().map(|u| (u.field(), u.message())).collect();
    assert_eq!(
        said.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        [
            "fields.closure_reason",
            "fields.closure_date",
            "fields.referrals.status"
        ],
        "{said:?}"
    );
    assert!(
        said[2].1.contains("accepted, service_received"),
        "{}",
        said[2].1
    );
    // A referral accepted by its provider, and the closure recorded: the case may close.
    let mut referral = caseward_domain::case::GroupItem::new();
    referral.insert("status".into(), FieldValue::Choice("accepted".into()));
    fields.insert("referrals".into(), FieldValue::Group(vec![referral]));
    fields.insert(
        "closure_reason".into(),
        FieldValue::Choice("objectives_met".into()),
    );
    fields.insert(
        "closure_date".into(),
        FieldValue::Date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
    );
    assert!(
        check_transition(
            &config,
            case_type,
            "referral_only",
            &fields,
            go("closed"),
            now()
        )
        .is_ok()
    );
    // A move the workflow does not have.
    let unmet = check_transition(
        &config,
        case_type,
        "identification",
        &fields,
        go("implementation"),
        now(),
    )
    .unwrap_err();
    assert_eq!(unmet[0].field(), "to");
}

#[test]
fn the_stage_being_left_must_be_complete() {
    let config = default_config();
    let case_type = config.case_type("child_protection").unwrap();
    let required = case_type
        .form
        .sections
        .iter()
        .filter(|s| s.stage.as_deref() == Some("identification"))
        .flat_map(|s| &s.fields)
        .find(|f| f.required)
        .expect("a mandatory identification field");
    let mut fields = full_case(&config, case_type, 3);
    fields.remove(&required.id);
    let unmet = check_transition(
        &config,
        case_type,
        "identification",
        &fields,
        go("assessment"),
        now(),
    )
    .unwrap_err();
    assert!(
        matches!(&unmet[..], [Unmet::StageIncomplete(errors)] if errors.iter().any(|e| e.field == required.id)),
        "{unmet:?}"
    );
}

#[test]
fn a_gbv_survivor_pauses_or_closes_whatever_the_plan() {
    let config = default_config();
    let case_type = config.case_type("gbv").unwrap();
    // Nothing filled in at all: a survivor's decision does not wait for the forms.
    let mut fields = CaseFields::new();
    let pause = TransitionRequest {
        survivor_decision: true,
        ..go("paused")
    };
    for stage in [
        "identification",
        "assessment",
        "care_plan",
        "implementation",
        "case_review",
    ] {
        assert!(
            check_transition(&config, case_type, stage, &fields, pause, now()).is_ok(),
            "{stage}"
        );
        assert_eq!(
            check_transition(&config, case_type, stage, &fields, go("paused"), now()).unwrap_err(),
            [Unmet::SurvivorDecisionRequired],
            "recorded as hers, or not at all"
        );
    }
    // Closing at her request still records the closure.
    let close = TransitionRequest {
        survivor_decision: true,
        ..go("closed")
    };
    let unmet =
        check_transition(&config, case_type, "implementation", &fields, close, now()).unwrap_err();
    assert_eq!(unmet.len(), 2, "{unmet:?}");
    fields.insert(
        "closure_reason".into(),
        FieldValue::Choice("survivor_request".into()),
    );
    fields.insert(
        "closure_date".into(),
        FieldValue::Date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()),
    );
    let taken =
        check_transition(&config, case_type, "implementation", &fields, close, now()).unwrap();
    assert!(taken.survivor_decision);
    // No survivor decision leaves a terminal stage.
    assert!(
        transitions_from(case_type, "closed")
            .iter()
            .all(|t| !t.survivor_decision)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Random walks of random requests over cases with random fields removed: every move the
    /// engine accepts is one the configuration declares from the current stage, and meets
    /// every guard, checked here independently of the engine.
    #[test]
    fn no_request_moves_a_case_past_an_unmet_guard(
        type_index in 0usize..3,
        dropped in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        steps in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()), 1..12),
    ) {
        let config = default_config();
        let case_type = &config.case_types[type_index % config.case_types.len()];
        let mut fields = closable(&config, case_type);
        for index in dropped {
            let keys: Vec<String> = fields.keys().cloned().collect();
            if !keys.is_empty() {
                fields.remove(&keys[index.index(keys.len())]);
            }
        }
        let mut stage = case_type.initial_stage().to_string();
        for (target, with_reason, survivor, approved, endorsed) in steps {
            let to = &case_type.stages[target.index(case_type.stages.len())];
            let request = TransitionRequest {
                to,
                reason: with_reason.then_some("a reason"),
                survivor_decision: survivor,
                records: CaseRecords { care_plan_approved: approved, panel_endorsed: endorsed },
            };
            if let Ok(taken) = check_transition(&config, case_type, &stage, &fields, request, now()) {
                prop_assert!(taken.from.contains(&stage) && taken.to == *to);
                prop_assert!(!taken.reason || with_reason);
                prop_assert!(!taken.approved_care_plan || approved);
                prop_assert!(!taken.panel_review || endorsed);
                if taken.survivor_decision {
                    prop_assert!(survivor);
                } else {
                    prop_assert!(validate_case(&config, case_type, &stage, &fields, now()).is_empty());
                }
                for path in &taken.require {
                    prop_assert!(fields.contains_key(&path.field), "{path} present");
                }
                stage = to.clone();
            }
        }
    }
}

#[test]
fn implementation_needs_an_approved_care_plan() {
    let config = default_config();
    for case_type in &config.case_types {
        let fields = closable(&config, case_type);
        let unapproved = TransitionRequest {
            records: CaseRecords::default(),
            ..go("implementation")
        };
        let unmet = check_transition(&config, case_type, "care_plan", &fields, unapproved, now())
            .unwrap_err();
        assert_eq!(unmet, [Unmet::CarePlanNotApproved], "{}", case_type.id);
        assert_eq!(unmet[0].field(), "care_plan");
        assert!(
            check_transition(
                &config,
                case_type,
                "care_plan",
                &fields,
                go("implementation"),
                now()
            )
            .is_ok(),
            "{}",
            case_type.id
        );
    }
}

#[test]
fn a_childs_transfer_needs_the_panels_endorsement() {
    let config = default_config();
    let case_type = config.case_type("child_protection").unwrap();
    let fields = closable(&config, case_type);
    let request = TransitionRequest {
        reason: Some("moving to another region"),
        records: CaseRecords {
            care_plan_approved: true,
            panel_endorsed: false,
        },
        ..go("transferred")
    };
    let unmet =
        check_transition(&config, case_type, "case_review", &fields, request, now()).unwrap_err();
    assert_eq!(unmet, [Unmet::PanelDecisionRequired]);
    assert_eq!(unmet[0].field(), "panel_decision");
    let endorsed = TransitionRequest {
        reason: Some("moving to another region"),
        ..go("transferred")
    };
    assert!(check_transition(&config, case_type, "case_review", &fields, endorsed, now()).is_ok());
}
