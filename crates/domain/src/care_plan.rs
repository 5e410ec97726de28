//! Care plans: the interventions agreed for a case (each with its type, objective, responsible
//! party, target date and status) and a narrative, kept as numbered versions, each approved or
//! returned by the supervisor.
//!
//! Every save is a new version. A version the worker submits waits for a supervisor of the
//! case's team, who approves or returns it (never their own). A version that changes only the
//! interventions' statuses of the approved plan before it is progress, not a new plan: it stays
//! approved. The workflow's `approved_care_plan` guard needs the newest version approved.

use crate::validate::FieldError;
use chrono::NaiveDate;

/// The most interventions one plan holds.
pub const MAX_INTERVENTIONS: usize = 30;
/// The longest narrative, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 10_000;
/// The longest objective, in characters.
pub const MAX_OBJECTIVE_CHARS: usize = 300;
/// The longest responsible party, in characters.
pub const MAX_RESPONSIBLE_CHARS: usize = 150;
/// The longest supervisor's comment on a decision, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// Where an intervention stands (the ids of the shipped `intervention_status` list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterventionStatus {
    Planned,
    InProgress,
    Completed,
    Delayed,
    Declined,
}

impl InterventionStatus {
    pub const ALL: [InterventionStatus; 5] = [
        Self::Planned,
        Self::InProgress,
        Self::Completed,
        Self::Delayed,
        Self::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Delayed => "delayed",
            Self::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One agreed intervention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    /// An option id of the case type's intervention list.
    pub kind: String,
    pub objective: String,
    pub responsible: String,
    pub target_date: Option<NaiveDate>,
    pub status: InterventionStatus,
}

/// What a version of the plan says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CarePlanContent {
    pub narrative: String,
    pub interventions: Vec<Intervention>,
}

impl CarePlanContent {
    /// Every intervention has an objective and a target date, and there is at least one (the
    /// quality metric "care plans with documented objectives and timelines").
    pub fn has_objectives_and_timelines(&self) -> bool {
        !self.interventions.is_empty()
            && self
                .interventions
                .iter()
                .all(|i| !i.objective.trim().is_empty() && i.target_date.is_some())
    }

    /// The same plan as `other` but for the interventions' statuses.
    pub fn differs_only_in_progress(&self, other: &CarePlanContent) -> bool {
        self.narrative == other.narrative
            && self.interventions.len() == other.interventions.len()
            && self
                .interventions
                .iter()
                .zip(&other.interventions)
                .all(|(a, b)| {
                    a.kind == b.kind
                        && a.objective == b.objective
                        && a.responsible == b.responsible
                        && a.target_date == b.target_date
                })
    }
}

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarePlanStatus {
    /// Saved, not yet submitted.
    Draft,
    /// Waiting for the supervisor.
    Submitted,
    Approved,
    /// The supervisor sent it back with a comment: a new version follows.
    Returned,
}

impl CarePlanStatus {
    pub const ALL: [CarePlanStatus; 4] =
        [Self::Draft, Self::Submitted, Self::Approved, Self::Returned];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The newest version of a case's plan, as the rules need it.
#[derive(Debug, Clone)]
pub struct LatestVersion<'a> {
    pub content: &'a CarePlanContent,
    pub status: CarePlanStatus,
}

/// The status a new version starts in: a progress update of an approved plan stays approved;
/// otherwise submitted when the worker submits it, else a draft.
pub fn new_version_status(
    previous: Option<LatestVersion<'_>>,
    content: &CarePlanContent,
    submit: bool,
) -> CarePlanStatus {
    match previous {
        Some(previous)
            if previous.status == CarePlanStatus::Approved
                && content.differs_only_in_progress(previous.content) =>
        {
            CarePlanStatus::Approved
        }
        _ if submit => CarePlanStatus::Submitted,
        _ => CarePlanStatus::Draft,
    }
}

/// Check a version's content against the case type's intervention types. A draft may be
/// incomplete; a submitted plan needs a narrative and at least one intervention, each with an
/// objective and a responsible party.
pub fn validate_content(
    content: &CarePlanContent,
    intervention_types: &[&str],
    submit: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let narrative = content.narrative.trim();
    if narrative.chars().count() > MAX_NARRATIVE_CHARS {
        errors.push(FieldError::new(
            "narrative",
            "too_long",
            format!("the narrative holds at most {MAX_NARRATIVE_CHARS} characters"),
        ));
    } else if submit && narrative.is_empty() {
        errors.push(FieldError::new(
            "narrative",
            "required",
            "describe what the plan should achieve",
        ));
    }
    if content.interventions.len() > MAX_INTERVENTIONS {
        errors.push(FieldError::new(
            "interventions",
            "too_many",
            format!("a plan holds at most {MAX_INTERVENTIONS} interventions"),
        ));
    } else if submit && content.interventions.is_empty() {
        errors.push(FieldError::new(
            "interventions",
            "required",
            "add at least one intervention",
        ));
    }
    for (i, intervention) in content.interventions.iter().enumerate() {
        let at = |member: &str| format!("interventions[{i}].{member}");
        if !intervention_types.contains(&intervention.kind.as_str()) {
            errors.push(FieldError::new(
                at("type"),
                "unknown_option",
                "choose a type of intervention from the list",
            ));
        }
        for (member, value, max, what) in [
            (
                "objective",
                &intervention.objective,
                MAX_OBJECTIVE_CHARS,
                "state the objective",
            ),
            (
                "responsible",
                &intervention.responsible,
                MAX_RESPONSIBLE_CHARS,
                "name who is responsible",
            ),
        ] {
            let value = value.trim();
            if value.chars().count() > max {
                errors.push(FieldError::new(
                    at(member),
                    "too_long",
                    format!("at most {max} characters"),
                ));
            } else if submit && value.is_empty() {
                errors.push(FieldError::new(at(member), "required", what));
            }
        }
    }
    errors
}

