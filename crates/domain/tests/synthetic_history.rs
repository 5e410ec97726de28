//! Synthetic history: moves along the configured workflow, in time order, deterministic.

mod common;

use caseward_domain::synthetic_history::synthetic_history;
use chrono::{DateTime, Duration, Utc};
use common::default_config as config;
use rand::SeedableRng;

#[test]
fn a_case_reaches_its_stage_by_configured_moves_in_time_order() {
    let config = config();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let today = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .unwrap()
        .to_utc();
    for case_type in &config.case_types {
        for stage in &case_type.stages {
            let opened = today - Duration::days(120);
            let history = synthetic_history(&config, case_type, stage, opened, today, &mut rng);
            let mut at = case_type.initial_stage().to_string();
            let mut when = opened;
            for step in &history.moves {
                assert_eq!(step.from, at);
                assert!(
                    case_type
                        .transitions
                        .iter()
                        .any(|t| t.to == step.to && t.from.contains(&step.from)),
                    "{} -> {} is a configured move",
                    step.from,
                    step.to
                );
                assert!(step.at >= when && step.at <= today);
                at = step.to.clone();
                when = step.at;
            }
            if !history.moves.is_empty() {
                assert_eq!(&at, stage);
            }
            assert!(history.notes.windows(2).all(|w| w[0].at <= w[1].at));
            if let Some(plan) = &history.care_plan {
                assert!(history.moves.iter().any(|m| m.to == "care_plan"));
                assert!(!plan.content.interventions.is_empty());
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let config = config();
    let case_type = &config.case_types[0];
    let today = Utc::now();
    let opened = today - Duration::days(90);
    let make = || {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        synthetic_history(
            &config,
            case_type,
            "implementation",
            opened,
            today,
            &mut rng,
        )
    };
    assert_eq!(make(), make());
    assert!(
        make().care_plan.is_some(),
        "implementation comes after a care plan"
    );
}
