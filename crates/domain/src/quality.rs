//! The supervisor's quality metrics (the seed's "Supervisor Oversight"), month by month, from
//! the times and states of a team's cases — never their content. Pure: the caller gives the
//! history, this counts.
//!
//! - **Days to a completed assessment:** from a case's opening to its first move out of the
//!   assessment stage, averaged over the assessments completed in the month.
//! - **Care plans with objectives and timelines:** of the plan versions submitted in the month
//!   (drafts aside), the share whose every intervention has an objective and a target date.
//! - **Follow-ups within their interval:** of the contacts recorded in the month, the share
//!   that came within the follow-up interval of the case's previous contact (or opening).
//! - **Closures with a documented outcome:** of the moves into a terminal stage in the month,
//!   the share of cases with a closure reason recorded.
//! - **Reopen rate:** moves out of a terminal stage in the month, per closure in the month.

use chrono::{DateTime, Datelike, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One move of a case between stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub case: Uuid,
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
}

/// One version of a care plan, as the metrics need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub case: Uuid,
    pub submitted: bool,
    pub objectives_and_timelines: bool,
    pub at: DateTime<Utc>,
}

/// What happened to a team's cases.
#[derive(Debug, Clone, Default)]
pub struct TeamHistory {
    /// When each case was opened.
    pub opened: BTreeMap<Uuid, DateTime<Utc>>,
    /// Each case's type.
    pub case_types: BTreeMap<Uuid, String>,
    pub moves: Vec<Move>,
    /// Contacts recorded (notes of a contact kind), any order.
    pub contacts: Vec<(Uuid, DateTime<Utc>)>,
    pub plans: Vec<PlanVersion>,
    /// Cases with a closure reason recorded.
    pub closure_documented: BTreeSet<Uuid>,
}

/// The stages the metrics are about.
#[derive(Debug, Clone)]
pub struct MetricStages<'a> {
    pub assessment: &'a str,
    pub terminal: &'a BTreeSet<String>,
    /// The follow-up interval, in days.
    pub follow_up_days: u32,
    /// Case types with an interval of their own.
    pub follow_up_days_by_type: BTreeMap<String, u32>,
}

/// A share: how many of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub of: u32,
    pub met: u32,
}

impl Share {
    /// The share as a fraction, `None` when there was nothing to count.
    pub fn ratio(self) -> Option<f64> {
        (self.of > 0).then(|| f64::from(self.met) / f64::from(self.of))
    }

    fn count(&mut self, met: bool) {
        self.of += 1;
        self.met += u32::from(met);
    }
}

/// One month's metrics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthMetrics {
    /// `YYYY-MM`.
    pub month: String,
    pub assessments_completed: u32,
    pub average_days_to_assessment: Option<f64>,
    pub plans_with_objectives_and_timelines: Share,
    pub follow_ups_within_interval: Share,
    pub closures_with_outcome: Share,
    pub reopenings: u32,
}

impl MonthMetrics {
    /// Reopenings per closure in the month.
    pub fn reopen_rate(&self) -> Option<f64> {
        (self.closures_with_outcome.of > 0)
            .then(|| f64::from(self.reopenings) / f64::from(self.closures_with_outcome.of))
    }
}

/// A month as the metrics count by it: its year and number (no text made an event).
type Month = (i32, u32);

fn month_of(at: DateTime<Utc>) -> Month {
    (at.year(), at.month())
}

