//! The configuration's versions over HTTP, for the roles that configure the workflow: the
//! history (who changed what, when, the changes in words), one version's files, a new version
//! from a whole set of files (the `config/` format), and the restoration of an earlier one.
//! Each change may first be tried (`dry_run`): its changes and every error, nothing written.

use crate::admin::require_to;
use crate::audit::RequestInfo;
use crate::config_versions::{self, Proposal, Provenance};
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem, ProblemField};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use caseward_domain::access::Permission;
use caseward_domain::audit::AuditAction;
use caseward_domain::config::SourceFile;
use caseward_store::{ConfigSource, ConfigVersionSummary, User};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A configuration version without its files.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigVersionView {
    pub version: u32,
    pub created_at: DateTime<Utc>,
    /// Who made it; none for the first version and for the command line.
    pub author: Option<crate::cases::UserRefView>,
    /// `initial`, `import` (command line), `edit` (API) or `restore`.
    pub source: String,
    /// For a restoration: the version restored.
    pub restored_from: Option<u32>,
    /// SHA-256 of the files, as the audit trail records it.
    pub fingerprint: String,
    /// The changes from the previous version, one line each: the entity (``case type `gbv` ›
    /// section `safety` › field `shelter` ``), then `added`, `removed` or the key changed with
    /// its value before and after.
    pub changes: Vec<String>,
}

impl From<ConfigVersionSummary> for ConfigVersionView {
    fn from(summary: ConfigVersionSummary) -> Self {
        Self {
            version: summary.version,
            created_at: summary.created_at,
            author: summary.author.map(|a| crate::cases::UserRefView::from(&a)),
            source: summary.source.as_str().into(),
            restored_from: summary.restored_from,
            fingerprint: summary.fingerprint,
            changes: summary.changes,
        }
    }
}

/// One file of a configuration, named by its path inside the folder.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFileView {
    /// e.g. `case_types/gbv.toml`.
    pub name: String,
    pub text: String,
}

/// A version and its files.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigVersionFilesView {
    #[serde(flatten)]
    pub version: ConfigVersionView,
    pub files: Vec<ConfigFileView>,
}

/// A whole configuration proposed as the next version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeVersionRequest {
    /// The newest version the proposal was made from: another version since is a conflict.
    pub based_on: u32,
    pub files: Vec<ConfigFileView>,
    /// Judge only: the changes and every error, nothing stored.
    #[serde(default)]
    pub dry_run: bool,
}

/// An earlier version made the newest again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreVersionRequest {
    pub based_on: u32,
    #[serde(default)]
    pub dry_run: bool,
}

/// What a proposed version would change, and why it cannot be applied if it cannot.
#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunView {
    pub based_on: u32,
    /// It could be applied as it is.
    pub valid: bool,
    pub changes: Vec<String>,
    /// Every problem: `file:line: key` and what is wrong, or what existing cases forbid.
    pub errors: Vec<ProblemField>,
    /// Case types whose stored clear-text data would be recomputed.
    pub migrations: Vec<String>,
}

/// Refuse unless the user may configure the workflow (recorded as a denied `attempt`).
pub(crate) async fn require_configurer(
    state: &AppState,
    user: &User,
    origin: &RequestInfo,
) -> ApiResult<()> {
    require_to(
        state,
        user,
        origin,
        Permission::ConfigureWorkflow,
        AuditAction::ConfigurationChange,
    )
    .await
}

fn to_sources(files: Vec<ConfigFileView>) -> Vec<SourceFile> {
    files
        .into_iter()
        .map(|f| SourceFile {
            name: f.name,
            text: f.text,
        })
        .collect()
}

