//! The timeline rules, driven by the clock: each deadline is checked just before and at its
//! threshold, across weekends and holidays, and again when it escalates.
//!
//! Dates used: 2026-11-30 is a Monday, 2026-12-24 a Thursday, 2026-12-25 and 2027-01-01
//! Fridays (the holidays of the shipped calendar).

use caseward_domain::calendar::WorkingCalendar;
use caseward_domain::deadlines::{
    CaseTimeline, Deadline, DeadlineKind, DeadlineRules, Level, StageLimit, deadlines, passed,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc, Weekday};
use std::collections::BTreeMap;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

const SECOND: Duration = Duration::seconds(1);

fn calendar_with(holidays: &[(i32, u32, u32)]) -> WorkingCalendar {
    WorkingCalendar::new(
        [Weekday::Sat, Weekday::Sun],
        holidays
            .iter()
            .map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
    )
    .unwrap()
}

/// The shipped calendar: Christmas and New Year's Day off.
fn shipped_calendar() -> WorkingCalendar {
    calendar_with(&[(2026, 12, 25), (2027, 1, 1)])
}

/// A case at `stage` since `since`, with no other clock running.
fn case_at(stage: &str, since: DateTime<Utc>) -> CaseTimeline {
    CaseTimeline {
        stage: stage.into(),
        stage_since: since,
        emergency: false,
        terminal: false,
        follow_up_interval_days: None,
        follow_up_since: None,
        follow_up_planned: None,
        review_since: None,
        review_frequency_days: None,
        approval_requested: None,
        transfer_requested: None,
    }
}

/// The case's passed deadlines of one kind, with their level.
fn passed_of(
    timeline: &CaseTimeline,
    calendar: &WorkingCalendar,
    kind: DeadlineKind,
    now: DateTime<Utc>,
) -> Vec<(Deadline, Level)> {
    passed(timeline, &DeadlineRules::default(), calendar, now)
        .into_iter()
        .filter(|(d, _)| d.kind == kind)
        .collect()
}

/// The level reached by the one deadline of `kind` at `now`, `None` while it has not passed.
fn level(
    timeline: &CaseTimeline,
    calendar: &WorkingCalendar,
    kind: DeadlineKind,
    now: DateTime<Utc>,
) -> Option<Level> {
    let passed = passed_of(timeline, calendar, kind, now);
    assert!(passed.len() <= 1, "{passed:?}");
    passed.first().map(|(_, level)| *level)
}

/// Asserts the deadline is not passed a second before `due`, and alerts at `due`.
fn alerts_at(
    timeline: &CaseTimeline,
    calendar: &WorkingCalendar,
    kind: DeadlineKind,
    due: DateTime<Utc>,
) {
    assert_eq!(level(timeline, calendar, kind, due - SECOND), None, "{due}");
    assert_eq!(
        level(timeline, calendar, kind, due),
        Some(Level::Alert),
        "{due}"
    );
}

/// Asserts the deadline is an alert a second before `escalates`, and escalates at it.
fn escalates_at(
    timeline: &CaseTimeline,
    calendar: &WorkingCalendar,
    kind: DeadlineKind,
    escalates: DateTime<Utc>,
) {
    assert_eq!(
        level(timeline, calendar, kind, escalates - SECOND),
        Some(Level::Alert),
        "{escalates}"
    );
    assert_eq!(
        level(timeline, calendar, kind, escalates),
        Some(Level::Escalation),
        "{escalates}"
    );
}

#[test]
fn identification_over_a_friday_holiday_is_due_on_the_following_friday() {
    // Identified on Thursday 24 December at 10:00; Friday 25th is a holiday: Monday 28th is
    // the first working day, Friday 1 January the fifth.
    let calendar = calendar_with(&[(2026, 12, 25)]);
    let case = case_at("identification", at(2026, 12, 24, 10, 0));
    let kind = DeadlineKind::StageTooLong;
    assert_eq!(
        level(&case, &calendar, kind, at(2026, 12, 29, 23, 59)),
        None
    );
    alerts_at(&case, &calendar, kind, at(2027, 1, 1, 10, 0));
    let (deadline, _) = passed_of(&case, &calendar, kind, at(2027, 1, 1, 10, 0)).remove(0);
    assert_eq!(deadline.stage.as_deref(), Some("identification"));
    // Without the holiday it would have been due on Thursday 31st.
    alerts_at(
        &case,
        &WorkingCalendar::default(),
        kind,
        at(2026, 12, 31, 10, 0),
    );
    // With New Year's Day off as well, on Monday 4 January.
    alerts_at(&case, &shipped_calendar(), kind, at(2027, 1, 4, 10, 0));
}

