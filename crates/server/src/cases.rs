//! Case endpoints: list, create, read, update. Each asks the access policy first and answers
//! 404 for a case the user may not reach, so that its existence is not revealed.

use crate::audit::RequestInfo;
use crate::case_context::{
    CaseContext, ensure_may_hold_cases, parse_case_id, reachable_case, reachable_read_case, refused,
};
use crate::caseload::{CaseloadView, check_assignment};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::projection_json::projection_to_json;
use crate::session::{CurrentUser, SessionDigest};
use crate::state::AppState;
use crate::values::parse_fields;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::projection::{forbidden_writes, project, withheld_fields};
use caseward_domain::access::{CaseAction, Permission, may, relationship};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::new_record_id;
use caseward_domain::config::Intensity;
use caseward_domain::dimensions::report_dimensions;
use caseward_domain::validate::{FieldError, retired_writes, validate_case};
use caseward_store::{CaseFilter, CaseSummary, CaseUpdate, NewCase, Reach, UserRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A user named on a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRefView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
}

impl From<&UserRef> for UserRefView {
    fn from(user: &UserRef) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
        }
    }
}

/// A case without its fields, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryView {
    pub id: Uuid,
    /// Human case number, e.g. `CP-2026-00042`.
    pub case_number: String,
    pub case_type: String,
    pub stage: String,
    /// 1 (low) to 3 (high).
    pub intensity: u8,
    pub assigned_to: UserRefView,
    /// Optimistic-concurrency version; send it back with an update.
    pub version: i64,
    /// The configuration version the case was last written with.
    pub config_version: u32,
    #[serde(serialize_with = "crate::iso_time::serialize_instant")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::iso_time::serialize_instant")]
    pub updated_at: DateTime<Utc>,
}

impl From<&CaseSummary> for CaseSummaryView {
    fn from(case: &CaseSummary) -> Self {
        Self {
            id: case.id,
            case_number: case.case_number.clone(),
            case_type: case.case_type.clone(),
            stage: case.stage.clone(),
            intensity: case.intensity.level(),
            assigned_to: UserRefView::from(&case.assigned_to),
            version: case.version,
            config_version: case.config_version,
            created_at: case.created_at,
            updated_at: case.updated_at,
        }
    }
}

/// What the acting user may do with a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseAccessView {
    /// `assigned`, `shared` or `supervisor`.
    pub relationship: String,
    pub may_update: bool,
    pub may_share: bool,
    pub may_reassign: bool,
    pub may_grant_fields: bool,
    /// Top-level fields this user may not write, whether or not they hold a value (a withheld
    /// field, or a repeating group with a withheld member).
    pub withheld_fields: Vec<String>,
    /// The classifications of document this user may attach to the case (those they could
    /// see themselves); empty when they may not change the case.
    pub attachable: Vec<&'static str>,
    /// The stages this user may move the case to from where it is (each move's guards are
    /// checked when it is asked for).
    pub transitions: Vec<crate::transitions::TransitionOption>,
}

/// A case with the fields the acting user may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummaryView,
    /// Field values keyed by field id (see the field value table in docs/API.md): only those
    /// the user may see.
    #[schema(value_type = Object)]
    pub fields: Box<serde_json::value::RawValue>,
    /// Paths of values that exist but are withheld from this user ("[Restricted]"), e.g.
    /// `safety_plan` or `contacts[0].phone`.
    pub restricted: Vec<String>,
    pub access: CaseAccessView,
}

impl CaseView {
    /// The case as the context's actor may see it: every output path goes through `project`.
    pub fn of(context: &CaseContext) -> Self {
        Self::with_shown_fields(context).0
    }

    /// The view, and the ids of the fields it shows in full or in part (what the audit entry
    /// of a read names).
    pub fn with_shown_fields(context: &CaseContext) -> (Self, Vec<String>) {
        let projected = project(
            context.actor,
            &context.facts,
            context.case_type,
            &context.case.fields,
        );
        let json = projection_to_json(&projected);
        let rel = relationship(context.actor, &context.facts);
        let relationship = if rel.assigned {
            "assigned"
        } else if rel.shared {
            "shared"
        } else {
            "supervisor"
        };
        let allowed = |action| may(context.actor, &context.facts, action);
        let view = Self {
            summary: CaseSummaryView::from(&context.case.summary),
            fields: json.fields,
            restricted: json.restricted,
            access: CaseAccessView {
                relationship: relationship.into(),
                may_update: allowed(CaseAction::Update),
                may_share: allowed(CaseAction::Share),
                may_reassign: allowed(CaseAction::Reassign),
                may_grant_fields: allowed(CaseAction::GrantFieldAccess),
                withheld_fields: withheld_fields(context.actor, &context.facts, context.case_type),
                attachable: crate::attachments::attachable(context),
                transitions: crate::transitions::options(context),
            },
        };
        (view, json.shown)
    }
}

