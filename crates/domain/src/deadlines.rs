//! The timeline rules: how long a case may stay in a stage, and how long a follow-up, a review,
//! an approval or a transfer may wait. Pure: the caller states the facts of one case
//! ([`CaseTimeline`]) and the instant, and this says which deadlines run and which have passed.
//!
//! A passed deadline alerts the case's worker; still unresolved
//! [`DeadlineRules::escalate_after_working_days`] working days later, it escalates to the
//! supervisor. Working days are those of the instance's [`WorkingCalendar`]; emergency limits
//! are in clock hours, follow-ups and reviews in calendar days.

use crate::calendar::WorkingCalendar;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use std::str::FromStr;

/// What a deadline is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineKind {
    /// The case has stayed too long in its stage (identification, assessment); the stage is
    /// [`Deadline::stage`].
    StageTooLong,
    /// The follow-up interval elapsed without a recorded contact.
    FollowUpOverdue,
    /// The case type's periodic review is due.
    ReviewDue,
    /// An approval has been waiting too long.
    ApprovalPending,
    /// A transfer has been waiting too long for the receiving side's acknowledgement.
    TransferUnacknowledged,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 5] = [
        Self::StageTooLong,
        Self::FollowUpOverdue,
        Self::ReviewDue,
        Self::ApprovalPending,
        Self::TransferUnacknowledged,
    ];

    /// The stable id stored and shown in the API.
    pub fn id(&self) -> &'static str {
        match self {
            Self::StageTooLong => "stage_too_long",
            Self::FollowUpOverdue => "follow_up_overdue",
            Self::ReviewDue => "review_due",
            Self::ApprovalPending => "approval_pending",
            Self::TransferUnacknowledged => "transfer_unacknowledged",
        }
    }
}

/// A text that is no deadline kind's id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown deadline kind \"{0}\"")]
pub struct UnknownDeadlineKind(pub String);

impl FromStr for DeadlineKind {
    type Err = UnknownDeadlineKind;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.id() == text)
            .ok_or_else(|| UnknownDeadlineKind(text.into()))
    }
}

/// A deadline running for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The stage a [`DeadlineKind::StageTooLong`] is about; `None` for the other kinds.
    pub stage: Option<String>,
    /// When the worker is alerted.
    pub due: DateTime<Utc>,
    /// When, still unresolved, it escalates to the supervisor.
    pub escalates: DateTime<Utc>,
}

/// How far a passed deadline has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Passed: the worker is alerted.
    Alert,
    /// Passed and unresolved beyond the escalation delay: the supervisor is alerted.
    Escalation,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alert => "alert",
            Self::Escalation => "escalation",
        }
    }
}

/// The facts about one case that the rules need; never any of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTimeline {
    /// The case's current stage.
    pub stage: String,
    /// When the case entered it.
    pub stage_since: DateTime<Utc>,
    pub emergency: bool,
    /// The stage is terminal (closed, transferred): no deadline runs.
    pub terminal: bool,
    /// The case's own follow-up interval in days, or its case type's;
    /// `None`: [`DeadlineRules::follow_up_days`].
    pub follow_up_interval_days: Option<u32>,
    /// The last recorded contact, or when follow-up started; `None`: no follow-up runs.
    pub follow_up_since: Option<DateTime<Utc>>,
    /// The next contact as the last one planned it: when set, the follow-up is due then
    /// instead of after the interval.
    pub follow_up_planned: Option<DateTime<Utc>>,
    /// The last review, or when the review clock started (the case entered its first stage
    /// after the care plan); `None`: no review is due yet.
    pub review_since: Option<DateTime<Utc>>,
    /// The case type's review frequency in days; `None`: no periodic review.
    pub review_frequency_days: Option<u32>,
    /// When the pending approval was asked for; `None`: none pending.
    pub approval_requested: Option<DateTime<Utc>>,
    /// When the pending transfer was asked for; `None`: none awaiting acknowledgement.
    pub transfer_requested: Option<DateTime<Utc>>,
}

/// How long a case may stay in one stage. An emergency case gets `emergency_hours` (clock
/// hours) when set; otherwise, and for every other case, `working_days` or `days`. The loader
/// accepts at most one of `working_days` and `days`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageLimit {
    pub working_days: Option<u32>,
    /// Calendar days.
    pub days: Option<u32>,
    pub emergency_hours: Option<u32>,
}

/// The instance's timeline rules (`[deadlines]`, and `limit` on `[[stage]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules {
    /// Stage id to its limit; a stage without one may last.
    pub stage_limits: BTreeMap<String, StageLimit>,
    /// The follow-up interval of a case that sets none, in days.
    pub follow_up_days: u32,
    pub approval_working_days: u32,
    pub transfer_acknowledgement_working_days: u32,
    /// The working days between a deadline's alert and its escalation.
    pub escalate_after_working_days: u32,
}

impl DeadlineRules {
    pub const DEFAULT_FOLLOW_UP_DAYS: u32 = 14;
    pub const DEFAULT_APPROVAL_WORKING_DAYS: u32 = 2;
    pub const DEFAULT_TRANSFER_ACKNOWLEDGEMENT_WORKING_DAYS: u32 = 3;
    pub const DEFAULT_ESCALATE_AFTER_WORKING_DAYS: u32 = 2;