#[test]
fn an_emergency_identification_counts_clock_hours_over_the_weekend() {
    // Identified on Friday 4 December at 16:00: 48 hours later is Sunday 6th at 16:00.
    let calendar = shipped_calendar();
    let mut case = case_at("identification", at(2026, 12, 4, 16, 0));
    case.emergency = true;
    let kind = DeadlineKind::StageTooLong;
    alerts_at(&case, &calendar, kind, at(2026, 12, 6, 16, 0));
    // Passed on a Sunday: the two working days to escalation are Monday and Tuesday, in full.
    escalates_at(&case, &calendar, kind, at(2026, 12, 9, 0, 0));
    // The same case, not an emergency: five working days, Friday 11th at 16:00.
    case.emergency = false;
    alerts_at(&case, &calendar, kind, at(2026, 12, 11, 16, 0));
}

#[test]
fn an_assessment_beyond_five_working_days_is_flagged_emergency_or_not() {
    let calendar = shipped_calendar();
    let mut case = case_at("assessment", at(2026, 11, 30, 9, 0));
    let kind = DeadlineKind::StageTooLong;
    alerts_at(&case, &calendar, kind, at(2026, 12, 7, 9, 0));
    escalates_at(&case, &calendar, kind, at(2026, 12, 9, 9, 0));
    case.emergency = true;
    alerts_at(&case, &calendar, kind, at(2026, 12, 7, 9, 0));
}

#[test]
fn a_stage_without_a_limit_may_last() {
    let case = case_at("implementation", at(2026, 1, 5, 9, 0));
    let rules = DeadlineRules::default();
    assert_eq!(deadlines(&case, &rules, &shipped_calendar()), []);
}

#[test]
fn a_stage_limit_in_calendar_days_counts_the_weekend() {
    let rules = DeadlineRules {
        stage_limits: BTreeMap::from([(
            "care_plan".to_string(),
            StageLimit {
                days: Some(10),
                ..StageLimit::default()
            },
        )]),
        ..DeadlineRules::default()
    };
    let case = case_at("care_plan", at(2026, 12, 18, 8, 0));
    let running = deadlines(&case, &rules, &shipped_calendar());
    assert_eq!(running.len(), 1, "{running:?}");
    // Ten days over Christmas: Monday 28th; escalation two working days on.
    assert_eq!(running[0].due, at(2026, 12, 28, 8, 0));
    assert_eq!(running[0].escalates, at(2026, 12, 30, 8, 0));
}

#[test]
fn a_follow_up_without_contact_is_overdue_after_its_interval_in_days() {
    let calendar = shipped_calendar();
    let mut case = case_at("implementation", at(2026, 11, 2, 9, 0));
    let kind = DeadlineKind::FollowUpOverdue;
    assert!(deadlines(&case, &DeadlineRules::default(), &calendar).is_empty());
    // Last contact on Thursday 3 December at 12:00: the instance default is 14 days.
    case.follow_up_since = Some(at(2026, 12, 3, 12, 0));
    alerts_at(&case, &calendar, kind, at(2026, 12, 17, 12, 0));
    escalates_at(&case, &calendar, kind, at(2026, 12, 21, 12, 0));
    // The case's own interval wins.
    case.follow_up_interval_days = Some(7);
    alerts_at(&case, &calendar, kind, at(2026, 12, 10, 12, 0));
    // A newer contact restarts the clock.
    case.follow_up_since = Some(at(2026, 12, 9, 12, 0));
    assert_eq!(level(&case, &calendar, kind, at(2026, 12, 10, 12, 0)), None);
    // A contact planned for a date: due when that day is over, whatever the interval.
    case.follow_up_planned = Some(at(2026, 12, 12, 0, 0));
    assert_eq!(
        level(&case, &calendar, kind, at(2026, 12, 11, 23, 59)),
        None
    );
    alerts_at(&case, &calendar, kind, at(2026, 12, 12, 0, 0));
}

