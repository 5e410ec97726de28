//! Handing a case over ("share to own"): the assigned worker passes the case to a user it is
//! shared with, who becomes its assigned worker. One of the three assignment paths (with
//! opening a case and a supervisor's reassignment), and like them checked against the new
//! worker's caseload and recorded in the assignment history.

use crate::audit::RequestInfo;
use crate::case_context::{parse_case_id, reachable_case};
use crate::caseload::{CaseloadView, check_assignment};
use crate::cases::UserRefView;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::reauth::confirm;
use crate::session::CurrentUser;
use crate::sharing::{check_reason, move_case, other_user};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use caseward_domain::access::{HandOverRefusal, may_hand_over_to};
use caseward_domain::audit::AuditAction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOverRequest {
    /// A user the case is shared with.
    pub user_id: Uuid,
    /// Why the case changes hands; recorded in the assignment history.
    pub reason: String,
    /// Needed above the new worker's maximum caseload, and only a role that may override
    /// caseloads may give it.
    pub override_reason: Option<String>,
    /// The acting worker's password (or a second-factor code).
    pub confirm_password: String,
}

/// The case now belongs to `assigned_to`; the worker who handed it over no longer reaches it
/// unless it is shared back with them.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandedOverView {
    pub case_id: Uuid,
    pub assigned_to: UserRefView,
    /// The new worker's caseload with this case.
    pub caseload: CaseloadView,
}

/// Hand a case over to a user it is shared with, who becomes its assigned worker.
///
/// For a survivor's case, a consent naming the new worker must still stand. Above the new
/// worker's recommended caseload the answer carries a warning; above the maximum it is
/// refused (409) unless an override reason is given by a role that may override.
#[utoipa::path(post, path = "/api/v1/cases/{id}/handover", tag = "sharing", request_body = HandOverRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = HandedOverView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn hand_over(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<HandOverRequest>,
) -> ApiResult<Json<HandedOverView>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseHandOver,
        parse_case_id(&id)?,
    )
    .await?;
    check_reason(&request.reason, "reason")?;
    let recipient = other_user(&state, request.user_id, "user_id").await?;
    if let Err(refusal) = may_hand_over_to(context.actor, &context.facts, state.actor(&recipient)) {
        let error = match refusal {
            HandOverRefusal::NoConsent => ApiError::ConsentRequired,
            other => ApiError::Forbidden(other.to_string()),
        };
        return Err(context.refuse(error).await);
    }
    let caseload = check_assignment(
        &state,
        &user,
        recipient.id,
        context.case_type,
        context.case.summary.intensity,
        request.override_reason.as_deref(),
    )
    .await?;
    confirm(&state, &user, request.confirm_password).await?;
    let moved = move_case(
        &context,
        recipient.id,
        &request.reason,
        &caseload,
        request.override_reason.as_deref(),
    )
    .await?;
    tracing::info!(case = %moved.summary.id, user = %user.id, to = %recipient.id, "case handed over");
    Ok(Json(HandedOverView {
        case_id: moved.summary.id,
        assigned_to: UserRefView::from(&moved.summary.assigned_to),
        caseload,
    }))
}
