//! Sharing a case, granting restricted fields, and reassigning within a team. Each asks the
//! access policy (`domain::access`) and answers in words when it refuses.

use crate::agencies::{AgencyRefView, agency_ref};
use crate::audit::RequestInfo;
use crate::case_context::{
    CaseContext, ensure_may_hold_cases, parse_case_id, parse_user_id, reachable_case,
};
use crate::caseload::{CaseloadView, check_assignment, current_load};
use crate::cases::{CaseView, UserRefView};
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::reauth::confirm;
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::ATTACHMENTS_GRANT;
use caseward_domain::access::{
    CaseAction, Permission, ShareRefusal, may_reassign_to, may_share_with,
};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::config::{Classification, FieldKind};
use caseward_domain::validate::FieldError;
use caseward_store::{
    FieldGrantRecord, NewFieldGrant, NewShare, Reassignment, Revocation, ShareRecord, User,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub user: UserRefView,
    pub reason: String,
    pub granted_by: UserRefView,
    pub granted_at: DateTime<Utc>,
    /// Set when the share overrode the survivor's consent.
    pub consent_override_reason: Option<String>,
}

impl From<&ShareRecord> for ShareView {
    fn from(share: &ShareRecord) -> Self {
        Self {
            user: UserRefView::from(&share.user),
            reason: share.reason.clone(),
            granted_by: UserRefView::from(&share.granted_by),
            granted_at: share.granted_at,
            consent_override_reason: share.consent_override_reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldGrantView {
    pub user: UserRefView,
    pub field_id: String,
    pub reason: String,
    pub granted_by: UserRefView,
    pub granted_at: DateTime<Utc>,
}

impl From<&FieldGrantRecord> for FieldGrantView {
    fn from(grant: &FieldGrantRecord) -> Self {
        Self {
            user: UserRefView::from(&grant.user),
            field_id: grant.field_id.clone(),
            reason: grant.reason.clone(),
            granted_by: UserRefView::from(&grant.granted_by),
            granted_at: grant.granted_at,
        }
    }
}

/// One assignment of a case (opening it, or a reassignment), with its recorded reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub from: Option<UserRefView>,
    pub to: UserRefView,
    pub by: UserRefView,
    pub reason: String,
    /// Recorded when the assignment went above the worker's maximum caseload.
    pub caseload_override_reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Who has access to a case beyond its assigned worker, and who held it before.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseAccessList {
    pub assigned_to: UserRefView,
    pub shares: Vec<ShareView>,
    pub field_grants: Vec<FieldGrantView>,
    /// Every assignment, oldest first.
    pub assignments: Vec<AssignmentView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    pub user_id: Uuid,
    /// Why the case is shared; recorded.
    pub reason: String,
    /// The acting user's password.
    pub confirm_password: String,
    /// Share a survivor's case although no consent names the user — only in an emergency
    /// (risk to life, mandatory reporting); the reason is recorded with the share.
    pub consent_override_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldGrantRequest {
    pub user_id: Uuid,
    /// A `restricted` top-level field of the case's form (or a repeating group with restricted
    /// members), or `attachments` for the case's restricted documents.
    pub field_id: String,
    pub reason: String,
    pub confirm_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why access ends; recorded.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    pub user_id: Uuid,
    pub reason: String,
    /// Needed above the new worker's maximum caseload.
    pub override_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReassignedView {
    pub case: CaseView,
    pub caseload: CaseloadView,
}

/// A team member a case may be reassigned to, with their current caseload.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignableView {
    pub user: UserRefView,
    /// Intensity-weighted open cases now.
    pub load: f64,
    pub recommended: u32,
    pub maximum: u32,
}

/// A user who can hold cases, for share dialogs.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// The agency the user works for.
    pub agency: Option<AgencyRefView>,
}

/// A reason: required, one to 500 characters.
pub fn check_reason(reason: &str, field: &str) -> ApiResult<()> {
    let length = reason.trim().chars().count();
    if length == 0 || length > 500 {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "required",
            "give a reason of at most 500 characters",
        )]));
    }
    Ok(())
}