/// A newly opened case, with the caseload it leaves its worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedCaseView {
    #[serde(flatten)]
    pub case: CaseView,
    pub caseload: CaseloadView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseSummaryView>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Only cases of this case type (id).
    pub case_type: Option<String>,
    /// Only cases at this stage (id).
    pub stage: Option<String>,
    /// A case number (whole or its beginning), or words of a searchable field such as a name
    /// (every word must match; case, accents and punctuation do not matter). A restricted
    /// field's words find a case only for its assigned worker.
    pub q: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// 1 to 100; default 25.
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCaseRequest {
    /// Case type id, e.g. `child_protection`.
    pub case_type: String,
    /// 1 to 3; defaults to the case type's default intensity.
    pub intensity: Option<u8>,
    #[schema(value_type = Object)]
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// Needed to open a case above the maximum caseload (supervisors only); recorded.
    pub caseload_override_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCaseRequest {
    /// The version the change was based on.
    pub version: i64,
    /// Only the fields that change; `null` clears a field.
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

/// The cases the user may see, newest update first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses(
        (status = 200, body = CasePage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_cases(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiQuery(query): ApiQuery<CaseQuery>,
) -> ApiResult<Json<CasePage>> {
    if let Err(error) = ensure_may_hold_cases(&state, &user) {
        return Err(refused(&state, &user, &origin, AuditAction::CaseList, None, error).await);
    }
    let page = query.page.unwrap_or(1);
    let per_page = query.per_page.unwrap_or(25);
    if page == 0 {
        return Err(ApiError::BadRequest("page: must be 1 or more".into()));
    }
    if !(1..=100).contains(&per_page) {
        return Err(ApiError::BadRequest(
            "per_page: must be between 1 and 100".into(),
        ));
    }
    if let Some(case_type) = &query.case_type
        && state.config.case_type(case_type).is_none()
    {
        return Err(ApiError::BadRequest("case_type: unknown case type".into()));
    }
    if let Some(stage) = &query.stage
        && state.config.stage(stage).is_none()
    {
        return Err(ApiError::BadRequest("stage: unknown stage".into()));
    }
    let words = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if words.is_some_and(|q| q.chars().count() > 40) {
        return Err(ApiError::BadRequest("q: at most 40 characters".into()));
    }
    // A search matches case numbers by prefix, or names and codes by their blind-index tokens.
    let search = words.map(str::to_uppercase);
    let name_tokens = words
        .map(|q| crate::search::query_tokens(&state, q))
        .unwrap_or_default();
    let filter = CaseFilter {
        reachable_by: Some(Reach {
            user: user.id,
            include_team_cases: state.user_can(&user, Permission::ViewTeamCases),
        }),
        assigned_to: None,
        case_type: query.case_type,
        stage: query.stage,
        case_number_prefix: search,
        name_tokens,
        page,
        per_page,
        ..CaseFilter::default()
    };
    let found = state.store.list_cases(&filter).await?;
    // Which cases a list or search returned is itself an access to them.
    state
        .audit
        .record(vec![AuditEvent {
            fields: found.items.iter().map(|c| c.id.to_string()).collect(),
            ..origin.event(&user, AuditAction::CaseList)
        }])
        .await?;
    Ok(Json(CasePage {
        items: found.items.iter().map(CaseSummaryView::from).collect(),
        page,
        per_page,
        total: found.total,
    }))
}

/// Open a new case, assigned to its creator, at its case type's first stage. The answer
/// carries the creator's caseload; above the maximum the case is refused (409) unless a
/// supervisor overrides with a reason.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CreateCaseRequest,
    responses(
        (status = 201, body = CreatedCaseView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<CreateCaseRequest>,
) -> ApiResult<(StatusCode, Json<CreatedCaseView>)> {
    if let Err(error) = ensure_may_hold_cases(&state, &user) {
        return Err(refused(&state, &user, &origin, AuditAction::CaseCreate, None, error).await);
    }
    let Some(case_type) = state.config.case_type(&request.case_type) else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "case_type",
            "unknown_case_type",
            "not a case type of this instance",
        )]));
    };
    let intensity = match request.intensity {
        None => case_type.default_intensity,
        Some(level) => Intensity::from_level(i64::from(level)).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "intensity",
                "out_of_range",
                "must be 1, 2 or 3",
            )])
        })?,
    };
    let fields = parse_fields(case_type, &request.fields, false)
        .map_err(ApiError::Validation)?
        .set;
    let retired = retired_writes(&state.config, case_type, &fields, &Default::default());
    if !retired.is_empty() {
        return Err(ApiError::Validation(retired));
    }
    let now = state.clock.now();
    let stage = case_type.initial_stage();
    let errors = validate_case(&state.config, case_type, stage, &fields, now);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let caseload = check_assignment(
        &state,
        &user,
        user.id,
        case_type,
        intensity,
        request.caseload_override_reason.as_deref(),
    )
    .await?;
    let id = new_record_id();
    let event = AuditEvent {
        case_id: Some(id),
        fields: fields.keys().cloned().collect(),
        reason: request.caseload_override_reason.clone(),
        ..origin.event(&user, AuditAction::CaseCreate)
    };
    let search_tokens = crate::search::case_tokens(&state, case_type, &fields);
    let dimensions = report_dimensions(&state.config, case_type, &fields, now.date_naive());
    let created = state
        .store
        .create_case(NewCase {
            id,
            case_type: case_type.id.clone(),
            case_type_code: case_type.code.clone(),
            stage: stage.to_string(),
            intensity,
            assigned_to: user.id,
            created_by: user.id,
            config_version: state.config.version,
            fields,
            caseload_override_reason: (caseload.status == "above_maximum_overridden")
                .then(|| request.caseload_override_reason.clone())
                .flatten(),
            search_tokens,
            dimensions,
            audit: vec![event],
            now,
        })
        .await?;
    tracing::info!(case = %created.summary.id, user = %user.id, "case created");
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseCreate,
        created.summary.id,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedCaseView {
            case: CaseView::of(&context),
            caseload,
        }),
    ))
}