/// A supervisor's decision on a submitted version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return,
}

impl Decision {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "approve" => Some(Self::Approve),
            "return" => Some(Self::Return),
            _ => None,
        }
    }

    pub fn status(self) -> CarePlanStatus {
        match self {
            Self::Approve => CarePlanStatus::Approved,
            Self::Return => CarePlanStatus::Returned,
        }
    }
}

/// Why a decision cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefusal {
    #[error("only the newest version of the plan is decided on")]
    NotLatest,
    #[error("this version is not waiting for a decision")]
    NotSubmitted,
    #[error("a plan is decided by someone other than its author")]
    OwnPlan,
    #[error("a returned plan needs a comment saying what to change")]
    CommentRequired,
}

/// Whether a decision may be taken on a version.
pub fn check_decision(
    decision: Decision,
    status: CarePlanStatus,
    is_latest: bool,
    decider_is_author: bool,
    comment: &str,
) -> Result<(), DecisionRefusal> {
    if !is_latest {
        Err(DecisionRefusal::NotLatest)
    } else if status != CarePlanStatus::Submitted {
        Err(DecisionRefusal::NotSubmitted)
    } else if decider_is_author {
        Err(DecisionRefusal::OwnPlan)
    } else if decision == Decision::Return && comment.trim().is_empty() {
        Err(DecisionRefusal::CommentRequired)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intervention(objective: &str, target: Option<NaiveDate>) -> Intervention {
        Intervention {
            kind: "health".into(),
            objective: objective.into(),
            responsible: "clinic".into(),
            target_date: target,
            status: InterventionStatus::Planned,
        }
    }

    fn plan(interventions: Vec<Intervention>) -> CarePlanContent {
        CarePlanContent {
            narrative: "Keep the child safe at school".into(),
            interventions,
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in InterventionStatus::ALL {
            assert_eq!(InterventionStatus::parse(s.as_str()), Some(s));
        }
        for s in CarePlanStatus::ALL {
            assert_eq!(CarePlanStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(InterventionStatus::parse("done"), None);
    }

    #[test]
    fn objectives_and_timelines_need_every_intervention_dated() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1);
        assert!(!plan(vec![]).has_objectives_and_timelines());
        assert!(plan(vec![intervention("enrol", date)]).has_objectives_and_timelines());
        assert!(
            !plan(vec![
                intervention("enrol", date),
                intervention("visit", None)
            ])
            .has_objectives_and_timelines()
        );
        assert!(!plan(vec![intervention(" ", date)]).has_objectives_and_timelines());
    }

    #[test]
    fn a_progress_update_of_an_approved_plan_stays_approved() {
        let approved = plan(vec![intervention("enrol", None)]);
        let mut progress = approved.clone();
        progress.interventions[0].status = InterventionStatus::Completed;
        let previous = || {
            Some(LatestVersion {
                content: &approved,
                status: CarePlanStatus::Approved,
            })
        };
        assert_eq!(
            new_version_status(previous(), &progress, false),
            CarePlanStatus::Approved
        );
        let mut changed = progress.clone();
        changed.interventions[0].objective = "enrol and attend".into();
        assert_eq!(
            new_version_status(previous(), &changed, false),
            CarePlanStatus::Draft
        );
        assert_eq!(
            new_version_status(previous(), &changed, true),
            CarePlanStatus::Submitted
        );
        // Progress on a plan that was never approved is not approval.
        let submitted = Some(LatestVersion {
            content: &approved,
            status: CarePlanStatus::Submitted,
        });
        assert_eq!(
            new_version_status(submitted, &progress, false),
            CarePlanStatus::Draft
        );
    }

    #[test]
    fn a_submitted_plan_must_be_complete_a_draft_need_not() {
        let empty = CarePlanContent::default();
        assert!(validate_content(&empty, &["health"], false).is_empty());
        let errors = validate_content(&empty, &["health"], true);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["narrative", "interventions"]);
        let mut unknown = plan(vec![intervention("", None)]);
        unknown.interventions[0].kind = "magic".into();
        let fields: Vec<_> = validate_content(&unknown, &["health"], true)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["interventions[0].type", "interventions[0].objective"]
        );
    }

    #[test]
    fn decisions_follow_the_rules() {
        use CarePlanStatus::*;
        use Decision::*;
        assert_eq!(check_decision(Approve, Submitted, true, false, ""), Ok(()));
        assert_eq!(
            check_decision(Approve, Submitted, false, false, ""),
            Err(DecisionRefusal::NotLatest)
        );
        assert_eq!(
            check_decision(Approve, Draft, true, false, ""),
            Err(DecisionRefusal::NotSubmitted)
        );
        assert_eq!(
            check_decision(Approve, Approved, true, false, ""),
            Err(DecisionRefusal::NotSubmitted)
        );
        assert_eq!(
            check_decision(Approve, Submitted, true, true, ""),
            Err(DecisionRefusal::OwnPlan)
        );
        assert_eq!(
            check_decision(Return, Submitted, true, false, " "),
            Err(DecisionRefusal::CommentRequired)
        );
        assert_eq!(
            check_decision(Return, Submitted, true, false, "add dates"),
            Ok(())
        );
    }
}