/// The configuration's versions, newest first.
#[utoipa::path(get, path = "/api/v1/config/versions", tag = "config",
    responses((status = 200, body = Vec<ConfigVersionView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_versions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
) -> ApiResult<Json<Vec<ConfigVersionView>>> {
    require_configurer(&state, &user, &origin).await?;
    let versions = state.store.config_versions().await?;
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}

/// One version with its files (the `config/` format: `caseward config import` takes them).
#[utoipa::path(get, path = "/api/v1/config/versions/{version}", tag = "config",
    params(("version" = u32, Path)),
    responses((status = 200, body = ConfigVersionFilesView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_version(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(version): Path<u32>,
) -> ApiResult<Json<ConfigVersionFilesView>> {
    require_configurer(&state, &user, &origin).await?;
    let record = state
        .store
        .config_version(Some(version))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(ConfigVersionFilesView {
        version: record.summary.into(),
        files: record
            .files
            .into_iter()
            .map(|f| ConfigFileView {
                name: f.name,
                text: f.text,
            })
            .collect(),
    }))
}

/// The newest version, checked against what the request was based on.
pub(crate) async fn base(
    state: &AppState,
    based_on: u32,
) -> ApiResult<caseward_store::ConfigVersionRecord> {
    let newest = config_versions::newest(state.store.as_ref()).await?;
    if newest.summary.version != based_on {
        return Err(ApiError::Conflict {
            expected: i64::from(based_on),
            current: i64::from(newest.summary.version),
        });
    }
    Ok(newest)
}

/// A proposal tried, or committed as a new version.
pub(crate) enum Settled {
    Tried(DryRunView),
    Made(DryRunView, ConfigVersionView),
}

impl IntoResponse for Settled {
    fn into_response(self) -> Response {
        match self {
            Settled::Tried(view) => Json(view).into_response(),
            Settled::Made(_, version) => (StatusCode::CREATED, Json(version)).into_response(),
        }
    }
}

/// Answer a dry run, or commit the proposal.
pub(crate) async fn settle(
    state: &AppState,
    user: &User,
    origin: &RequestInfo,
    proposal: Proposal,
    dry_run: bool,
    source: ConfigSource,
    restored_from: Option<u32>,
) -> ApiResult<Settled> {
    let (errors, migrations) = match &proposal.verdict {
        Ok(judged) => (
            Vec::new(),
            judged.evolution.reindex.iter().cloned().collect(),
        ),
        Err(errors) => (errors.iter().cloned().map(Into::into).collect(), Vec::new()),
    };
    let tried = DryRunView {
        based_on: proposal.base.summary.version,
        valid: proposal.verdict.is_ok(),
        changes: proposal.changes.clone(),
        errors,
        migrations,
    };
    if dry_run {
        return Ok(Settled::Tried(tried));
    }
    if proposal.changes.is_empty() && proposal.verdict.is_ok() && source != ConfigSource::Restore {
        return Err(ApiError::BadRequest(
            "files: nothing changes: the files are the newest version's".into(),
        ));
    }
    let summary = config_versions::commit(
        state,
        proposal,
        Provenance {
            source,
            restored_from,
            author: Some(user.id),
            event: origin.event(user, AuditAction::ConfigurationChange),
        },
    )
    .await?;
    Ok(Settled::Made(tried, summary.into()))
}

/// Propose a whole configuration as the next version: every file loads, references resolve,
/// and nothing existing cases may hold disappears. `dry_run` answers 200 with the changes and
/// every error; otherwise 201 with the new version, in force at once, or 422 with every error.
#[utoipa::path(post, path = "/api/v1/config/versions", tag = "config", request_body = ProposeVersionRequest,
    responses((status = 200, body = DryRunView), (status = 201, body = ConfigVersionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn propose_version(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<ProposeVersionRequest>,
) -> ApiResult<Response> {
    require_configurer(&state, &user, &origin).await?;
    let base = base(&state, request.based_on).await?;
    let before = config_versions::base_configuration(&base, &state.config)?;
    let proposal = config_versions::propose(
        state.store.as_ref(),
        base,
        &before,
        to_sources(request.files),
    )
    .await?;
    settle(
        &state,
        &user,
        &origin,
        proposal,
        request.dry_run,
        ConfigSource::Edit,
        None,
    )
    .await
    .map(IntoResponse::into_response)
}

/// The newest version's entities as the editors work on them: each stage, option list,
/// case type, section, field and transition as the files write it, in JSON.
#[utoipa::path(get, path = "/api/v1/config/entities", tag = "config",
    responses((status = 200, body = crate::config_edit::ConfigEntitiesView), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_entities(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
) -> ApiResult<Json<crate::config_edit::ConfigEntitiesView>> {
    require_configurer(&state, &user, &origin).await?;
    let newest = config_versions::newest(state.store.as_ref()).await?;
    Ok(Json(crate::config_edit::entities(
        newest.summary.version,
        &newest.files,
    )))
}

/// Changes to the newest version, entity by entity (the web app's editors).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeConfigurationRequest {
    pub based_on: u32,
    pub changes: Vec<crate::config_edit::ConfigChange>,
    #[serde(default)]
    pub dry_run: bool,
}

/// Apply changes to the newest version's entities — put (add or replace) or remove a stage,
/// option list, case type, section, field, the transitions, … — and judge the result whole,
/// as `POST /config/versions` does: `dry_run` answers 200 with the changes and every error;
/// otherwise 201 with the new version, or 422 with every error (a change that cannot apply is
/// named `changes[i]`).
#[utoipa::path(post, path = "/api/v1/config/changes", tag = "config", request_body = ChangeConfigurationRequest,
    responses((status = 200, body = DryRunView), (status = 201, body = ConfigVersionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_configuration(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<ChangeConfigurationRequest>,
) -> ApiResult<Response> {
    require_configurer(&state, &user, &origin).await?;
    if request.changes.is_empty() || request.changes.len() > 500 {
        return Err(ApiError::Validation(vec![
            caseward_domain::validate::FieldError::new(
                "changes",
                "out_of_range",
                "between 1 and 500 changes",
            ),
        ]));
    }
    let base = base(&state, request.based_on).await?;
    let files = match crate::config_edit::apply(&base.files, &request.changes) {
        Ok(files) => files,
        Err(errors) if request.dry_run => {
            return Ok(Json(DryRunView {
                based_on: base.summary.version,
                valid: false,
                changes: Vec::new(),
                errors: errors.into_iter().map(Into::into).collect(),
                migrations: Vec::new(),
            })
            .into_response());
        }
        Err(errors) => return Err(ApiError::Validation(errors)),
    };
    let before = config_versions::base_configuration(&base, &state.config)?;
    let proposal = config_versions::propose(state.store.as_ref(), base, &before, files).await?;
    settle(
        &state,
        &user,
        &origin,
        proposal,
        request.dry_run,
        ConfigSource::Edit,
        None,
    )
    .await
    .map(IntoResponse::into_response)
}

/// Make an earlier version the newest again (as a new version: history is never rewritten).
/// Refused like any change when it would take away what existing cases may hold.
#[utoipa::path(post, path = "/api/v1/config/versions/{version}/restore", tag = "config", request_body = RestoreVersionRequest,
    params(("version" = u32, Path)),
    responses((status = 200, body = DryRunView), (status = 201, body = ConfigVersionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn restore_version(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(version): Path<u32>,
    ApiJson(request): ApiJson<RestoreVersionRequest>,
) -> ApiResult<Response> {
    require_configurer(&state, &user, &origin).await?;
    let restored = state
        .store
        .config_version(Some(version))
        .await?
        .ok_or(ApiError::NotFound)?;
    let base = base(&state, request.based_on).await?;
    let before = config_versions::base_configuration(&base, &state.config)?;
    let proposal =
        config_versions::propose(state.store.as_ref(), base, &before, restored.files).await?;
    settle(
        &state,
        &user,
        &origin,
        proposal,
        request.dry_run,
        ConfigSource::Restore,
        Some(version),
    )
    .await
    .map(IntoResponse::into_response)
}
