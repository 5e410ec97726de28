//! What the supervisor's dashboard reads of the cases of the teams they supervise, in one
//! pass: each case's row, and every move, contact, care plan version and marking dimension of
//! those cases. Times and states only, never case content.
//!
//! The dashboard needs two views of the same rows — each open case's timeline facts (the
//! deadlines) and the team's history (the quality metrics) — and read them as two sets of
//! queries, each seeking into every history table once a case. Read once, both views are
//! derived here, pure, the same way [`Store::case_timelines`](crate::Store::case_timelines)
//! and the quality metrics' history are defined (the conformance suite holds them equal).

use crate::{CaseId, CaseTimelineFacts, UserId};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::config::Intensity;
use caseward_domain::quality::{Move, PlanVersion, TeamHistory};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One case of the team, open or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamCase {
    pub id: CaseId,
    pub case_number: String,
    pub case_type: String,
    pub stage: String,
    pub assigned_to: UserId,
    pub intensity: Intensity,
    pub opened_at: DateTime<Utc>,
}

/// A note recording a contact (any kind but `other`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamContact {
    pub case: CaseId,
    /// The note's id: of two contacts written at the same time, the greater id is the newer.
    pub note: Uuid,
    pub written_at: DateTime<Utc>,
    /// The next contact as this note planned it.
    pub next_contact_on: Option<NaiveDate>,
}

/// One version of a case's care plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamPlanVersion {
    pub case: CaseId,
    pub version: i64,
    pub status: CarePlanStatus,
    pub objectives_and_timelines: bool,
    pub written_at: DateTime<Utc>,
}

/// The rows of a supervisor's teams' cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamRecords {
    /// In opening order (then id).
    pub cases: Vec<TeamCase>,
    /// Every move, any order.
    pub moves: Vec<Move>,
    /// Every contact, any order.
    pub contacts: Vec<TeamContact>,
    /// Every care plan version, any order.
    pub plans: Vec<TeamPlanVersion>,
    /// Cases with a closure reason recorded.
    pub closure_documented: BTreeSet<CaseId>,
    /// Cases marked an emergency (a `yes` in one of the emergency fields asked for).
    pub emergency: BTreeSet<CaseId>,
}

/// The report dimension whose presence documents a closure's outcome.
pub const CLOSURE_REASON: &str = "closure_reason";

impl TeamRecords {
    /// The timeline facts of the cases not in a `terminal` stage, in opening order: what
    /// [`Store::case_timelines`](crate::Store::case_timelines) gives for them.
    pub fn timelines(&self, terminal: &BTreeSet<String>) -> Vec<CaseTimelineFacts> {
        let open: BTreeMap<CaseId, &TeamCase> = self
            .cases
            .iter()
            .filter(|case| !terminal.contains(&case.stage))
            .map(|case| (case.id, case))
            .collect();
        let mut stage_since: BTreeMap<CaseId, DateTime<Utc>> = BTreeMap::new();
        for step in &self.moves {
            if open
                .get(&step.case)
                .is_some_and(|case| case.stage == step.to)
            {
                let since = stage_since.entry(step.case).or_insert(step.at);
                *since = (*since).max(step.at);
            }
        }
        let mut newest_contact: BTreeMap<CaseId, &TeamContact> = BTreeMap::new();
        for contact in &self.contacts {
            let newest = newest_contact.entry(contact.case).or_insert(contact);
            if (contact.written_at, contact.note) > (newest.written_at, newest.note) {
                *newest = contact;
            }
        }
        let mut newest_plan: BTreeMap<CaseId, &TeamPlanVersion> = BTreeMap::new();
        for plan in &self.plans {
            let newest = newest_plan.entry(plan.case).or_insert(plan);
            if plan.version > newest.version {
                *newest = plan;
            }
        }
        self.cases
            .iter()
            .filter(|case| open.contains_key(&case.id))
            .map(|case| {
                let contact = newest_contact.get(&case.id);
                CaseTimelineFacts {
                    id: case.id,
                    case_number: case.case_number.clone(),
                    case_type: case.case_type.clone(),
                    stage: case.stage.clone(),
                    assigned_to: case.assigned_to,
                    intensity: case.intensity,
                    opened_at: case.opened_at,
                    stage_since: stage_since.get(&case.id).copied().unwrap_or(case.opened_at),
                    emergency: self.emergency.contains(&case.id),
                    last_contact: contact.map(|c| c.written_at),
                    planned_contact: contact.and_then(|c| c.next_contact_on),
                    approval_requested: newest_plan
                        .get(&case.id)
                        .filter(|plan| plan.status == CarePlanStatus::Submitted)
                        .map(|plan| plan.written_at),
                }
            })
            .collect()
    }

