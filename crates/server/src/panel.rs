//! Inter-agency panel decisions: where a transition needs a panel's endorsement
//! (`panel_review` in the configuration), the case's worker records what the panel decided
//! about the move; the move is then allowed if the newest decision about it since the case
//! entered its stage endorses it. The panel's notes are sealed with the case.

use crate::audit::RequestInfo;
use crate::case_context::{CaseContext, parse_case_id, reachable_case};
use crate::cases::UserRefView;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::CaseAction;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::new_record_id;
use caseward_domain::validate::FieldError;
use caseward_domain::workflow::transitions_from;
use caseward_store::{NewPanelDecision, PanelDecisionRecord};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The longest panel notes, in characters.
const MAX_NOTES_CHARS: usize = 5_000;

#[derive(Debug, Serialize, ToSchema)]
pub struct PanelDecisionView {
    pub id: Uuid,
    /// The stage the decision is about moving to.
    pub to: String,
    pub endorsed: bool,
    /// The day the panel sat.
    pub decided_on: NaiveDate,
    pub notes: String,
    pub recorded_by: UserRefView,
    pub recorded_at: DateTime<Utc>,
}

impl From<&PanelDecisionRecord> for PanelDecisionView {
    fn from(decision: &PanelDecisionRecord) -> Self {
        Self {
            id: decision.id,
            to: decision.to_stage.clone(),
            endorsed: decision.endorsed,
            decided_on: decision.decided_on,
            notes: decision.notes.clone(),
            recorded_by: UserRefView::from(&decision.recorded_by),
            recorded_at: decision.recorded_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelDecisionRequest {
    /// A stage the case may move to from where it is, by a move that needs the panel.
    pub to: String,
    pub endorsed: bool,
    pub decided_on: NaiveDate,
    /// Who sat and what they said.
    pub notes: String,
}

/// When the case entered its current stage (its opening, if it never moved).
pub async fn stage_entered(
    state: &AppState,
    context: &CaseContext<'_>,
) -> ApiResult<DateTime<Utc>> {
    let stage = &context.case.summary.stage;
    Ok(state
        .store
        .case_transitions(context.case.summary.id)
        .await?
        .iter()
        .filter(|t| &t.to == stage)
        .map(|t| t.at)
        .max()
        .unwrap_or(context.case.summary.created_at))
}

/// Whether the newest decision about moving to `to`, since the case entered its stage,
/// endorses it.
pub async fn endorsed(state: &AppState, context: &CaseContext<'_>, to: &str) -> ApiResult<bool> {
    let since = stage_entered(state, context).await?;
    Ok(state
        .store
        .panel_decisions(context.case.summary.id)
        .await?
        .iter()
        .rfind(|d| d.to_stage == to && d.recorded_at >= since)
        .is_some_and(|d| d.endorsed))
}

/// The case's panel decisions.
#[utoipa::path(get, path = "/api/v1/cases/{id}/panel-decisions", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Vec<PanelDecisionView>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_panel_decisions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PanelDecisionView>>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::PanelDecisionList,
        parse_case_id(&id)?,
    )
    .await?;
    let decisions = state.store.panel_decisions(context.case.summary.id).await?;
    context
        .record(AuditEvent {
            fields: decisions.iter().map(|d| d.id.to_string()).collect(),
            ..context.event()
        })
        .await?;
    Ok(Json(
        decisions.iter().map(PanelDecisionView::from).collect(),
    ))
}

/// Record an inter-agency panel's decision about the case's next move.
#[utoipa::path(post, path = "/api/v1/cases/{id}/panel-decisions", tag = "cases", request_body = PanelDecisionRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = PanelDecisionView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_panel_decision(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<PanelDecisionRequest>,
) -> ApiResult<(StatusCode, Json<PanelDecisionView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::PanelDecisionRecord,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Update).await?;
    let now = state.clock.now();
    let mut errors = Vec::new();
    let needs_panel = transitions_from(context.case_type, &context.case.summary.stage)
        .iter()
        .any(|t| t.to == request.to && t.panel_review);
    if !needs_panel {
        errors.push(FieldError::new(
            "to",
            "no_panel",
            "no move from the case's stage to this one needs a panel's decision",
        ));
    }
    if request.decided_on > now.date_naive() {
        errors.push(FieldError::new(
            "decided_on",
            "in_future",
            "the panel cannot have decided in the future",
        ));
    }
    let notes = request.notes.trim();
    if notes.is_empty() || notes.chars().count() > MAX_NOTES_CHARS {
        errors.push(FieldError::new(
            "notes",
            if notes.is_empty() {
                "required"
            } else {
                "too_long"
            },
            format!("say who sat and what they decided, at most {MAX_NOTES_CHARS} characters"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let decision_id = new_record_id();
    let decision = state
        .store
        .add_panel_decision(NewPanelDecision {
            id: decision_id,
            case_id: context.case.summary.id,
            to_stage: request.to.clone(),
            endorsed: request.endorsed,
            decided_on: request.decided_on,
            notes: notes.to_string(),
            recorded_by: user.id,
            audit: vec![AuditEvent {
                subject: Some(decision_id),
                fields: vec![request.to.clone()],
                ..context.event()
            }],
            now,
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PanelDecisionView::from(&decision)),
    ))
}
