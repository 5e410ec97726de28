//! A case's care plan: numbered versions, each saved by who may change the case and decided
//! by a supervisor of the case's team (`domain::care_plan`), and the supervisor's queue of
//! plans waiting for a decision. A plan is read by whoever reads the case: the supervisor
//! approves what they can see. Every list, save and decision is recorded in the audit trail.

use crate::audit::RequestInfo;
use crate::case_context::{CaseContext, parse_case_id, reachable_case, refused};
use crate::cases::{CaseSummaryView, UserRefView};
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::{CaseAction, Permission, may};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::care_plan::{
    CarePlanContent, CarePlanStatus, Decision, DecisionRefusal, Intervention, InterventionStatus,
    LatestVersion, MAX_COMMENT_CHARS, check_decision, new_version_status, validate_content,
};
use caseward_domain::case::new_record_id;
use caseward_domain::validate::FieldError;
use caseward_store::{CarePlanDecision, CarePlanRecord, CaseFilter, NewCarePlanVersion};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterventionBody {
    /// An option of the case type's intervention list (`intervention_types` in the
    /// configuration's case type).
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub objective: String,
    /// The person or agency responsible.
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub target_date: Option<NaiveDate>,
    /// `planned` (the default), `in_progress`, `completed`, `delayed` or `declined`.
    #[serde(default)]
    pub status: Option<String>,
}

/// One version of the plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarePlanView {
    pub id: Uuid,
    /// 1 for the first version, one more for each.
    pub version: i64,
    /// `draft`, `submitted`, `approved` or `returned`.
    pub status: String,
    pub narrative: String,
    pub interventions: Vec<InterventionBody>,
    /// Every intervention has an objective and a target date (a quality metric).
    pub objectives_and_timelines: bool,
    pub written_by: UserRefView,
    pub written_at: DateTime<Utc>,
    pub decided_by: Option<UserRefView>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The supervisor's comment on the decision.
    pub comment: Option<String>,
}

impl From<&CarePlanRecord> for CarePlanView {
    fn from(plan: &CarePlanRecord) -> Self {
        Self {
            id: plan.id,
            version: plan.version,
            status: plan.status.as_str().into(),
            narrative: plan.content.narrative.clone(),
            interventions: plan
                .content
                .interventions
                .iter()
                .map(|i| InterventionBody {
                    kind: i.kind.clone(),
                    objective: i.objective.clone(),
                    responsible: i.responsible.clone(),
                    target_date: i.target_date,
                    status: Some(i.status.as_str().into()),
                })
                .collect(),
            objectives_and_timelines: plan.content.has_objectives_and_timelines(),
            written_by: UserRefView::from(&plan.written_by),
            written_at: plan.written_at,
            decided_by: plan.decided_by.as_ref().map(UserRefView::from),
            decided_at: plan.decided_at,
            comment: plan.comment.clone(),
        }
    }
}

/// A case's care plan versions and what the user may do with them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarePlanList {
    /// Oldest first; the last is the plan in force.
    pub versions: Vec<CarePlanView>,
    /// The option list interventions take their type from.
    pub intervention_types: String,
    /// The user may save a new version.
    pub may_write: bool,
    /// The user may approve or return a submitted version (a supervisor of the case's team).
    pub may_decide: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CarePlanRequest {
    /// The newest version the edit started from (0 for the first plan): if another was saved
    /// since, the answer is 409.
    pub based_on: i64,
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub interventions: Vec<InterventionBody>,
    /// Submit for the supervisor's approval (a submitted plan must be complete). A version
    /// that changes only the statuses of an approved plan stays approved.
    #[serde(default)]
    pub submit: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CarePlanDecisionRequest {
    /// `approve` or `return`.
    pub decision: String,
    /// What to change (required to return a plan).
    #[serde(default)]
    pub comment: String,
}

/// The cases whose newest care plan waits for this supervisor's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalQueue {
    pub items: Vec<CaseSummaryView>,
    pub total: u64,
}

fn intervention_list<'c>(context: &CaseContext<'c>) -> ApiResult<&'c str> {
    context
        .case_type
        .intervention_types
        .as_deref()
        .ok_or_else(|| ApiError::BadRequest("this case type keeps no care plan".into()))
}

/// The case's care plan versions.
#[utoipa::path(get, path = "/api/v1/cases/{id}/care-plans", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = CarePlanList), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_care_plans(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<CarePlanList>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CarePlanList,
        parse_case_id(&id)?,
    )
    .await?;
    let list = intervention_list(&context)?;
    let versions = state.store.care_plans(context.case.summary.id).await?;
    context
        .record(AuditEvent {
            fields: versions.iter().map(|v| v.id.to_string()).collect(),
            ..context.event()
        })
        .await?;
    let allowed = |action| may(context.actor, &context.facts, action);
    Ok(Json(CarePlanList {
        versions: versions.iter().map(CarePlanView::from).collect(),
        intervention_types: list.into(),
        may_write: allowed(CaseAction::Update),
        may_decide: allowed(CaseAction::DecideCarePlan),
    }))
}

fn content_of(request: &CarePlanRequest) -> Result<CarePlanContent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let interventions = request
        .interventions
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let status = match item.status.as_deref() {
                None => InterventionStatus::Planned,
                Some(text) => InterventionStatus::parse(text).unwrap_or_else(|| {
                    errors.push(FieldError::new(
                        format!("interventions[{i}].status"),
                        "unknown_option",
                        "expected planned, in_progress, completed, delayed or declined",
                    ));
                    InterventionStatus::Planned
                }),
            };
            Intervention {
                kind: item.kind.trim().into(),
                objective: item.objective.trim().into(),
                responsible: item.responsible.trim().into(),
                target_date: item.target_date,
                status,
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(CarePlanContent {
            narrative: request.narrative.trim().into(),
            interventions,
        })
    } else {
        Err(errors)
    }
}