    /// These stage limits, and the default delays.
    pub fn with_stage_limits(stage_limits: BTreeMap<String, StageLimit>) -> Self {
        Self {
            stage_limits,
            follow_up_days: Self::DEFAULT_FOLLOW_UP_DAYS,
            approval_working_days: Self::DEFAULT_APPROVAL_WORKING_DAYS,
            transfer_acknowledgement_working_days:
                Self::DEFAULT_TRANSFER_ACKNOWLEDGEMENT_WORKING_DAYS,
            escalate_after_working_days: Self::DEFAULT_ESCALATE_AFTER_WORKING_DAYS,
        }
    }
}

impl Default for DeadlineRules {
    /// The seed's rules: identification within 48 hours for an emergency and 5 working days
    /// otherwise, assessment within 5 working days, and the default delays.
    fn default() -> Self {
        let identification = StageLimit {
            working_days: Some(5),
            days: None,
            emergency_hours: Some(48),
        };
        let assessment = StageLimit {
            working_days: Some(5),
            ..StageLimit::default()
        };
        Self::with_stage_limits(BTreeMap::from([
            ("identification".to_string(), identification),
            ("assessment".to_string(), assessment),
        ]))
    }
}

/// Every deadline running for the case, in the order of [`DeadlineKind::ALL`]; none in a
/// terminal stage.
pub fn deadlines(
    timeline: &CaseTimeline,
    rules: &DeadlineRules,
    calendar: &WorkingCalendar,
) -> Vec<Deadline> {
    if timeline.terminal {
        return Vec::new();
    }
    let working_days = |from: DateTime<Utc>, n: u32| calendar.add_working_days(from, n);
    let mut running = Vec::new();
    let mut run = |kind: DeadlineKind, due: DateTime<Utc>| {
        running.push(Deadline {
            kind,
            stage: (kind == DeadlineKind::StageTooLong).then(|| timeline.stage.clone()),
            due,
            escalates: working_days(due, rules.escalate_after_working_days),
        });
    };
    if let Some(due) = rules
        .stage_limits
        .get(&timeline.stage)
        .and_then(|limit| stage_due(limit, timeline, calendar))
    {
        run(DeadlineKind::StageTooLong, due);
    }
    if let Some(since) = timeline.follow_up_since {
        let interval = timeline
            .follow_up_interval_days
            .unwrap_or(rules.follow_up_days);
        let due = timeline
            .follow_up_planned
            .unwrap_or_else(|| after_days(since, interval));
        run(DeadlineKind::FollowUpOverdue, due);
    }
    if let (Some(since), Some(every)) = (timeline.review_since, timeline.review_frequency_days) {
        run(DeadlineKind::ReviewDue, after_days(since, every));
    }
    if let Some(requested) = timeline.approval_requested {
        let due = working_days(requested, rules.approval_working_days);
        run(DeadlineKind::ApprovalPending, due);
    }
    if let Some(requested) = timeline.transfer_requested {
        let due = working_days(requested, rules.transfer_acknowledgement_working_days);
        run(DeadlineKind::TransferUnacknowledged, due);
    }
    running
}

/// The deadlines passed at `now` (`due <= now`), each with the level it has reached
/// (escalated once `escalates <= now`).
pub fn passed(
    timeline: &CaseTimeline,
    rules: &DeadlineRules,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Vec<(Deadline, Level)> {
    deadlines(timeline, rules, calendar)
        .into_iter()
        .filter(|d| d.due <= now)
        .map(|d| {
            let level = if d.escalates <= now {
                Level::Escalation
            } else {
                Level::Alert
            };
            (d, level)
        })
        .collect()
}

/// When the case's stage limit runs out, if it has one that applies to the case.
fn stage_due(
    limit: &StageLimit,
    timeline: &CaseTimeline,
    calendar: &WorkingCalendar,
) -> Option<DateTime<Utc>> {
    let since = timeline.stage_since;
    if timeline.emergency
        && let Some(hours) = limit.emergency_hours
    {
        return Some(saturating_add(since, Duration::hours(i64::from(hours))));
    }
    match (limit.working_days, limit.days) {
        (Some(n), _) => Some(calendar.add_working_days(since, n)),
        (None, Some(days)) => Some(after_days(since, days)),
        (None, None) => None,
    }
}

fn after_days(since: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    saturating_add(since, Duration::days(i64::from(days)))
}

fn saturating_add(instant: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    instant
        .checked_add_signed(by)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_ids() {
        for kind in DeadlineKind::ALL {
            assert_eq!(kind.id().parse(), Ok(kind));
        }
        assert_eq!(
            "stage".parse::<DeadlineKind>(),
            Err(UnknownDeadlineKind("stage".into()))
        );
    }

    #[test]
    fn the_default_rules_are_the_seed_s() {
        let rules = DeadlineRules::default();
        assert_eq!(
            rules.stage_limits["identification"].emergency_hours,
            Some(48)
        );
        assert_eq!(rules.stage_limits["identification"].working_days, Some(5));
        assert_eq!(rules.stage_limits["assessment"].working_days, Some(5));
        assert_eq!(rules.stage_limits["assessment"].emergency_hours, None);
        assert_eq!(
            (
                rules.follow_up_days,
                rules.approval_working_days,
                rules.transfer_acknowledgement_working_days,
                rules.escalate_after_working_days
            ),
            (14, 2, 3, 2)
        );
    }
}
