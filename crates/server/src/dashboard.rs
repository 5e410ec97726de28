//! The supervisor's dashboard (the seed's Figure 4) over the teams they supervise: each
//! worker's caseload against the case types' targets, the deadlines passed now, the cases by
//! stage, the cases that need attention, and the quality metrics month by month. Counts,
//! times and case numbers only, never case content; reading it is recorded in the trail.

use crate::audit::RequestInfo;
use crate::case_context::refused;
use crate::cases::UserRefView;
use crate::deadline_sweep::{emergency_fields, timeline};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use caseward_domain::access::Permission;
use caseward_domain::access::caseload::{Caseload, CaseloadLimits};
use caseward_domain::audit::AuditAction;
use caseward_domain::deadlines::{DeadlineKind, Level, passed};
use caseward_domain::quality::{MetricStages, MonthMetrics, Share, monthly_metrics};
use caseward_store::UserRef;
use chrono::Duration;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// Months of quality metrics shown.
const MONTHS: u32 = 6;
/// Cases listed as needing attention, most urgent first.
const ATTENTION_LIMIT: usize = 50;
/// A case opened within this many days is new.
const NEW_DAYS: i64 = 30;
/// The stage whose completion the "days to a completed assessment" metric counts.
const ASSESSMENT_STAGE: &str = "assessment";

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseTypeLoad {
    pub case_type: String,
    /// Open cases of the type.
    pub active: u32,
    /// Intensity-weighted load (a low case weighs 0.5, a high one 1.5).
    pub load: f64,
    pub recommended: u32,
    pub maximum: u32,
    /// `within`, `above_recommended` or `above_maximum`.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerLoad {
    pub worker: UserRefView,
    pub active: u32,
    /// Opened in the last 30 days.
    pub new: u32,
    pub by_case_type: Vec<CaseTypeLoad>,
    /// Above a case type's recommended caseload.
    pub above_target: bool,
}

/// Deadlines passed now, by kind, over the team's open cases.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AlertCounts {
    /// Cases beyond their stage's limit, by stage (an assessment over 5 working days, a case
    /// too long in identification).
    pub stages_overdue: Vec<StageCount>,
    pub follow_ups_overdue: u32,
    pub reviews_due: u32,
    /// Care plans waiting for a decision (however long).
    pub care_plans_pending: u32,
    /// Deadlines past their escalation.
    pub escalated: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageCount {
    pub stage: String,
    pub cases: u32,
}

/// A case with deadlines passed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttentionCase {
    pub case_id: Uuid,
    pub case_number: String,
    pub worker: UserRefView,
    pub stage: String,
    /// The kinds of deadline passed (`domain::deadlines` ids).
    pub kinds: Vec<String>,
    pub escalated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricShare {
    pub of: u32,
    pub met: u32,
    /// `met / of`, null when there was nothing to count.
    pub ratio: Option<f64>,
}