/// Save a new version of the case's care plan, as a draft or submitted for approval.
#[utoipa::path(post, path = "/api/v1/cases/{id}/care-plans", tag = "cases", request_body = CarePlanRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = CarePlanView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_care_plan(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CarePlanRequest>,
) -> ApiResult<(StatusCode, Json<CarePlanView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CarePlanSave,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Update).await?;
    let list = intervention_list(&context)?;
    let content = content_of(&request).map_err(ApiError::Validation)?;
    let types: Vec<&str> = state
        .config
        .option_lists
        .get(list)
        .map(|l| l.options.iter().map(|o| o.id.as_str()).collect())
        .unwrap_or_default();
    let errors = validate_content(&content, &types, request.submit);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let versions = state.store.care_plans(context.case.summary.id).await?;
    let newest = versions.last();
    let current = newest.map_or(0, |v| v.version);
    if request.based_on != current {
        return Err(ApiError::Conflict {
            expected: request.based_on,
            current,
        });
    }
    let status = new_version_status(
        newest.map(|v| LatestVersion {
            content: &v.content,
            status: v.status,
        }),
        &content,
        request.submit,
    );
    let plan_id = new_record_id();
    let event = AuditEvent {
        subject: Some(plan_id),
        fields: vec![status.as_str().into()],
        ..context.event()
    };
    let saved = state
        .store
        .add_care_plan_version(NewCarePlanVersion {
            id: plan_id,
            case_id: context.case.summary.id,
            version: current + 1,
            status,
            content,
            written_by: user.id,
            audit: vec![event],
            now: state.clock.now(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(CarePlanView::from(&saved))))
}

/// Approve or return the newest version of the plan, if it was submitted (a supervisor of the
/// case's team, never the plan's author).
#[utoipa::path(post, path = "/api/v1/cases/{id}/care-plans/{version}/decision", tag = "cases",
    request_body = CarePlanDecisionRequest,
    params(("id" = Uuid, Path, description = "Case id"), ("version" = i64, Path, description = "The version decided on")),
    responses((status = 200, body = CarePlanView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_care_plan(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((id, version)): Path<(String, String)>,
    ApiJson(request): ApiJson<CarePlanDecisionRequest>,
) -> ApiResult<Json<CarePlanView>> {
    let version: i64 = version
        .parse()
        .map_err(|_| ApiError::BadRequest("version: not a version number".into()))?;
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CarePlanDecide,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::DecideCarePlan).await?;
    let Some(decision) = Decision::parse(&request.decision) else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "decision",
            "unknown_option",
            "expected approve or return",
        )]));
    };
    let comment = request.comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(ApiError::Validation(vec![FieldError::new(
            "comment",
            "too_long",
            format!("a comment holds at most {MAX_COMMENT_CHARS} characters"),
        )]));
    }
    let versions = state.store.care_plans(context.case.summary.id).await?;
    let Some(plan) = versions.iter().find(|v| v.version == version) else {
        return Err(ApiError::NotFound);
    };
    let is_latest = versions.last().map(|v| v.version) == Some(version);
    if let Err(refusal) = check_decision(
        decision,
        plan.status,
        is_latest,
        plan.written_by.id == user.id,
        comment,
    ) {
        if refusal == DecisionRefusal::CommentRequired {
            return Err(ApiError::Validation(vec![FieldError::new(
                "comment",
                "required",
                refusal.to_string(),
            )]));
        }
        return Err(context
            .refuse(ApiError::ForbiddenChoice {
                field: "version",
                message: refusal.to_string(),
            })
            .await);
    }
    let status = decision.status();
    let event = AuditEvent {
        subject: Some(plan.id),
        fields: vec![status.as_str().into()],
        ..context.event()
    };
    let decided = state
        .store
        .decide_care_plan(CarePlanDecision {
            case_id: context.case.summary.id,
            version,
            status,
            decided_by: user.id,
            comment: (!comment.is_empty()).then(|| comment.to_string()),
            audit: vec![event],
            now: state.clock.now(),
        })
        .await?;
    Ok(Json(CarePlanView::from(&decided)))
}

/// The cases of the teams this user supervises whose newest care plan waits for a decision,
/// oldest update first.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "cases",
    responses((status = 200, body = ApprovalQueue), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn approval_queue(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
) -> ApiResult<Json<ApprovalQueue>> {
    if !state.user_can(&user, Permission::ApproveCarePlans) {
        let error = ApiError::Forbidden("your role does not approve care plans".into());
        return Err(refused(
            &state,
            &user,
            &origin,
            AuditAction::ApprovalQueue,
            None,
            error,
        )
        .await);
    }
    let found = state
        .store
        .list_cases(&CaseFilter {
            supervised_by: Some(user.id),
            care_plan_status: Some(CarePlanStatus::Submitted),
            page: 1,
            per_page: 100,
            ..CaseFilter::default()
        })
        .await?;
    state
        .audit
        .record(vec![AuditEvent {
            fields: found.items.iter().map(|c| c.id.to_string()).collect(),
            ..origin.event(&user, AuditAction::ApprovalQueue)
        }])
        .await?;
    let mut items: Vec<CaseSummaryView> = found.items.iter().map(CaseSummaryView::from).collect();
    items.reverse();
    Ok(Json(ApprovalQueue {
        items,
        total: found.total,
    }))
}
