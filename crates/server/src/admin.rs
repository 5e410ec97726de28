//! Users and teams, for administrators (and programme managers, for users). Administration
//! never touches case content.

use crate::agencies::{AgencyRefView, agency_ref, unknown_agency};
use crate::audit::RequestInfo;
use crate::case_context::refused;
use crate::cases::UserRefView;
use crate::config_api::permission_names;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::reauth::confirm;
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_crypto::{Password, is_common_password};
use caseward_domain::access::Permission;
use caseward_domain::access::role::may_confer;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::user::{Role, check_new_password, check_username};
use caseward_domain::validate::FieldError;
use caseward_store::{
    Agency, NewTeam, NewUser, StoreError, TeamChanges, TeamRecord, User, UserChanges,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamRefView {
    pub id: Uuid,
    pub name: String,
}

/// A user as administrators see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserAdminView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// The agency the user works for.
    pub agency: Option<AgencyRefView>,
    pub role: String,
    /// What the role allows (permission names).
    pub permissions: Vec<String>,
    pub disabled: bool,
    pub mfa_enabled: bool,
    pub teams: Vec<TeamRefView>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: Uuid,
    pub name: String,
    pub supervisor: Option<UserRefView>,
    pub members: Vec<UserRefView>,
    /// Case type ids the team handles; empty means every case type.
    pub case_types: Vec<String>,
    pub version: i64,
}

impl From<&TeamRecord> for TeamView {
    fn from(team: &TeamRecord) -> Self {
        Self {
            id: team.team.id,
            name: team.team.name.clone(),
            supervisor: team.supervisor.as_ref().map(UserRefView::from),
            members: team.members.iter().map(UserRefView::from).collect(),
            case_types: team.team.case_types.iter().cloned().collect(),
            version: team.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The agency the user works for (`GET /api/v1/agencies`).
    pub agency_id: Option<Uuid>,
    pub password: String,
    /// The acting administrator's own password.
    pub confirm_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeRequest {
    pub version: i64,
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// `null` takes the user out of their agency.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub agency_id: Option<Option<Uuid>>,
    pub disabled: Option<bool>,
    pub confirm_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamRequest {
    /// The version the change was based on; required when changing a team.
    pub version: Option<i64>,
    pub name: Option<String>,
    /// `null` removes the supervisor.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub supervisor_id: Option<Option<Uuid>>,
    pub case_types: Option<Vec<String>>,
}

/// Tell "absent" (leave as is) from `null` (remove).
fn double_option<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<Uuid>>, D::Error> {
    Option::<Uuid>::deserialize(deserializer).map(Some)
}

/// Refuse (403, recorded as a denied `attempt`) a user whose role lacks `permission`.
pub(crate) async fn require_to(
    state: &AppState,
    user: &User,
    origin: &RequestInfo,
    permission: Permission,
    attempt: AuditAction,
) -> ApiResult<()> {
    match require(state, user, permission) {
        Ok(()) => Ok(()),
        Err(error) => Err(refused(state, user, origin, attempt, None, error).await),
    }
}

/// The audit entry of an administrative change of `subject`, naming the attributes changed;
/// it commits with the change.
pub(crate) fn change_event(
    user: &User,
    origin: &RequestInfo,
    action: AuditAction,
    subject: Uuid,
    changed: &[&str],
) -> AuditEvent {
    AuditEvent {
        subject: Some(subject),
        fields: changed.iter().map(|c| c.to_string()).collect(),
        ..origin.event(user, action)
    }
}

pub(crate) fn require(state: &AppState, user: &User, permission: Permission) -> ApiResult<()> {
    if state.user_can(user, permission) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "your role may not administer this".into(),
        ))
    }
}

fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code, message)])
}