impl From<Share> for MetricShare {
    fn from(share: Share) -> Self {
        Self {
            of: share.of,
            met: share.met,
            ratio: share.ratio(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthMetricsView {
    /// `YYYY-MM`.
    pub month: String,
    pub assessments_completed: u32,
    pub average_days_to_assessment: Option<f64>,
    pub plans_with_objectives_and_timelines: MetricShare,
    pub follow_ups_within_interval: MetricShare,
    pub closures_with_outcome: MetricShare,
    pub reopenings: u32,
    /// Reopenings per closure in the month.
    pub reopen_rate: Option<f64>,
}

impl From<&MonthMetrics> for MonthMetricsView {
    fn from(m: &MonthMetrics) -> Self {
        Self {
            month: m.month.clone(),
            assessments_completed: m.assessments_completed,
            average_days_to_assessment: m.average_days_to_assessment,
            plans_with_objectives_and_timelines: m.plans_with_objectives_and_timelines.into(),
            follow_ups_within_interval: m.follow_ups_within_interval.into(),
            closures_with_outcome: m.closures_with_outcome.into(),
            reopenings: m.reopenings,
            reopen_rate: m.reopen_rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub workers: Vec<WorkerLoad>,
    pub alerts: AlertCounts,
    /// Open cases by stage, in the configuration's order.
    pub stages: Vec<StageCount>,
    pub attention: Vec<AttentionCase>,
    /// Oldest month first.
    pub metrics: Vec<MonthMetricsView>,
}

/// The dashboard over the teams the user supervises.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "cases",
    responses((status = 200, body = Dashboard), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
) -> ApiResult<Json<Dashboard>> {
    if !state.user_can(&user, Permission::ViewTeamWorkload) {
        let error = ApiError::Forbidden("your role does not see a team's workload".into());
        return Err(refused(
            &state,
            &user,
            &origin,
            AuditAction::DashboardRead,
            None,
            error,
        )
        .await);
    }
    // Waiting here holds nothing; the semaphore is never closed.
    let _turn = state
        .dashboards
        .acquire()
        .await
        .map_err(|_| ApiError::Internal("the dashboards' semaphore is closed".into()))?;
    let config = &state.config;
    let now = state.clock.now();
    // The teams and their cases' rows, read together: the open cases' timelines and the
    // quality metrics' history are both derived from the rows.
    let (teams, records) = state
        .store
        .supervised_teams_and_records(user.id, &emergency_fields(config))
        .await?;
    let mut people: BTreeMap<Uuid, UserRef> = BTreeMap::new();
    for team in &teams {
        for member in &team.members {
            people.insert(member.id, member.clone());
        }
    }
    let terminal: BTreeSet<String> = config.terminal_stages();
    let cases = records.timelines(&terminal);

    // Caseloads.
    let mut loads: BTreeMap<(Uuid, String), Vec<caseward_domain::config::Intensity>> =
        BTreeMap::new();
    let mut new: BTreeMap<Uuid, u32> = BTreeMap::new();
    for case in &cases {
        loads
            .entry((case.assigned_to, case.case_type.clone()))
            .or_default()
            .push(case.intensity);
        if now - case.opened_at <= Duration::days(NEW_DAYS) {
            *new.entry(case.assigned_to).or_default() += 1;
        }
    }
    let workers = people
        .values()
        .map(|person| {
            let by_case_type: Vec<CaseTypeLoad> = loads
                .iter()
                .filter(|((worker, _), _)| *worker == person.id)
                .filter_map(|((_, type_id), intensities)| {
                    let case_type = config.case_type(type_id)?;
                    let load = Caseload::of(intensities.iter().copied());
                    let limits = CaseloadLimits {
                        recommended: case_type.recommended_caseload,
                        maximum: case_type.maximum_caseload,
                    };
                    Some(CaseTypeLoad {
                        case_type: type_id.clone(),
                        active: u32::try_from(intensities.len()).unwrap_or(u32::MAX),
                        load: load.cases(),
                        recommended: limits.recommended,
                        maximum: limits.maximum,
                        status: load.against(limits).as_str().into(),
                    })
                })
                .collect();
            WorkerLoad {
                worker: UserRefView::from(person),
                active: by_case_type.iter().map(|l| l.active).sum(),
                new: new.get(&person.id).copied().unwrap_or(0),
                above_target: by_case_type.iter().any(|l| l.status != "within"),
                by_case_type,
            }
        })
        .collect();

    // Deadlines passed now, and the cases needing attention.
    let mut alerts = AlertCounts::default();
    let mut overdue: BTreeMap<String, u32> = BTreeMap::new();
    let mut attention = Vec::new();
    for case in &cases {
        if case.approval_requested.is_some() {
            alerts.care_plans_pending += 1;
        }
        let due = passed(
            &timeline(config, case),
            &config.deadline_rules,
            &config.calendar,
            now,
        );
        if due.is_empty() {
            continue;
        }
        let mut kinds = BTreeSet::new();
        let mut escalated = false;
        for (deadline, level) in &due {
            match deadline.kind {
                DeadlineKind::StageTooLong => {
                    *overdue.entry(case.stage.clone()).or_default() += 1;
                }
                DeadlineKind::FollowUpOverdue => alerts.follow_ups_overdue += 1,
                DeadlineKind::ReviewDue => alerts.reviews_due += 1,
                DeadlineKind::ApprovalPending | DeadlineKind::TransferUnacknowledged => {}
            }
            if *level == Level::Escalation {
                alerts.escalated += 1;
                escalated = true;
            }
            kinds.insert(deadline.kind.id().to_string());
        }
        let worker = people
            .get(&case.assigned_to)
            .map(UserRefView::from)
            .unwrap_or_else(|| UserRefView {
                id: case.assigned_to,
                username: String::new(),
                display_name: String::new(),
            });
        attention.push(AttentionCase {
            case_id: case.id,
            case_number: case.case_number.clone(),
            worker,
            stage: case.stage.clone(),
            kinds: kinds.into_iter().collect(),
            escalated,
        });
    }
    attention.sort_by(|a, b| {
        (b.escalated, b.kinds.len(), &a.case_number).cmp(&(
            a.escalated,
            a.kinds.len(),
            &b.case_number,
        ))
    });
    attention.truncate(ATTENTION_LIMIT);
    alerts.stages_overdue = config
        .stages
        .iter()
        .filter_map(|s| {
            overdue.get(&s.id).map(|&cases| StageCount {
                stage: s.id.clone(),
                cases,
            })
        })
        .collect();

    // Cases by stage.
    let mut by_stage: BTreeMap<&str, u32> = BTreeMap::new();
    for case in &cases {
        *by_stage.entry(case.stage.as_str()).or_default() += 1;
    }
    let stages = config
        .stages
        .iter()
        .filter(|s| !s.terminal)
        .map(|s| StageCount {
            stage: s.id.clone(),
            cases: by_stage.get(s.id.as_str()).copied().unwrap_or(0),
        })
        .collect();

    // Quality, month by month.
    let since = now - Duration::days(31 * i64::from(MONTHS));
    let history = records.into_history(since);
    let metrics = monthly_metrics(
        &history,
        &MetricStages {
            assessment: ASSESSMENT_STAGE,
            terminal: &terminal,
            follow_up_days: config.deadline_rules.follow_up_days,
            follow_up_days_by_type: config
                .case_types
                .iter()
                .filter_map(|t| t.follow_up_days.map(|d| (t.id.clone(), d)))
                .collect(),
        },
        now,
        MONTHS,
    );

    state
        .audit
        .record(vec![origin.event(&user, AuditAction::DashboardRead)])
        .await?;
    Ok(Json(Dashboard {
        workers,
        alerts,
        stages,
        attention,
        metrics: metrics.iter().map(MonthMetricsView::from).collect(),
    }))
}