pub(crate) async fn other_user(state: &AppState, id: Uuid, field: &str) -> ApiResult<User> {
    match state.store.user_by_id(id).await? {
        Some(user) if !user.disabled => Ok(user),
        _ => Err(ApiError::Validation(vec![FieldError::new(
            field,
            "unknown_user",
            "no such active user",
        )])),
    }
}

async fn ensure_assigned_or_supervisor(context: &CaseContext<'_>) -> ApiResult<()> {
    context.require(CaseAction::Share).await
}

/// Who has access to the case: shares and field grants (assigned worker and team supervisor).
#[utoipa::path(get, path = "/api/v1/cases/{id}/access", tag = "sharing",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = CaseAccessList), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn case_access(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseAccessList>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseAccessRead,
        parse_case_id(&id)?,
    )
    .await?;
    ensure_assigned_or_supervisor(&context).await?;
    context.record(context.event()).await?;
    Ok(Json(CaseAccessList {
        assigned_to: UserRefView::from(&context.case.summary.assigned_to),
        shares: context.access.shares.iter().map(ShareView::from).collect(),
        field_grants: context
            .access
            .field_grants
            .iter()
            .map(FieldGrantView::from)
            .collect(),
        assignments: state
            .store
            .case_assignments(context.case.summary.id)
            .await?
            .iter()
            .map(|a| AssignmentView {
                from: a.from.as_ref().map(UserRefView::from),
                to: UserRefView::from(&a.to),
                by: UserRefView::from(&a.by),
                reason: a.reason.clone(),
                caseload_override_reason: a.caseload_override_reason.clone(),
                at: a.at,
            })
            .collect(),
    }))
}