/// A role of this instance's catalogue that `actor` may give: nobody hands out account or
/// system permissions they do not hold themselves.
fn parse_role(state: &AppState, actor: &User, text: &str) -> ApiResult<Role> {
    let definition = Role::parse(text)
        .and_then(|role| state.config.roles.get(&role))
        .ok_or_else(|| invalid("role", "unknown_role", "not a role of this instance"))?;
    if !may_confer(state.permissions(actor), definition.permissions) {
        return Err(ApiError::Forbidden(
            "you may not give a role with administrative permissions you do not hold".into(),
        ));
    }
    Ok(definition.role.clone())
}

async fn admin_view(state: &AppState, agencies: &[Agency], user: User) -> ApiResult<UserAdminView> {
    let teams = state.store.teams_of(user.id).await?;
    let permissions = permission_names(state.permissions(&user));
    Ok(UserAdminView {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        agency: agency_ref(agencies, user.agency),
        role: user.role.as_str().into(),
        permissions,
        disabled: user.disabled,
        mfa_enabled: user.mfa_enabled,
        teams: teams
            .into_iter()
            .map(|t| TeamRefView {
                id: t.id,
                name: t.name,
            })
            .collect(),
        version: user.version,
    })
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = Vec<UserAdminView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_users(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<UserAdminView>>> {
    require(&state, &user, Permission::ManageUsers)?;
    let agencies = state.store.list_agencies().await?;
    let mut out = Vec::new();
    for each in state.store.list_users().await? {
        out.push(admin_view(&state, &agencies, each).await?);
    }
    Ok(Json(out))
}

/// Create a user. The password must be 10 to 256 characters and not a common password.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUserRequest,
    responses((status = 201, body = UserAdminView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_user(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<UserAdminView>)> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageUsers,
        AuditAction::UserCreate,
    )
    .await?;
    let mut errors = Vec::new();
    if let Err(error) = check_username(&request.username) {
        errors.push(FieldError::new("username", "invalid", error.to_string()));
    }
    let display_name = request.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 120 {
        errors.push(FieldError::new(
            "display_name",
            "invalid",
            "between 1 and 120 characters",
        ));
    }
    let password = Password::new(request.password);
    if let Err(error) = check_new_password(password.char_count()) {
        errors.push(FieldError::new("password", "too_weak", error.to_string()));
    } else if is_common_password(&password)
        || password.expose().eq_ignore_ascii_case(&request.username)
    {
        errors.push(FieldError::new(
            "password",
            "too_common",
            "this password is too common or too easy to guess",
        ));
    }
    let agencies = state.store.list_agencies().await?;
    if let Some(id) = request.agency_id
        && !agencies.iter().any(|a| a.id == id)
    {
        errors.push(unknown_agency());
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let role = parse_role(&state, &user, &request.role)?;
    confirm(&state, &user, request.confirm_password).await?;
    let hash = state
        .passwords
        .run(move |hasher| hasher.hash(&password))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let id = Uuid::now_v7();
    let event = change_event(
        &user,
        &origin,
        AuditAction::UserCreate,
        id,
        &["username", "display_name", "role", "agency_id"],
    );
    let created = state
        .store
        .create_user(NewUser {
            id,
            username: request.username.clone(),
            display_name,
            role,
            agency: request.agency_id,
            password_hash: hash,
            audit: vec![event],
            now: state.clock.now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => invalid("username", "taken", "this username is taken"),
            other => other.into(),
        })?;
    tracing::info!(user = %user.id, created = %created.id, "user created");
    Ok((
        StatusCode::CREATED,
        Json(admin_view(&state, &agencies, created).await?),
    ))
}

/// Change a user's display name, role or disabled flag. Nobody changes their own role or
/// disables themselves. Disabling ends the user's sessions at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin", request_body = UserChangeRequest,
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = UserAdminView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn update_user(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<UserChangeRequest>,
) -> ApiResult<Json<UserAdminView>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageUsers,
        AuditAction::UserUpdate,
    )
    .await?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("id: not a user id (a UUID)".into()))?;
    if id == user.id && (request.role.is_some() || request.disabled == Some(true)) {
        return Err(ApiError::Forbidden(
            "you may not change your own role or disable yourself".into(),
        ));
    }
    let target = state
        .store
        .user_by_id(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !may_confer(state.permissions(&user), state.permissions(&target)) {
        return Err(ApiError::Forbidden(
            "you may not change a user with administrative permissions you do not hold".into(),
        ));
    }
    let role = request
        .role
        .as_deref()
        .map(|r| parse_role(&state, &user, r))
        .transpose()?;
    let display_name = request.display_name.map(|d| d.trim().to_string());
    if display_name
        .as_ref()
        .is_some_and(|d| d.is_empty() || d.chars().count() > 120)
    {
        return Err(invalid(
            "display_name",
            "invalid",
            "between 1 and 120 characters",
        ));
    }
    let agencies = state.store.list_agencies().await?;
    if let Some(Some(id)) = request.agency_id
        && !agencies.iter().any(|a| a.id == id)
    {
        return Err(ApiError::Validation(vec![unknown_agency()]));
    }
    let (display_name_changed, role_changed, agency_changed, disabled_changed) = (
        display_name.is_some(),
        role.is_some(),
        request.agency_id.is_some(),
        request.disabled.is_some(),
    );
    confirm(&state, &user, request.confirm_password).await?;
    let changed: Vec<&str> = [
        ("display_name", display_name_changed),
        ("role", role_changed),
        ("agency_id", agency_changed),
        ("disabled", disabled_changed),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect();
    let updated = state
        .store
        .update_user(
            id,
            UserChanges {
                expected_version: request.version,
                display_name,
                role,
                agency: request.agency_id,
                disabled: request.disabled,
                audit: vec![change_event(
                    &user,
                    &origin,
                    AuditAction::UserUpdate,
                    id,
                    &changed,
                )],
                now: state.clock.now(),
            },
        )
        .await?;
    tracing::info!(user = %user.id, changed = %updated.id, "user changed");
    Ok(Json(admin_view(&state, &agencies, updated).await?))
}

/// Every team.
#[utoipa::path(get, path = "/api/v1/teams", tag = "admin",
    responses((status = 200, body = Vec<TeamView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_teams(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<TeamView>>> {
    require(&state, &user, Permission::ManageTeams)?;
    Ok(Json(
        state
            .store
            .list_teams()
            .await?
            .iter()
            .map(TeamView::from)
            .collect(),
    ))
}

async fn check_team_request(
    state: &AppState,
    request: &TeamRequest,
) -> ApiResult<Option<BTreeSet<String>>> {
    if let Some(name) = &request.name
        && (name.trim().is_empty() || name.chars().count() > 120)
    {
        return Err(invalid("name", "invalid", "between 1 and 120 characters"));
    }
    if let Some(Some(supervisor)) = request.supervisor_id {
        match state.store.user_by_id(supervisor).await? {
            Some(found) if state.user_can(&found, Permission::ViewTeamCases) => {}
            _ => {
                return Err(invalid(
                    "supervisor_id",
                    "not_a_supervisor",
                    "the supervisor must be a user with the supervisor role",
                ));
            }
        }
    }
    match &request.case_types {
        None => Ok(None),
        Some(types) => {
            for (index, case_type) in types.iter().enumerate() {
                if state.config.case_type(case_type).is_none() {
                    return Err(invalid(
                        &format!("case_types[{index}]"),
                        "unknown_case_type",
                        "not a case type of this instance",
                    ));
                }
            }
            Ok(Some(types.iter().cloned().collect()))
        }
    }
}

/// Create a team.
#[utoipa::path(post, path = "/api/v1/teams", tag = "admin", request_body = TeamRequest,
    responses((status = 201, body = TeamView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_team(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<TeamRequest>,
) -> ApiResult<(StatusCode, Json<TeamView>)> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageTeams,
        AuditAction::TeamCreate,
    )
    .await?;
    let case_types = check_team_request(&state, &request)
        .await?
        .unwrap_or_default();
    let name = request
        .name
        .ok_or_else(|| invalid("name", "required", "a team needs a name"))?;
    let team_id = Uuid::now_v7();
    let team = state
        .store
        .create_team(NewTeam {
            id: team_id,
            name: name.trim().to_string(),
            supervisor: request.supervisor_id.flatten(),
            case_types,
            audit: vec![change_event(
                &user,
                &origin,
                AuditAction::TeamCreate,
                team_id,
                &["name", "supervisor_id", "case_types"],
            )],
            now: state.clock.now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => invalid("name", "taken", "a team with this name exists"),
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(TeamView::from(&team))))
}

/// Change a team's name, supervisor or case types.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "admin", request_body = TeamRequest,
    params(("id" = Uuid, Path, description = "Team id")),
    responses((status = 200, body = TeamView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_team(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<TeamRequest>,
) -> ApiResult<Json<TeamView>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageTeams,
        AuditAction::TeamUpdate,
    )
    .await?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("id: not a team id (a UUID)".into()))?;
    let case_types = check_team_request(&state, &request).await?;
    let version = request
        .version
        .ok_or_else(|| ApiError::BadRequest("version: required when changing a team".into()))?;
    let team = state
        .store
        .update_team(
            id,
            version,
            TeamChanges {
                name: request.name.map(|n| n.trim().to_string()),
                supervisor: request.supervisor_id,
                case_types,
                audit: vec![change_event(
                    &user,
                    &origin,
                    AuditAction::TeamUpdate,
                    id,
                    &["name", "supervisor_id", "case_types"],
                )],
            },
            state.clock.now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => invalid("name", "taken", "a team with this name exists"),
            other => other.into(),
        })?;
    Ok(Json(TeamView::from(&team)))
}

fn parse_ids(team: &str, user: &str) -> ApiResult<(Uuid, Uuid)> {
    let team = Uuid::parse_str(team)
        .map_err(|_| ApiError::BadRequest("id: not a team id (a UUID)".into()))?;
    let user = Uuid::parse_str(user)
        .map_err(|_| ApiError::BadRequest("user_id: not a user id (a UUID)".into()))?;
    Ok((team, user))
}

/// Add a member to a team.
#[utoipa::path(put, path = "/api/v1/teams/{id}/members/{user_id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Team id"), ("user_id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = TeamView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_member(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((team, member)): Path<(String, String)>,
) -> ApiResult<Json<TeamView>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageTeams,
        AuditAction::TeamMemberAdd,
    )
    .await?;
    let (team, member) = parse_ids(&team, &member)?;
    match state.store.user_by_id(member).await? {
        Some(found) if state.user_can(&found, Permission::HoldCases) => {}
        Some(_) => {
            return Err(invalid(
                "user_id",
                "cannot_hold_cases",
                "only users who work with cases can be team members",
            ));
        }
        None => return Err(ApiError::NotFound),
    }
    let changed = state
        .store
        .add_team_member(
            team,
            member,
            &[change_event(
                &user,
                &origin,
                AuditAction::TeamMemberAdd,
                team,
                &[&member.to_string()],
            )],
            state.clock.now(),
        )
        .await?;
    Ok(Json(TeamView::from(&changed)))
}

/// Remove a member from a team; their access to the team's cases ends with their next request.
#[utoipa::path(delete, path = "/api/v1/teams/{id}/members/{user_id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Team id"), ("user_id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = TeamView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_member(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((team, member)): Path<(String, String)>,
) -> ApiResult<Json<TeamView>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ManageTeams,
        AuditAction::TeamMemberRemove,
    )
    .await?;
    let (team, member) = parse_ids(&team, &member)?;
    let changed = state
        .store
        .remove_team_member(
            team,
            member,
            &[change_event(
                &user,
                &origin,
                AuditAction::TeamMemberRemove,
                team,
                &[&member.to_string()],
            )],
            state.clock.now(),
        )
        .await?;
    Ok(Json(TeamView::from(&changed)))
}
