//! The history a synthetic case had before today: how it reached its stage (the configured
//! moves, by the shortest way from the case type's first stage), the contact notes its worker
//! wrote with the next contact planned, and a care plan for a case that reached one. Like
//! [`crate::synthetic`], deterministic for a seeded random source.

use crate::care_plan::{CarePlanContent, Intervention, InterventionStatus};
use crate::config::{CaseType, Configuration};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticMove {
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticNote {
    pub kind: &'static str,
    pub body: String,
    pub at: DateTime<Utc>,
    /// The next contact planned, on the newest note of a case still open.
    pub next_contact_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticCarePlan {
    pub content: CarePlanContent,
    pub written_at: DateTime<Utc>,
    /// When the supervisor approved it; `None`: still waiting.
    pub approved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyntheticHistory {
    pub moves: Vec<SyntheticMove>,
    pub notes: Vec<SyntheticNote>,
    pub care_plan: Option<SyntheticCarePlan>,
}

const NOTE_KINDS: &[&str] = &[
    "home_visit",
    "office_visit",
    "phone_call",
    "meeting",
    "service_delivery",
];
const NOTE_OPENINGS: &[&str] = &[
    "Visited the household as planned.",
    "Called to follow up on the agreed actions.",
    "Met at the office with the caregiver present.",
    "Accompanied to the service provider.",
    "Case conference with the partner agency.",
];
const NOTE_FINDINGS: &[&str] = &[
    "The situation is stable and the safety plan is followed.",
    "School attendance has improved since the last contact.",
    "The caregiver asked for help with documents; referral discussed.",
    "Some concerns remain about the living arrangements.",
    "Medical follow-up completed; no new concern reported.",
];
const OBJECTIVES: &[&str] = &[
    "Safe and stable care arrangement",
    "Regular school attendance",
    "Access to health care",
    "Psychosocial support sessions",
    "Civil documentation obtained",
];

/// The history of a case of `case_type` now at `stage`, opened at `opened`, as of `today`.
pub fn synthetic_history(
    config: &Configuration,
    case_type: &CaseType,
    stage: &str,
    opened: DateTime<Utc>,
    today: DateTime<Utc>,
    rng: &mut impl Rng,
) -> SyntheticHistory {
    let path = shortest_path(case_type, stage);
    let span = (today - opened).num_minutes().max(path.len() as i64 + 2);
    // The moves spread over the case's life so far, oldest first.
    let mut times: Vec<i64> = (0..path.len()).map(|_| rng.gen_range(1..span)).collect();
    times.sort_unstable();
    let moves: Vec<SyntheticMove> = path
        .windows(2)
        .zip(&times)
        .map(|(pair, minutes)| SyntheticMove {
            from: pair[0].clone(),
            to: pair[1].clone(),
            at: opened + Duration::minutes(*minutes),
        })
        .collect();
    let open = !config.stages.iter().any(|s| s.terminal && s.id == stage);
    let contacts = rng.gen_range(0..=2 + 2 * path.len());
    let mut note_times: Vec<i64> = (0..contacts).map(|_| rng.gen_range(1..span)).collect();
    note_times.sort_unstable();
    let mut notes: Vec<SyntheticNote> = note_times
        .iter()
        .map(|minutes| SyntheticNote {
            kind: NOTE_KINDS.choose(rng).copied().unwrap_or("other"),
            body: format!(
                "{} {}",
                NOTE_OPENINGS.choose(rng).copied().unwrap_or_default(),
                NOTE_FINDINGS.choose(rng).copied().unwrap_or_default()
            ),
            at: opened + Duration::minutes(*minutes),
            next_contact_on: None,
        })
        .collect();
    if open && let Some(last) = notes.last_mut() {
        last.next_contact_on = Some((last.at + Duration::days(rng.gen_range(7..35))).date_naive());
    }
    let care_plan = care_plan(config, case_type, &path, &moves, today, rng);
    SyntheticHistory {
        moves,
        notes,
        care_plan,
    }
}

/// A plan for a case that went through a `care_plan` stage (written when it got there).
fn care_plan(
    config: &Configuration,
    case_type: &CaseType,
    path: &[String],
    moves: &[SyntheticMove],
    today: DateTime<Utc>,
    rng: &mut impl Rng,
) -> Option<SyntheticCarePlan> {
    let list = config
        .option_lists
        .get(case_type.intervention_types.as_deref()?)?;
    let reached = moves.iter().find(|m| m.to == "care_plan")?;
    let written_at = reached.at + Duration::hours(rng.gen_range(2..96));
    let beyond = path.last().is_some_and(|s| s != "care_plan");
    let interventions = (0..rng.gen_range(1..=4))
        .filter_map(|_| {
            let kind = list.options.choose(rng)?;
            Some(Intervention {
                kind: kind.id.clone(),
                objective: OBJECTIVES.choose(rng).copied()?.to_string(),
                responsible: "Case worker".to_string(),
                target_date: Some(
                    (written_at + Duration::days(rng.gen_range(30..120))).date_naive(),
                ),
                status: if beyond {
                    *[
                        InterventionStatus::InProgress,
                        InterventionStatus::Completed,
                    ]
                    .choose(rng)?
                } else {
                    InterventionStatus::Planned
                },
            })
        })
        .collect();
    let approved_at = (beyond || rng.gen_bool(0.5))
        .then(|| (written_at + Duration::hours(rng.gen_range(4..72))).min(today));
    Some(SyntheticCarePlan {
        content: CarePlanContent {
            narrative: "Plan agreed with the family; reviewed at each visit.".to_string(),
            interventions,
        },
        written_at: written_at.min(today),
        approved_at,
    })
}

/// The stages from the case type's first stage to `stage` along its configured moves, both
/// ends included (just the first stage when it is `stage` or `stage` cannot be reached).
fn shortest_path(case_type: &CaseType, stage: &str) -> Vec<String> {
    let start = case_type.initial_stage().to_string();
    let mut came_from: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([start.clone()]);
    while let Some(at) = queue.pop_front() {
        if at == stage {
            let mut path = vec![at];
            while let Some(previous) = came_from.get(path.last().expect("not empty")) {
                path.push(previous.clone());
            }
            path.reverse();
            return path;
        }
        for transition in case_type
            .transitions
            .iter()
            .filter(|t| t.from.contains(&at))
        {
            if transition.to != start && !came_from.contains_key(&transition.to) {
                came_from.insert(transition.to.clone(), at.clone());
                queue.push_back(transition.to.clone());
            }
        }
    }
    vec![start]
}
