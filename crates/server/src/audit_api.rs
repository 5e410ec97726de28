//! Reading the audit trail: a case's access log for the people responsible for the case, and
//! search and export for auditors. Entries name people, records and field ids; never a value.

use crate::admin::require_to;
use crate::audit::RequestInfo;
use crate::case_context::{parse_case_id, reachable_case};
use crate::cases::UserRefView;
use crate::extract::ApiQuery;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::sharing::check_reason;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use caseward_domain::access::{Permission, relationship};
use caseward_domain::audit::{AuditAction, AuditEntry, AuditEvent, Outcome};
use caseward_store::{AuditFilter, UserRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who acted; absent for an unknown user (a failed login) or the command line.
    pub actor: Option<UserRefView>,
    pub actor_role: Option<String>,
    /// `case.read`, `case.update`, `auth.login.failed`, … (docs/SECURITY-MODEL.md).
    pub action: String,
    /// `allowed` or `denied`.
    pub outcome: String,
    pub case_id: Option<Uuid>,
    /// Another record the action was about (a user, team, agency or consent).
    pub subject: Option<Uuid>,
    /// Ids of the fields read or written (for a list: the case ids returned).
    pub fields: Vec<String>,
    /// The reason given. A reason that is part of a case's history (why it was shared,
    /// granted, reassigned…) is sealed with the case: shown in the case's own access log,
    /// withheld here from the auditor (`reason_withheld`).
    pub reason: Option<String>,
    /// A reason exists but is sealed with its case.
    pub reason_withheld: bool,
    pub client: String,
    pub request_id: Option<String>,
}

fn view(entry: &AuditEntry, people: &BTreeMap<Uuid, UserRef>) -> AuditEntryView {
    let event = &entry.event;
    AuditEntryView {
        seq: entry.seq,
        at: entry.at,
        actor: event
            .actor
            .and_then(|id| people.get(&id))
            .map(UserRefView::from),
        actor_role: event.actor_role.clone(),
        action: event.action.as_str().into(),
        outcome: event.outcome.as_str().into(),
        case_id: event.case_id,
        subject: event.subject,
        fields: event.fields.clone(),
        reason: event
            .reason
            .clone()
            .filter(|r| !caseward_store::is_sealed_text(r)),
        reason_withheld: event
            .reason
            .as_deref()
            .is_some_and(caseward_store::is_sealed_text),
        client: event.client.clone(),
        request_id: event.request_id.clone(),
    }
}

async fn people(state: &AppState) -> ApiResult<BTreeMap<Uuid, UserRef>> {
    Ok(state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                UserRef {
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                },
            )
        })
        .collect())
}

/// A case's access log: who read or changed it, and who was refused, newest first (the
/// assigned worker and the team's supervisor only).
#[utoipa::path(get, path = "/api/v1/cases/{id}/audit", tag = "audit",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Vec<AuditEntryView>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn case_audit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AuditEntryView>>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::CaseAuditRead,
        parse_case_id(&id)?,
    )
    .await?;
    // Those responsible for the case: its worker, and its team's supervisor.
    let rel = relationship(context.actor, &context.facts);
    if !(rel.assigned || (rel.supervises && context.actor.can(Permission::ViewTeamCases))) {
        return Err(context
            .refuse(ApiError::Forbidden(
                "only the assigned worker and the team's supervisor see a case's access log".into(),
            ))
            .await);
    }
    let entries = state.store.case_audit(context.case.summary.id, 500).await?;
    let people = people(&state).await?;
    context.record(context.event()).await?;
    Ok(Json(entries.iter().map(|e| view(e, &people)).collect()))
}

/// Which entries an auditor looks for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries by this user.
    pub actor: Option<Uuid>,
    /// Entries about this case.
    pub case_id: Option<Uuid>,
    /// One action, e.g. `case.read`.
    pub action: Option<String>,
    /// `allowed` or `denied`.
    pub outcome: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// Entries before this sequence number (the next page).
    pub before: Option<i64>,
    /// At most this many (1 to 500; default 100).
    pub limit: Option<u32>,
    /// Export only: why the trail is exported (recorded).
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<i64>,
}