/// One case, with the fields the user may see and placeholders for the others.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses(
        (status = 200, body = CaseView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_case(
    State(state): State<AppState>,
    session: SessionDigest,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseView>> {
    // The session and the case in one read; a request without a live session is refused as
    // unauthenticated before anything about its path is said.
    let id = match parse_case_id(&id) {
        Ok(id) => id,
        Err(error) => {
            session.user(&state).await?;
            return Err(error);
        }
    };
    let (user, found) = session.with_case(&state, id).await?;
    let context =
        reachable_read_case(&state, &user, &origin, AuditAction::CaseRead, id, found).await?;
    let (view, shown) = CaseView::with_shown_fields(&context);
    state
        .audit
        .record(vec![AuditEvent {
            fields: shown,
            ..context.event()
        }])
        .await?;
    Ok(Json(view))
}

/// Change some fields of a case. The request carries the version it was based on; if the case
/// has changed since, the answer is 409 and nothing is written. Writing a field the user may
/// not see is refused (403) and nothing is written.
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases", request_body = UpdateCaseRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses(
        (status = 200, body = CaseView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_case(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<UpdateCaseRequest>,
) -> ApiResult<Json<CaseView>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseUpdate,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Update).await?;
    let case = &context.case;
    if case.summary.version != request.version {
        return Err(ApiError::Conflict {
            expected: request.version,
            current: case.summary.version,
        });
    }
    let case_type = context.case_type;
    let changes = parse_fields(case_type, &request.fields, true).map_err(ApiError::Validation)?;
    let touched = changes
        .set
        .keys()
        .map(String::as_str)
        .chain(changes.cleared.iter().map(String::as_str));
    let forbidden = forbidden_writes(context.actor, &context.facts, case_type, touched);
    if !forbidden.is_empty() {
        return Err(ApiError::ForbiddenFields(forbidden));
    }
    let retired = retired_writes(&state.config, case_type, &changes.set, &case.fields);
    if !retired.is_empty() {
        return Err(ApiError::Validation(retired));
    }
    let event = AuditEvent {
        fields: changes
            .set
            .keys()
            .chain(changes.cleared.iter())
            .cloned()
            .collect(),
        ..context.event()
    };
    let mut fields = case.fields.clone();
    for id in &changes.cleared {
        fields.remove(id);
    }
    fields.extend(changes.set);
    let now = state.clock.now();
    let errors = validate_case(&state.config, case_type, &case.summary.stage, &fields, now);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let search_tokens = crate::search::case_tokens(&state, case_type, &fields);
    let dimensions = report_dimensions(&state.config, case_type, &fields, now.date_naive());
    let updated = state
        .store
        .update_case(CaseUpdate {
            id: case.summary.id,
            expected_version: request.version,
            fields,
            config_version: state.config.version,
            search_tokens,
            dimensions,
            audit: vec![event],
            now,
        })
        .await?;
    tracing::info!(case = %updated.summary.id, user = %user.id, version = updated.summary.version, "case updated");
    let context = CaseContext {
        case: updated,
        ..context
    };
    Ok(Json(CaseView::of(&context)))
}
