//! Moving a case through its workflow: the stages it may move to from where it is, a move
//! (every guard checked by `domain::workflow` on the server, a refused move answered with every
//! unmet guard in words), and the case's history of moves.

use crate::audit::RequestInfo;
use crate::case_context::{CaseContext, parse_case_id, reachable_case};
use crate::cases::{CaseView, UserRefView};
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use caseward_domain::access::{CaseAction, may};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::case::new_record_id;
use caseward_domain::validate::FieldError;
use caseward_domain::workflow::{
    CaseRecords, TransitionRequest, check_transition, transitions_from,
};
use caseward_store::{CaseTransition, TransitionRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A stage the case may move to from where it is, and what the move asks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOption {
    pub to: String,
    /// The move in words, by language.
    #[schema(value_type = Object)]
    pub label: std::collections::BTreeMap<String, String>,
    /// A reason must be given.
    pub reason: bool,
    /// The move is a GBV survivor's own decision, recorded as theirs.
    pub survivor_decision: bool,
    /// The care plan must be approved first.
    pub approved_care_plan: bool,
    /// An inter-agency panel must endorse the move first (a recorded panel decision).
    pub panel_review: bool,
}

/// The moves the user may make from the case's stage (none without the right to change it).
pub fn options(context: &CaseContext<'_>) -> Vec<TransitionOption> {
    if !may(context.actor, &context.facts, CaseAction::Update) {
        return Vec::new();
    }
    transitions_from(context.case_type, &context.case.summary.stage)
        .into_iter()
        .map(|t| TransitionOption {
            to: t.to.clone(),
            label: t
                .label
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            reason: t.reason,
            survivor_decision: t.survivor_decision,
            approved_care_plan: t.approved_care_plan,
            panel_review: t.panel_review,
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequestBody {
    /// The stage to move to.
    pub to: String,
    /// The case's version the move is based on (409 if it has changed since).
    pub version: i64,
    /// Why (needed by some moves: reopening, transfer); sealed with the case.
    pub reason: Option<String>,
    /// The move is the GBV survivor's own decision.
    #[serde(default)]
    pub survivor_decision: bool,
}

/// One move in the case's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub id: Uuid,
    pub from: String,
    pub to: String,
    pub by: UserRefView,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub survivor_decision: bool,
}

impl From<&TransitionRecord> for TransitionView {
    fn from(record: &TransitionRecord) -> Self {
        Self {
            id: record.id,
            from: record.from.clone(),
            to: record.to.clone(),
            by: UserRefView::from(&record.by),
            at: record.at,
            reason: record.reason.clone(),
            survivor_decision: record.survivor_decision,
        }
    }
}

/// Move a case to another stage. Every guard of the move is checked here: a refused move
/// answers 422 listing each unmet guard (`to`, `reason`, `survivor_decision`, or
/// `fields.<id>` for the case's own fields) in words.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", request_body = TransitionRequestBody,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = CaseView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn transition_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<TransitionRequestBody>,
) -> ApiResult<Json<CaseView>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseTransition,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Update).await?;
    let reason = request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "too_long",
            "give a reason of at most 500 characters",
        )]));
    }
    let now = state.clock.now();
    let from = context.case.summary.stage.clone();
    // The records a guard of a move to the target reads, only when one does.
    let guards = transitions_from(context.case_type, &from)
        .into_iter()
        .filter(|t| t.to == request.to);
    let (needs_plan, needs_panel) = guards.fold((false, false), |(plan, panel), t| {
        (plan || t.approved_care_plan, panel || t.panel_review)
    });
    let records = CaseRecords {
        care_plan_approved: needs_plan
            && state
                .store
                .care_plan_status(context.case.summary.id)
                .await?
                == Some(CarePlanStatus::Approved),
        panel_endorsed: needs_panel
            && crate::panel::endorsed(&state, &context, &request.to).await?,
    };
    let taken = check_transition(
        &state.config,
        context.case_type,
        &from,
        &context.case.fields,
        TransitionRequest {
            to: &request.to,
            reason,
            survivor_decision: request.survivor_decision,
            records,
        },
        now,
    )
    .map_err(|unmet| {
        ApiError::Validation(
            unmet
                .iter()
                .map(|u| FieldError::new(u.field(), "guard", u.message()))
                .collect(),
        )
    })?;
    let event = AuditEvent {
        reason: reason.map(str::to_string),
        fields: vec![format!("{from}->{}", taken.to)],
        ..context.event()
    };
    let moved = state
        .store
        .transition_case(CaseTransition {
            id: new_record_id(),
            case_id: context.case.summary.id,
            expected_version: request.version,
            from,
            to: taken.to.clone(),
            by: user.id,
            reason: reason.map(str::to_string),
            survivor_decision: taken.survivor_decision,
            audit: vec![event],
            now,
        })
        .await?;
    tracing::info!(case = %moved.summary.id, stage = %moved.summary.stage, "case moved");
    let context = CaseContext {
        case: moved,
        ..context
    };
    Ok(Json(CaseView::of(&context)))
}

/// The case's moves between stages, oldest first: who, when, why, and whether it was the
/// survivor's decision.
#[utoipa::path(get, path = "/api/v1/cases/{id}/transitions", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = [TransitionView]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn case_transitions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<TransitionView>>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseAccessRead,
        parse_case_id(&id)?,
    )
    .await?;
    let history = state
        .store
        .case_transitions(context.case.summary.id)
        .await?;
    context.record(context.event()).await?;
    Ok(Json(history.iter().map(TransitionView::from).collect()))
}