fn filter(query: &AuditQuery, most: u32) -> ApiResult<(AuditFilter, Vec<String>)> {
    let action = match query.action.as_deref() {
        None => None,
        Some(text) => Some(
            AuditAction::parse(text)
                .ok_or_else(|| ApiError::BadRequest("action: not an audit action".into()))?,
        ),
    };
    let outcome = match query.outcome.as_deref() {
        None => None,
        Some(text) => Some(
            Outcome::parse(text)
                .ok_or_else(|| ApiError::BadRequest("outcome: allowed or denied".into()))?,
        ),
    };
    let limit = query.limit.unwrap_or(100.min(most));
    if !(1..=most).contains(&limit) {
        return Err(ApiError::BadRequest(format!("limit: between 1 and {most}")));
    }
    // What the search looked for, by name (recorded with the search).
    let used: Vec<String> = [
        ("actor", query.actor.is_some()),
        ("case_id", query.case_id.is_some()),
        ("action", action.is_some()),
        ("outcome", outcome.is_some()),
        ("from", query.from.is_some()),
        ("to", query.to.is_some()),
    ]
    .into_iter()
    .filter(|(_, used)| *used)
    .map(|(name, _)| name.to_string())
    .collect();
    Ok((
        AuditFilter {
            actor: query.actor,
            case_id: query.case_id,
            action,
            outcome,
            from: query.from,
            to: query.to,
            before_seq: query.before,
            limit,
        },
        used,
    ))
}

/// Search the audit trail (auditors), newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn search_audit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ReadAuditTrail,
        AuditAction::AuditSearch,
    )
    .await?;
    let (filter, used) = filter(&query, 500)?;
    let entries = state.store.search_audit(&filter).await?;
    let people = people(&state).await?;
    state
        .audit
        .record(vec![AuditEvent {
            fields: used,
            case_id: filter.case_id,
            subject: filter.actor,
            ..origin.event(&user, AuditAction::AuditSearch)
        }])
        .await?;
    let next_before = (entries.len() as u32 == filter.limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Json(AuditPage {
        entries: entries.iter().map(|e| view(e, &people)).collect(),
        next_before,
    }))
}

fn csv_cell(text: &str) -> String {
    // Quote every cell; a leading formula character is neutralised for spreadsheets.
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Export matching entries as CSV (auditors; a reason is required and recorded).
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "CSV, one entry a line, newest first", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn export_audit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Response> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ReadAuditTrail,
        AuditAction::AuditExport,
    )
    .await?;
    let reason = query.reason.clone().unwrap_or_default();
    check_reason(&reason, "reason")?;
    let (filter, used) = filter(&query, 10_000)?;
    let entries = state.store.search_audit(&filter).await?;
    let people = people(&state).await?;
    state
        .audit
        .record(vec![AuditEvent {
            fields: used,
            case_id: filter.case_id,
            subject: filter.actor,
            reason: Some(reason.trim().to_string()),
            ..origin.event(&user, AuditAction::AuditExport)
        }])
        .await?;
    let mut csv = String::from(
        "seq,at,actor,actor_role,action,outcome,case_id,subject,fields,reason,client,request_id\n",
    );
    for entry in &entries {
        let v = view(entry, &people);
        let cells = [
            v.seq.to_string(),
            v.at.to_rfc3339(),
            v.actor.map(|a| a.username).unwrap_or_default(),
            v.actor_role.unwrap_or_default(),
            v.action,
            v.outcome,
            v.case_id.map(|c| c.to_string()).unwrap_or_default(),
            v.subject.map(|s| s.to_string()).unwrap_or_default(),
            v.fields.join(" "),
            v.reason.unwrap_or_default(),
            v.client,
            v.request_id.unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"caseward-audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}