/// The `count` months up to and including `now`'s, oldest first.
fn month_keys(now: DateTime<Utc>, count: u32) -> Vec<Month> {
    let (mut year, mut month) = (now.year(), now.month());
    let mut out = Vec::new();
    for _ in 0..count {
        out.push((year, month));
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    out.reverse();
    out
}

/// The `count` months up to and including `now`'s, oldest first, as `YYYY-MM`.
pub fn months(now: DateTime<Utc>, count: u32) -> Vec<String> {
    month_keys(now, count).into_iter().map(month_text).collect()
}

/// A month as `YYYY-MM`.
fn month_text((year, month): Month) -> String {
    format!("{year:04}-{month:02}")
}

/// The metrics of each of the `count` months up to `now`'s, oldest first.
pub fn monthly_metrics(
    history: &TeamHistory,
    stages: &MetricStages<'_>,
    now: DateTime<Utc>,
    count: u32,
) -> Vec<MonthMetrics> {
    let mut by_month: BTreeMap<Month, MonthMetrics> = month_keys(now, count)
        .into_iter()
        .map(|key| {
            (
                key,
                MonthMetrics {
                    month: month_text(key),
                    ..MonthMetrics::default()
                },
            )
        })
        .collect();
    let mut days: BTreeMap<Month, f64> = BTreeMap::new();
    let mut moves: Vec<&Move> = history.moves.iter().collect();
    moves.sort_by_key(|m| m.at);
    let mut assessed = BTreeSet::new();
    for step in moves {
        let Some(month) = by_month.get_mut(&month_of(step.at)) else {
            continue;
        };
        if step.from == stages.assessment
            && assessed.insert(step.case)
            && let Some(opened) = history.opened.get(&step.case)
        {
            month.assessments_completed += 1;
            let elapsed = (step.at - *opened).num_seconds() as f64 / 86_400.0;
            *days.entry(month_of(step.at)).or_default() += elapsed;
        }
        let into_terminal = stages.terminal.contains(&step.to);
        let from_terminal = stages.terminal.contains(&step.from);
        if into_terminal && !from_terminal {
            month
                .closures_with_outcome
                .count(history.closure_documented.contains(&step.case));
        }
        if from_terminal && !into_terminal {
            month.reopenings += 1;
        }
    }
    for (month, total) in days {
        if let Some(metrics) = by_month.get_mut(&month)
            && metrics.assessments_completed > 0
        {
            metrics.average_days_to_assessment =
                Some(total / f64::from(metrics.assessments_completed));
        }
    }
    for plan in history.plans.iter().filter(|p| p.submitted) {
        if let Some(month) = by_month.get_mut(&month_of(plan.at)) {
            month
                .plans_with_objectives_and_timelines
                .count(plan.objectives_and_timelines);
        }
    }
    let mut contacts = history.contacts.clone();
    contacts.sort();
    let interval = |case: &Uuid| {
        let days = history
            .case_types
            .get(case)
            .and_then(|t| stages.follow_up_days_by_type.get(t))
            .copied()
            .unwrap_or(stages.follow_up_days);
        Duration::days(i64::from(days))
    };
    let mut previous: BTreeMap<Uuid, DateTime<Utc>> = history.opened.clone();
    for (case, at) in contacts {
        let on_time = previous
            .get(&case)
            .is_none_or(|last| at - *last <= interval(&case));
        previous.insert(case, at);
        if let Some(month) = by_month.get_mut(&month_of(at)) {
            month.follow_ups_within_interval.count(on_time);
        }
    }
    by_month.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 9, 0, 0).unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn step(case: u128, from: &str, to: &str, at: DateTime<Utc>) -> Move {
        Move {
            case: id(case),
            from: from.into(),
            to: to.into(),
            at,
        }
    }

    #[test]
    fn months_run_back_over_the_year() {
        assert_eq!(months(day(2, 10), 3), ["2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn each_metric_counts_its_month() {
        let terminal: BTreeSet<String> = ["closed".to_string()].into();
        let stages = MetricStages {
            assessment: "assessment",
            terminal: &terminal,
            follow_up_days: 14,
            follow_up_days_by_type: BTreeMap::new(),
        };
        let history = TeamHistory {
            opened: [(id(1), day(3, 1)), (id(2), day(3, 20))].into(),
            moves: vec![
                step(1, "identification", "assessment", day(3, 2)),
                step(1, "assessment", "care_plan", day(3, 5)),
                // A second pass through assessment does not count twice.
                step(1, "care_plan", "assessment", day(3, 6)),
                step(1, "assessment", "care_plan", day(3, 7)),
                step(2, "assessment", "care_plan", day(4, 3)),
                step(1, "care_plan", "closed", day(4, 10)),
                step(2, "care_plan", "closed", day(4, 12)),
                step(1, "closed", "reopened", day(4, 20)),
            ],
            contacts: vec![(id(1), day(3, 10)), (id(1), day(3, 30)), (id(2), day(4, 1))],
            plans: vec![
                PlanVersion {
                    case: id(1),
                    submitted: true,
                    objectives_and_timelines: true,
                    at: day(3, 6),
                },
                PlanVersion {
                    case: id(2),
                    submitted: true,
                    objectives_and_timelines: false,
                    at: day(3, 25),
                },
                PlanVersion {
                    case: id(2),
                    submitted: false,
                    objectives_and_timelines: false,
                    at: day(3, 26),
                },
            ],
            closure_documented: [id(1)].into(),
            ..TeamHistory::default()
        };
        let metrics = monthly_metrics(&history, &stages, day(4, 30), 2);
        let (march, april) = (&metrics[0], &metrics[1]);
        assert_eq!(march.month, "2026-03");
        assert_eq!(march.assessments_completed, 1);
        assert_eq!(march.average_days_to_assessment, Some(4.0));
        assert_eq!(
            march.plans_with_objectives_and_timelines,
            Share { of: 2, met: 1 }
        );
        // 10 March is 9 days after opening; 30 March is 20 days after 10 March.
        assert_eq!(march.follow_ups_within_interval, Share { of: 2, met: 1 });
        assert_eq!(april.average_days_to_assessment, Some(14.0));
        assert_eq!(april.follow_ups_within_interval, Share { of: 1, met: 1 });
        assert_eq!(april.closures_with_outcome, Share { of: 2, met: 1 });
        assert_eq!(april.reopenings, 1);
        assert_eq!(april.reopen_rate(), Some(0.5));
        assert_eq!(march.reopen_rate(), None);
        assert_eq!(Share::default().ratio(), None);
    }

    #[test]
    fn a_case_type_s_own_interval_judges_its_contacts() {
        let terminal = BTreeSet::new();
        let stages = MetricStages {
            assessment: "assessment",
            terminal: &terminal,
            follow_up_days: 14,
            follow_up_days_by_type: [("general_protection".to_string(), 30)].into(),
        };
        let history = TeamHistory {
            opened: [(id(1), day(3, 1)), (id(2), day(3, 1))].into(),
            case_types: [
                (id(1), "general_protection".to_string()),
                (id(2), "child_protection".to_string()),
            ]
            .into(),
            contacts: vec![(id(1), day(3, 21)), (id(2), day(3, 21))],
            ..TeamHistory::default()
        };
        let march = &monthly_metrics(&history, &stages, day(3, 31), 1)[0];
        assert_eq!(march.follow_ups_within_interval, Share { of: 2, met: 1 });
    }

    #[test]
    fn events_outside_the_months_are_left_out() {
        let terminal = BTreeSet::new();
        let stages = MetricStages {
            assessment: "assessment",
            terminal: &terminal,
            follow_up_days: 14,
            follow_up_days_by_type: BTreeMap::new(),
        };
        let history = TeamHistory {
            opened: [(id(1), day(1, 1))].into(),
            moves: vec![step(1, "assessment", "care_plan", day(1, 5))],
            ..TeamHistory::default()
        };
        let metrics = monthly_metrics(&history, &stages, day(4, 30), 2);
        assert!(metrics.iter().all(|m| m.assessments_completed == 0));
    }
}