    /// The history the quality metrics count: every case's opening and type, every contact
    /// and closure reason, the moves and care plan versions since `since`. Taken from the
    /// records, not copied: a dashboard reads them once, derives the timelines, then this.
    pub fn into_history(self, since: DateTime<Utc>) -> TeamHistory {
        let mut opened = BTreeMap::new();
        let mut case_types = BTreeMap::new();
        for case in self.cases {
            opened.insert(case.id, case.opened_at);
            case_types.insert(case.id, case.case_type);
        }
        TeamHistory {
            opened,
            case_types,
            moves: self.moves.into_iter().filter(|m| m.at >= since).collect(),
            contacts: self
                .contacts
                .iter()
                .map(|c| (c.case, c.written_at))
                .collect(),
            plans: self
                .plans
                .iter()
                .filter(|p| p.written_at >= since)
                .map(|p| PlanVersion {
                    case: p.case,
                    submitted: p.status != CarePlanStatus::Draft,
                    objectives_and_timelines: p.objectives_and_timelines,
                    at: p.written_at,
                })
                .collect(),
            closure_documented: self.closure_documented,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
    }

    fn case(n: u128, stage: &str, opened: u32) -> TeamCase {
        TeamCase {
            id: Uuid::from_u128(n),
            case_number: format!("C-{n}"),
            case_type: "child_protection".into(),
            stage: stage.into(),
            assigned_to: Uuid::from_u128(99),
            intensity: Intensity::Medium,
            opened_at: at(opened),
        }
    }

    fn step(n: u128, from: &str, to: &str, day: u32) -> Move {
        Move {
            case: Uuid::from_u128(n),
            from: from.into(),
            to: to.into(),
            at: at(day),
        }
    }

    fn contact(n: u128, note: u128, day: u32, next: Option<u32>) -> TeamContact {
        TeamContact {
            case: Uuid::from_u128(n),
            note: Uuid::from_u128(note),
            written_at: at(day),
            next_contact_on: next.map(|d| at(d).date_naive()),
        }
    }

    fn plan(n: u128, version: i64, status: CarePlanStatus, day: u32) -> TeamPlanVersion {
        TeamPlanVersion {
            case: Uuid::from_u128(n),
            version,
            status,
            objectives_and_timelines: version > 1,
            written_at: at(day),
        }
    }

    fn records() -> TeamRecords {
        TeamRecords {
            cases: vec![
                case(1, "identification", 1),
                case(2, "implementation", 2),
                case(3, "closed", 3),
            ],
            moves: vec![
                step(2, "identification", "assessment", 4),
                step(2, "assessment", "implementation", 6),
                step(2, "implementation", "review", 8),
                step(2, "review", "implementation", 10),
                step(3, "identification", "closed", 5),
            ],
            contacts: vec![
                contact(2, 7, 12, None),
                contact(2, 5, 12, Some(20)),
                contact(2, 9, 11, Some(30)),
                contact(3, 1, 4, None),
            ],
            plans: vec![
                plan(2, 2, CarePlanStatus::Submitted, 9),
                plan(2, 1, CarePlanStatus::Approved, 7),
                plan(1, 1, CarePlanStatus::Draft, 3),
            ],
            closure_documented: BTreeSet::from([Uuid::from_u128(3)]),
            emergency: BTreeSet::from([Uuid::from_u128(1)]),
        }
    }

    #[test]
    fn timelines_are_of_the_open_cases_from_their_history() {
        let terminal = BTreeSet::from(["closed".to_string()]);
        let timelines = records().timelines(&terminal);
        assert_eq!(
            timelines.iter().map(|t| t.id).collect::<Vec<_>>(),
            [Uuid::from_u128(1), Uuid::from_u128(2)],
            "the closed case is left out; opening order kept"
        );
        let never_moved = &timelines[0];
        assert_eq!(never_moved.stage_since, at(1), "its opening");
        assert!(never_moved.emergency);
        assert_eq!(never_moved.last_contact, None);
        assert_eq!(
            never_moved.approval_requested, None,
            "a draft waits for no decision"
        );
        let moved = &timelines[1];
        assert_eq!(moved.stage_since, at(10), "the latest entry into its stage");
        assert!(!moved.emergency);
        assert_eq!(moved.last_contact, Some(at(12)));
        assert_eq!(
            moved.planned_contact, None,
            "of two contacts at the same time, the greater note id is the newer, and it planned nothing"
        );
        assert_eq!(
            moved.approval_requested,
            Some(at(9)),
            "the newest version, not the first in the list"
        );
    }

    #[test]
    fn the_newest_contact_plans_the_next() {
        let mut records = records();
        records.contacts.retain(|c| c.note != Uuid::from_u128(7));
        let timelines = records.timelines(&BTreeSet::new());
        let moved = timelines
            .iter()
            .find(|t| t.id == Uuid::from_u128(2))
            .unwrap();
        assert_eq!(moved.last_contact, Some(at(12)));
        assert_eq!(moved.planned_contact, Some(at(20).date_naive()));
        assert_eq!(
            timelines.len(),
            3,
            "with no terminal stage every case is open"
        );
    }

    #[test]
    fn history_keeps_moves_and_plans_since_and_everything_else() {
        let history = records().into_history(at(6));
        assert_eq!(history.opened.len(), 3, "every case, closed ones too");
        assert_eq!(history.case_types.len(), 3);
        assert_eq!(
            history.moves.iter().map(|m| m.at).collect::<Vec<_>>(),
            [at(6), at(8), at(10)]
        );
        assert_eq!(history.contacts.len(), 4, "every contact, whenever");
        assert_eq!(
            history
                .plans
                .iter()
                .map(|p| (p.at, p.submitted, p.objectives_and_timelines))
                .collect::<Vec<_>>(),
            [(at(9), true, true), (at(7), true, false)]
        );
        assert_eq!(
            history.closure_documented,
            BTreeSet::from([Uuid::from_u128(3)])
        );
    }
}