#[test]
fn a_review_is_due_every_n_days_from_the_last() {
    let calendar = shipped_calendar();
    let mut case = case_at("implementation", at(2026, 10, 1, 9, 0));
    let kind = DeadlineKind::ReviewDue;
    case.review_since = Some(at(2026, 11, 1, 8, 0));
    // No frequency: no periodic review.
    assert_eq!(level(&case, &calendar, kind, at(2027, 6, 1, 0, 0)), None);
    case.review_frequency_days = Some(30);
    alerts_at(&case, &calendar, kind, at(2026, 12, 1, 8, 0));
    escalates_at(&case, &calendar, kind, at(2026, 12, 3, 8, 0));
}

#[test]
fn an_approval_pending_escalates_over_a_holiday_and_a_weekend() {
    let calendar = shipped_calendar();
    let mut case = case_at("case_review", at(2026, 12, 1, 9, 0));
    let kind = DeadlineKind::ApprovalPending;
    // Asked on Tuesday 29 December at 15:00: due Thursday 31st at 15:00; New Year's Day and
    // the weekend pass before the two working days to escalation, Monday 4th and Tuesday 5th.
    case.approval_requested = Some(at(2026, 12, 29, 15, 0));
    alerts_at(&case, &calendar, kind, at(2026, 12, 31, 15, 0));
    escalates_at(&case, &calendar, kind, at(2027, 1, 5, 15, 0));
    // Asked on Christmas Eve: the holiday does not count.
    case.approval_requested = Some(at(2026, 12, 24, 15, 0));
    alerts_at(&case, &calendar, kind, at(2026, 12, 29, 15, 0));
}

#[test]
fn a_transfer_waits_three_working_days_for_acknowledgement() {
    let calendar = shipped_calendar();
    let mut case = case_at("implementation", at(2026, 12, 1, 9, 0));
    let kind = DeadlineKind::TransferUnacknowledged;
    // Asked on Wednesday 23 December at 10:00: Thursday 24th, Monday 28th, Tuesday 29th.
    case.transfer_requested = Some(at(2026, 12, 23, 10, 0));
    alerts_at(&case, &calendar, kind, at(2026, 12, 29, 10, 0));
    escalates_at(&case, &calendar, kind, at(2026, 12, 31, 10, 0));
    // Asked on Saturday 26th: counting starts on Monday 28th at 00:00, so three full days.
    case.transfer_requested = Some(at(2026, 12, 26, 11, 0));
    alerts_at(&case, &calendar, kind, at(2026, 12, 31, 0, 0));
}

#[test]
fn the_delays_follow_the_rules() {
    let calendar = shipped_calendar();
    let rules = DeadlineRules {
        approval_working_days: 1,
        escalate_after_working_days: 5,
        ..DeadlineRules::default()
    };
    let mut case = case_at("implementation", at(2026, 12, 1, 9, 0));
    case.approval_requested = Some(at(2026, 11, 30, 9, 0));
    let running = deadlines(&case, &rules, &calendar);
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].due, at(2026, 12, 1, 9, 0));
    assert_eq!(running[0].escalates, at(2026, 12, 8, 9, 0));
    let now = at(2026, 12, 8, 9, 0);
    assert_eq!(
        passed(&case, &rules, &calendar, now)[0].1,
        Level::Escalation
    );
}

#[test]
fn every_clock_runs_at_once_and_none_in_a_terminal_stage() {
    let calendar = shipped_calendar();
    let since = at(2026, 11, 30, 9, 0);
    let mut case = CaseTimeline {
        stage: "identification".into(),
        stage_since: since,
        emergency: true,
        terminal: false,
        follow_up_interval_days: Some(3),
        follow_up_since: Some(since),
        follow_up_planned: None,
        review_since: Some(since),
        review_frequency_days: Some(30),
        approval_requested: Some(since),
        transfer_requested: Some(since),
    };
    let rules = DeadlineRules::default();
    let kinds: Vec<_> = deadlines(&case, &rules, &calendar)
        .iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(kinds, DeadlineKind::ALL);
    assert!(
        deadlines(&case, &rules, &calendar)
            .iter()
            .all(|d| d.stage.is_some() == (d.kind == DeadlineKind::StageTooLong))
    );
    let far = at(2027, 6, 1, 0, 0);
    assert_eq!(passed(&case, &rules, &calendar, far).len(), 5);
    case.stage = "closed".into();
    case.terminal = true;
    assert_eq!(deadlines(&case, &rules, &calendar), []);
    assert_eq!(passed(&case, &rules, &calendar, far), []);
}
