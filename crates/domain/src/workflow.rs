//! The workflow engine: which stage a case may move to, and what each move needs. Pure: the
//! configuration declares the transitions (`[[transition]]`), and this decides, listing every
//! unmet guard in words a case worker understands.
//!
//! Every transition needs the stage being left to be complete (its mandatory fields), except a
//! survivor's decision, which the survivor may take whatever the plan's completion. A
//! transition may further need a reason, values present (`require`), values among given
//! options (`require_value`), an approved care plan (`approved_care_plan`), or an
//! inter-agency panel's endorsement (`panel_review`).

use crate::case::{CaseFields, FieldValue};
use crate::config::{CaseType, Configuration, FieldPath, Transition};
use crate::validate::{FieldError, validate_case};
use chrono::{DateTime, Utc};

/// What a transition request says beyond its target.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransitionRequest<'a> {
    pub to: &'a str,
    pub reason: Option<&'a str>,
    /// The worker records the move as the survivor's own decision.
    pub survivor_decision: bool,
    /// What the case's records beyond its fields say: the server reads them, never the
    /// client.
    pub records: CaseRecords,
}

/// The facts of a case's records (care plan, ...) that guards may need.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseRecords {
    /// The newest version of the case's care plan is approved.
    pub care_plan_approved: bool,
    /// An inter-agency panel endorsed the requested move since the case entered its stage.
    pub panel_endorsed: bool,
}

/// A guard a transition request does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    /// No transition leads there from the case's stage.
    NoTransition { from: String, to: String },
    /// The stage being left is not complete: its problems, field by field.
    StageIncomplete(Vec<FieldError>),
    /// A value that must be present is not (a yes/no field: not yes).
    Missing(FieldPath),
    /// A value is not one of the options the transition needs.
    NotOneOf(FieldPath, Vec<String>),
    /// A reason must be given.
    ReasonRequired,
    /// Only the survivor's own decision takes this transition.
    SurvivorDecisionRequired,
    /// The care plan must be approved by the supervisor first.
    CarePlanNotApproved,
    /// An inter-agency panel must endorse the move first (a recorded decision).
    PanelDecisionRequired,
}

impl Unmet {
    /// The request's part or the case's field it concerns (`to`, `reason`,
    /// `survivor_decision`, or `fields.<path>`).
    pub fn field(&self) -> String {
        match self {
            Self::NoTransition { .. } => "to".into(),
            Self::StageIncomplete(_) => "fields".into(),
            Self::Missing(path) | Self::NotOneOf(path, _) => format!("fields.{path}"),
            Self::ReasonRequired => "reason".into(),
            Self::SurvivorDecisionRequired => "survivor_decision".into(),
            Self::CarePlanNotApproved => "care_plan".into(),
            Self::PanelDecisionRequired => "panel_decision".into(),
        }
    }

    /// What is wrong, in words (never a value of the case).
    pub fn message(&self) -> String {
        match self {
            Self::NoTransition { from, to } => {
                format!("a case at stage \"{from}\" cannot move to \"{to}\"")
            }
            Self::StageIncomplete(errors) => format!(
                "complete the stage first: {}",
                errors
                    .iter()
                    .map(|e| format!("{} ({})", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Self::Missing(path) => format!("{path} must be filled in (or answered yes) first"),
            Self::NotOneOf(path, values) => {
                format!("{path} must first be one of: {}", values.join(", "))
            }
            Self::ReasonRequired => "give the reason for this move".into(),
            Self::SurvivorDecisionRequired => {
                "this move is the survivor's own decision: record it as theirs".into()
            }
            Self::CarePlanNotApproved => {
                "the care plan must be approved by the supervisor first".into()
            }
            Self::PanelDecisionRequired => {
                "the inter-agency panel must endorse this move first: record its decision".into()
            }
        }
    }
}

/// The transitions that leave `stage`.
pub fn transitions_from<'c>(case_type: &'c CaseType, stage: &str) -> Vec<&'c Transition> {
    case_type
        .transitions
        .iter()
        .filter(|t| t.from.iter().any(|f| f == stage))
        .collect()
}

/// The transition a request takes from `stage`, or every guard it does not meet.
pub fn check_transition<'c>(
    config: &Configuration,
    case_type: &'c CaseType,
    stage: &str,
    fields: &CaseFields,
    request: TransitionRequest<'_>,
    now: DateTime<Utc>,
) -> Result<&'c Transition, Vec<Unmet>> {
    // Between two stages there may be a worker's move and a survivor's decision: the request
    // says which.
    let candidates: Vec<&Transition> = transitions_from(case_type, stage)
        .into_iter()
        .filter(|t| t.to == request.to)
        .collect();
    let chosen = candidates
        .iter()
        .find(|t| t.survivor_decision == request.survivor_decision)
        .or(candidates.first());
    let Some(&transition) = chosen else {
        return Err(vec![Unmet::NoTransition {
            from: stage.into(),
            to: request.to.into(),
        }]);
    };
    let mut unmet = Vec::new();
    if transition.survivor_decision {
        if !request.survivor_decision {
            unmet.push(Unmet::SurvivorDecisionRequired);
        }
    } else {
        let errors = validate_case(config, case_type, stage, fields, now);
        if !errors.is_empty() {
            unmet.push(Unmet::StageIncomplete(errors));
        }
    }
    for path in &transition.require {
        if !values_at(fields, path).any(present) {
            unmet.push(Unmet::Missing(path.clone()));
        }
    }
    for (path, options) in &transition.require_value {
        if !values_at(fields, path).any(|v| holds_one_of(v, options)) {
            unmet.push(Unmet::NotOneOf(path.clone(), options.clone()));
        }
    }
    if transition.approved_care_plan && !request.records.care_plan_approved {
        unmet.push(Unmet::CarePlanNotApproved);
    }
    if transition.panel_review && !request.records.panel_endorsed {
        unmet.push(Unmet::PanelDecisionRequired);
    }
    if transition.reason && request.reason.is_none_or(|r| r.trim().is_empty()) {
        unmet.push(Unmet::ReasonRequired);
    }
    if unmet.is_empty() {
        Ok(transition)
    } else {
        Err(unmet)
    }
}

/// The values a path names: the field's, or that member's in every item of its group.
fn values_at<'f>(
    fields: &'f CaseFields,
    path: &FieldPath,
) -> Box<dyn Iterator<Item = &'f FieldValue> + 'f> {
    let value = fields.get(&path.field);
    match (&path.member, value) {
        (None, Some(value)) => Box::new(std::iter::once(value)),
        (Some(member), Some(FieldValue::Group(items))) => {
            let member = member.clone();
            Box::new(items.iter().filter_map(move |item| item.get(&member)))
        }
        _ => Box::new(std::iter::empty()),
    }
}

fn present(value: &FieldValue) -> bool {
    match value {
        FieldValue::YesNo(yes) => *yes,
        FieldValue::Text(text) => !text.trim().is_empty(),
        FieldValue::Choices(choices) => !choices.is_empty(),
        FieldValue::Group(items) => !items.is_empty(),
        _ => true,
    }
}

fn holds_one_of(value: &FieldValue, options: &[String]) -> bool {
    match value {
        FieldValue::Choice(choice) => options.contains(choice),
        FieldValue::Choices(choices) => choices.iter().any(|c| options.contains(c)),
        _ => false,
    }
}