/// Share a case with a user. For a survivor's (GBV) case a consent must name the user.
#[utoipa::path(post, path = "/api/v1/cases/{id}/shares", tag = "sharing", request_body = ShareRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = ShareView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn share_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ShareRequest>,
) -> ApiResult<(StatusCode, Json<ShareView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseShare,
        parse_case_id(&id)?,
    )
    .await?;
    check_reason(&request.reason, "reason")?;
    let recipient = other_user(&state, request.user_id, "user_id").await?;
    let override_reason = request
        .consent_override_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let consent_override =
        match may_share_with(context.actor, &context.facts, state.actor(&recipient)) {
            Ok(()) => None,
            // The one refusal an emergency may override, with a recorded reason.
            Err(ShareRefusal::NoConsent) if override_reason.is_some() => {
                check_reason(
                    override_reason.as_deref().unwrap_or_default(),
                    "consent_override_reason",
                )?;
                override_reason
            }
            Err(ShareRefusal::NoConsent) => {
                return Err(context.refuse(ApiError::ConsentRequired).await);
            }
            Err(refusal) => {
                return Err(context
                    .refuse(ApiError::Forbidden(refusal.to_string()))
                    .await);
            }
        };
    confirm(&state, &user, request.confirm_password).await?;
    let share = state
        .store
        .create_share(NewShare {
            id: Uuid::now_v7(),
            case_id: context.case.summary.id,
            user_id: recipient.id,
            reason: request.reason.trim().to_string(),
            granted_by: user.id,
            consent_override_reason: consent_override,
            audit: vec![AuditEvent {
                subject: Some(recipient.id),
                reason: Some(request.reason.trim().to_string()),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await
        .map_err(|e| match e {
            caseward_store::StoreError::Duplicate(_) => {
                ApiError::BadRequest("the case is already shared with this user".into())
            }
            other => other.into(),
        })?;
    tracing::info!(case = %context.case.summary.id, user = %user.id, to = %recipient.id, "case shared");
    Ok((StatusCode::CREATED, Json(ShareView::from(&share))))
}

/// End a share.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/shares/{user_id}", tag = "sharing", request_body = RevokeRequest,
    params(("id" = Uuid, Path, description = "Case id"), ("user_id" = Uuid, Path, description = "User the case is shared with")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_share(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((id, user_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> ApiResult<StatusCode> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseShareRevoke,
        parse_case_id(&id)?,
    )
    .await?;
    ensure_assigned_or_supervisor(&context).await?;
    check_reason(&request.reason, "reason")?;
    state
        .store
        .revoke(Revocation {
            case_id: context.case.summary.id,
            user_id: parse_user_id(&user_id)?,
            field_id: None,
            by: user.id,
            reason: request.reason.trim().to_string(),
            audit: vec![AuditEvent {
                subject: parse_user_id(&user_id).ok(),
                reason: Some(request.reason.trim().to_string()),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Give a user who reaches the case access to one of its restricted fields (assigned worker
/// only). On a survivor's case it takes effect only while a consent covers it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/field-grants", tag = "sharing", request_body = FieldGrantRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = FieldGrantView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn grant_field(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<FieldGrantRequest>,
) -> ApiResult<(StatusCode, Json<FieldGrantView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::FieldGrant,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::GrantFieldAccess).await?;
    check_reason(&request.reason, "reason")?;
    match context.case_type.form.field(&request.field_id) {
        // A restricted field, or a repeating group with restricted members (whose grant
        // covers those members).
        Some(field)
            if field.classification == Classification::Restricted
                || matches!(&field.kind, FieldKind::RepeatingGroup { fields, .. }
                    if fields.iter().any(|m| m.classification == Classification::Restricted)) => {}
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "field_id",
                "not_restricted",
                "only restricted fields are granted (standard ones need no grant; confidential ones stay with the assigned worker)",
            )]));
        }
        // The case's restricted attachments.
        None if request.field_id == ATTACHMENTS_GRANT => {}
        None => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "field_id",
                "unknown_field",
                "no such field in this form (or \"attachments\" for the case's restricted attachments)",
            )]));
        }
    }
    let recipient = other_user(&state, request.user_id, "user_id").await?;
    let recipient_actor = state.actor(&recipient);
    if !caseward_domain::access::may(recipient_actor, &context.facts, CaseAction::Read) {
        return Err(context
            .refuse(ApiError::Forbidden(
                "the user has no access to this case; share it with them first".into(),
            ))
            .await);
    }
    confirm(&state, &user, request.confirm_password).await?;
    let grant = state
        .store
        .create_field_grant(NewFieldGrant {
            id: Uuid::now_v7(),
            case_id: context.case.summary.id,
            user_id: recipient.id,
            field_id: request.field_id.clone(),
            reason: request.reason.trim().to_string(),
            granted_by: user.id,
            audit: vec![AuditEvent {
                subject: Some(recipient.id),
                fields: vec![request.field_id.clone()],
                reason: Some(request.reason.trim().to_string()),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await
        .map_err(|e| match e {
            caseward_store::StoreError::Duplicate(_) => {
                ApiError::BadRequest("the user already has access to this field".into())
            }
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(FieldGrantView::from(&grant))))
}

/// End a field grant.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/field-grants/{user_id}/{field_id}", tag = "sharing", request_body = RevokeRequest,
    params(("id" = Uuid, Path, description = "Case id"), ("user_id" = Uuid, Path, description = "User"), ("field_id" = String, Path, description = "Field id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_field_grant(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((id, user_id, field_id)): Path<(String, String, String)>,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> ApiResult<StatusCode> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::FieldGrantRevoke,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::GrantFieldAccess).await?;
    check_reason(&request.reason, "reason")?;
    state
        .store
        .revoke(Revocation {
            case_id: context.case.summary.id,
            user_id: parse_user_id(&user_id)?,
            field_id: Some(field_id.clone()),
            by: user.id,
            reason: request.reason.trim().to_string(),
            audit: vec![AuditEvent {
                subject: parse_user_id(&user_id).ok(),
                fields: vec![field_id],
                reason: Some(request.reason.trim().to_string()),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members of the supervisor's teams that handle this case type, with their caseloads.
#[utoipa::path(get, path = "/api/v1/cases/{id}/assignable", tag = "sharing",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Vec<AssignableView>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn assignable(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AssignableView>>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseAccessRead,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Reassign).await?;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for team in state.store.list_teams().await? {
        if team.team.supervisor != Some(user.id)
            || !team.team.handles(&context.case.summary.case_type)
        {
            continue;
        }
        for member in &team.members {
            if member.id == context.case.summary.assigned_to.id || !seen.insert(member.id) {
                continue;
            }
            let load = current_load(&state, member.id, context.case_type).await?;
            out.push(AssignableView {
                user: UserRefView::from(member),
                load: load.cases(),
                recommended: context.case_type.recommended_caseload,
                maximum: context.case_type.maximum_caseload,
            });
        }
    }
    context.record(context.event()).await?;
    Ok(Json(out))
}

/// Move a case to another member of the supervisor's team, checking the new worker's caseload.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reassign", tag = "sharing", request_body = ReassignRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = ReassignedView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reassign(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ReassignRequest>,
) -> ApiResult<Json<ReassignedView>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseReassign,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Reassign).await?;
    check_reason(&request.reason, "reason")?;
    let target = other_user(&state, request.user_id, "user_id").await?;
    let target_teams = state.store.teams_of(target.id).await?;
    if let Err(refusal) = may_reassign_to(
        context.actor,
        &context.facts,
        state.actor(&target),
        &target_teams,
    ) {
        return Err(context
            .refuse(ApiError::Forbidden(refusal.to_string()))
            .await);
    }
    let caseload = check_assignment(
        &state,
        &user,
        target.id,
        context.case_type,
        context.case.summary.intensity,
        request.override_reason.as_deref(),
    )
    .await?;
    let moved = move_case(
        &context,
        target.id,
        &request.reason,
        &caseload,
        request.override_reason.as_deref(),
    )
    .await?;
    tracing::info!(case = %moved.summary.id, user = %user.id, to = %target.id, "case reassigned");
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseReassign,
        moved.summary.id,
    )
    .await?;
    Ok(Json(ReassignedView {
        case: CaseView::of(&context),
        caseload,
    }))
}

/// Assign the case to `to` (a reassignment or a hand-over), version-checked, recording the
/// reason, any caseload override and the audit entry in one transaction.
pub(crate) async fn move_case(
    context: &CaseContext<'_>,
    to: Uuid,
    reason: &str,
    caseload: &CaseloadView,
    override_reason: Option<&str>,
) -> ApiResult<caseward_store::CaseRecord> {
    let state = context.state;
    Ok(state
        .store
        .reassign_case(Reassignment {
            case_id: context.case.summary.id,
            expected_version: context.case.summary.version,
            to,
            by: context.user.id,
            reason: reason.trim().to_string(),
            caseload_override_reason: (caseload.status == "above_maximum_overridden")
                .then(|| override_reason.map(str::to_string))
                .flatten(),
            audit: vec![AuditEvent {
                subject: Some(to),
                reason: Some(reason.trim().to_string()),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await?)
}

/// Users who can hold cases (for share dialogs); only for users who hold cases themselves.
#[utoipa::path(get, path = "/api/v1/directory", tag = "sharing",
    responses((status = 200, body = Vec<DirectoryEntry>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn directory(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<DirectoryEntry>>> {
    ensure_may_hold_cases(&state, &user)?;
    let agencies = state.store.list_agencies().await?;
    Ok(Json(
        state
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| !u.disabled && state.user_can(u, Permission::HoldCases))
            .map(|u| DirectoryEntry {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                agency: agency_ref(&agencies, u.agency),
            })
            .collect(),
    ))
}
