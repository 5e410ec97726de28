//! The deadline sweep: every open case's timeline against the instance's rules
//! (`domain::deadlines`), each passed deadline recorded as an alert for the case's worker and,
//! escalated, for the supervisors of the worker's teams. An approval waiting too long alerts
//! the supervisors, who owe it. Alerts are recorded once however often the sweep runs; a new
//! alert to someone with a notification address queues its email in the same transaction.

use crate::jobs::ALERT_EMAIL;
use crate::problem::ApiResult;
use crate::state::AppState;
use caseward_domain::config::Configuration;
use caseward_domain::deadlines::{CaseTimeline, DeadlineKind, Level, passed};
use caseward_domain::team::Team;
use caseward_domain::user::UserId;
use caseward_store::{CaseTimelineFacts, NewAlert, NewJob, TimelineFilter};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// The filter that reads every open case's timeline.
pub fn open_cases(config: &Configuration) -> TimelineFilter {
    TimelineFilter {
        exclude_stages: config.terminal_stages(),
        emergency_fields: emergency_fields(config),
        ..TimelineFilter::default()
    }
}

/// The yes/no fields that mark a case an emergency, each once.
pub fn emergency_fields(config: &Configuration) -> Vec<String> {
    config
        .case_types
        .iter()
        .filter_map(|t| t.emergency_field.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A case's timeline as the rules see it: follow-up runs in a follow-up stage from the later
/// of its entry and the last contact; the review clock from the entry into a review stage.
pub fn timeline(config: &Configuration, facts: &CaseTimelineFacts) -> CaseTimeline {
    let stage = config.stage(&facts.stage);
    let follow_up = stage.is_some_and(|s| s.follow_up);
    let review = stage.is_some_and(|s| s.review);
    CaseTimeline {
        stage: facts.stage.clone(),
        stage_since: facts.stage_since,
        emergency: facts.emergency,
        terminal: stage.is_some_and(|s| s.terminal),
        follow_up_interval_days: config
            .case_type(&facts.case_type)
            .and_then(|t| t.follow_up_days),
        follow_up_since: follow_up.then(|| {
            facts
                .last_contact
                .map_or(facts.stage_since, |c| c.max(facts.stage_since))
        }),
        // A planned date is due when that day is over.
        follow_up_planned: follow_up
            .then(|| {
                facts
                    .planned_contact
                    .and_then(|d| d.succ_opt())
                    .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
            })
            .flatten(),
        review_since: review.then_some(facts.stage_since),
        review_frequency_days: config
            .case_type(&facts.case_type)
            .map(|t| t.review_frequency_days),
        approval_requested: facts.approval_requested,
        transfer_requested: None,
    }
}

/// Open cases a sweep reads at a time. A sweep of a million cases on SQLite peaked at 94–96 MiB
/// resident with pages of 500 and at 115–120 MiB with pages of 2,000, in about the same time
/// (13 s against 12 s; BENCHMARKS, twenty-first session).
const SWEEP_PAGE: u32 = 500;

/// Check every open case at `now`; how many alerts were new.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> ApiResult<u32> {
    sweep_in_pages(state, now, SWEEP_PAGE).await
}

/// [`sweep`], reading `page` cases at a time and recording each page's alerts in a write of
/// its own: at a million cases reading them all at once held 1.8 GB and a reader for 40 s,
/// and their alerts held the writer while edits waited.
pub async fn sweep_in_pages(state: &AppState, now: DateTime<Utc>, page: u32) -> ApiResult<u32> {
    let started = std::time::Instant::now();
    let mut teams: BTreeMap<UserId, Vec<Team>> = BTreeMap::new();
    let mut emails: BTreeMap<UserId, bool> = BTreeMap::new();
    let mut raised = 0;
    let mut open = 0;
    let mut after = None;
    loop {
        let cases = state
            .store
            .case_timelines(&TimelineFilter {
                limit: Some(page),
                after,
                ..open_cases(&state.config)
            })
            .await?;
        let Some(last) = cases.last() else { break };
        after = Some(last.id);
        open += cases.len();
        let alerts = page_alerts(state, now, &cases, &mut teams, &mut emails).await?;
        raised += state.store.raise_alerts(alerts, now).await?;
        if cases.len() < page as usize {
            break;
        }
    }
    // Counts and a duration only: what an operator sizing the sweep needs.
    tracing::info!(
        open_cases = open,
        new_alerts = raised,
        seconds = started.elapsed().as_secs_f64(),
        "deadline sweep done"
    );
    Ok(raised)
}

/// The alerts of one page of cases (the teams and addresses looked up are kept for the next).
async fn page_alerts(
    state: &AppState,
    now: DateTime<Utc>,
    cases: &[CaseTimelineFacts],
    teams: &mut BTreeMap<UserId, Vec<Team>>,
    emails: &mut BTreeMap<UserId, bool>,
) -> ApiResult<Vec<NewAlert>> {
    let config = &state.config;
    let mut alerts = Vec::new();
    for facts in cases {
        let due = passed(
            &timeline(config, facts),
            &config.deadline_rules,
            &config.calendar,
            now,
        );
        if due.is_empty() {
            continue;
        }
        if let std::collections::btree_map::Entry::Vacant(entry) = teams.entry(facts.assigned_to) {
            entry.insert(state.store.teams_of(facts.assigned_to).await?);
        }
        let supervisors: BTreeSet<UserId> = teams[&facts.assigned_to]
            .iter()
            .filter(|t| t.handles(&facts.case_type))
            .filter_map(|t| t.supervisor)
            .collect();
        for (deadline, level) in due {
            // Every level reached is recorded, so that a late sweep still alerts the worker.
            let levels: &[Level] = match level {
                Level::Alert => &[Level::Alert],
                Level::Escalation => &[Level::Alert, Level::Escalation],
            };
            for &level in levels {
                let recipients: Vec<UserId> =
                    if level == Level::Alert && deadline.kind != DeadlineKind::ApprovalPending {
                        vec![facts.assigned_to]
                    } else {
                        supervisors.iter().copied().collect()
                    };
                for recipient in recipients {
                    if let std::collections::btree_map::Entry::Vacant(entry) =
                        emails.entry(recipient)
                    {
                        entry.insert(state.store.notification_email(recipient).await?.is_some());
                    }
                    let id = caseward_domain::case::new_record_id();
                    alerts.push(NewAlert {
                        id,
                        case_id: facts.id,
                        recipient,
                        kind: deadline.kind.id().into(),
                        stage: deadline.stage.clone(),
                        level: level.as_str().into(),
                        due: deadline.due,
                        job: (state.settings.smtp.is_some() && emails[&recipient]).then(|| {
                            NewJob {
                                id: caseward_domain::case::new_record_id(),
                                kind: ALERT_EMAIL.into(),
                                singleton: None,
                                payload: serde_json::json!({ "alert": id }).to_string(),
                                run_at: now,
                            }
                        }),
                    });
                }
            }
        }
    }
    Ok(alerts)
}
