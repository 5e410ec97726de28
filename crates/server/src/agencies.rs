//! Agencies: the organisations whose staff use this instance. A user may work for one, and a
//! survivor's consent may name one, covering every user who works for it. Managed by roles
//! that manage users; they never touch case content.

use crate::admin::{change_event, require_to};
use crate::audit::RequestInfo;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::Permission;
use caseward_domain::audit::AuditAction;
use caseward_domain::user::AgencyId;
use caseward_domain::validate::FieldError;
use caseward_store::{Agency, NewAgency, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    pub id: Uuid,
    pub name: String,
    pub version: i64,
}

impl From<&Agency> for AgencyView {
    fn from(agency: &Agency) -> Self {
        Self {
            id: agency.id,
            name: agency.name.clone(),
            version: agency.version,
        }
    }
}

/// An agency by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyRefView {
    pub id: Uuid,
    pub name: String,
}

/// The agency `id` names, from a list read once per request.
pub fn agency_ref(agencies: &[Agency], id: Option<AgencyId>) -> Option<AgencyRefView> {
    let id = id?;
    agencies.iter().find(|a| a.id == id).map(|a| AgencyRefView {
        id: a.id,
        name: a.name.clone(),
    })
}

pub fn unknown_agency() -> FieldError {
    FieldError::new("agency_id", "unknown_agency", "no such agency")
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRequest {
    pub name: String,
    /// The version the change was based on; required when renaming.
    pub version: Option<i64>,
}

fn agency_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::Validation(vec![FieldError::new(
            "name",
            "invalid",
            "between 1 and 200 characters",
        )]));
    }
    Ok(name.to_string())
}

fn name_taken(error: StoreError) -> ApiError {
    match error {
        StoreError::Duplicate(_) => ApiError::Validation(vec![FieldError::new(
            "name",
            "taken",
            "another agency has this name",
        )]),
        other => other.into(),
    }
}

/// Every agency, by name.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "admin",
    responses((status = 200, body = Vec<AgencyView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_agencies(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<AgencyView>>> {
    // Case workers pick agencies when recording a consent; user managers administer them.
    if !state.user_can(&user, Permission::ManageUsers)
        && !state.user_can(&user, Permission::HoldCases)
    {
        return Err(ApiError::Forbidden(
            "your role does not work with agencies".into(),
        ));
    }
    let agencies = state.store.list_agencies().await?;
    Ok(Json(agencies.iter().map(AgencyView::from).collect()))
}

/// Add an agency. Names are unique, ignoring case.
#[utoipa::path(post, path = "/api/v1/agencies", tag = "admin", request_body = AgencyRequest,
    responses((status = 201, body = AgencyView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_agency(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<AgencyRequest>,
) -> ApiResult<(StatusCode, Json<AgencyView>)> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageUsers,
        AuditAction::AgencyCreate,
    )
    .await?;
    let name = agency_name(&request.name)?;
    let id = Uuid::now_v7();
    let agency = state
        .store
        .create_agency(NewAgency {
            id,
            name,
            audit: vec![change_event(
                &user,
                &origin,
                AuditAction::AgencyCreate,
                id,
                &["name"],
            )],
            now: state.clock.now(),
        })
        .await
        .map_err(name_taken)?;
    tracing::info!(user = %user.id, agency = %agency.id, "agency created");
    Ok((StatusCode::CREATED, Json(AgencyView::from(&agency))))
}

/// Rename an agency. Consents keep the name the agency had when they were given.
#[utoipa::path(patch, path = "/api/v1/agencies/{id}", tag = "admin", request_body = AgencyRequest,
    params(("id" = Uuid, Path, description = "Agency id")),
    responses((status = 200, body = AgencyView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn rename_agency(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AgencyRequest>,
) -> ApiResult<Json<AgencyView>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageUsers,
        AuditAction::AgencyUpdate,
    )
    .await?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("id: not an agency id (a UUID)".into()))?;
    let name = agency_name(&request.name)?;
    let Some(version) = request.version else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "version",
            "required",
            "the version the change was based on",
        )]));
    };
    let agency = state
        .store
        .rename_agency(
            id,
            version,
            &name,
            &[change_event(
                &user,
                &origin,
                AuditAction::AgencyUpdate,
                id,
                &["name"],
            )],
            state.clock.now(),
        )
        .await
        .map_err(name_taken)?;
    tracing::info!(user = %user.id, agency = %agency.id, "agency renamed");
    Ok(Json(AgencyView::from(&agency)))
}
