//! Anonymised aggregate reports for programme managers: counts of cases along one or two axes
//! (case type, stage, month opened, or a report dimension such as sex, age group or
//! district), never a case. Counts below the configuration's minimum cell count are
//! suppressed, with the counts that would give them away (`domain::reports`). The counts come
//! from the running tallies the database keeps, so a report over a million cases reads a few
//! thousand rows. Reading one is recorded in the trail, with its axes and filters by name.

use crate::admin::require_to;
use crate::audit::RequestInfo;
use crate::extract::ApiQuery;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use caseward_domain::access::Permission;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::config::Configuration;
use caseward_domain::reports::{
    Axis, ReportError, ReportRequest, Status, build, fields_needed, is_month, needs_months,
};
use caseward_domain::validate::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What a report counts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The rows' axis: `case_type`, `stage`, `opened_month`, `age_group`, or the field id of a
    /// report dimension (`sex`, `current_location`, `incident_type` ...).
    pub rows: Option<String>,
    /// The columns' axis, as `rows`; none: one column. At most one of the two is a field.
    pub columns: Option<String>,
    /// Case type ids, comma-separated; none: every type.
    pub case_type: Option<String>,
    /// `open` (default: not in a terminal stage), `closed` or `all`.
    pub status: Option<String>,
    /// Cases opened in or after this month (`YYYY-MM`).
    pub opened_from: Option<String>,
    /// Cases opened in or before this month (`YYYY-MM`).
    pub opened_to: Option<String>,
}

/// A report: `cells[row][column]`, each count `null` where it is suppressed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub rows_axis: String,
    /// `null`: one column, of every case counted.
    pub columns_axis: Option<String>,
    /// The rows' keys (case type, stage, month or dimension value ids); `null` is the cases
    /// with no value recorded for the report's field.
    pub rows: Vec<Option<String>>,
    pub columns: Vec<Option<String>>,
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub column_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
    /// The case types counted: those asked for, and of those, the ones with the report's field.
    pub case_types: Vec<String>,
    pub status: String,
    pub opened_from: Option<String>,
    pub opened_to: Option<String>,
    /// Counts below this are suppressed.
    pub minimum_cell_count: u32,
    /// A case may count under several values (a multiple choice): totals count mentions.
    pub multiple: bool,
}

/// An anonymised aggregate report (roles with `view_aggregate_reports`).
#[utoipa::path(get, path = "/api/v1/reports/cases", tag = "reports", params(ReportQuery),
    responses((status = 200, body = ReportView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn case_report(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Json<ReportView>> {
    require_to(
        &state,
        &user,
        &origin,
        Permission::ViewAggregateReports,
        AuditAction::ReportRead,
    )
    .await?;
    let config = &state.config;
    let request = request(config, &query)?;
    let tallies = state
        .store
        .report_tallies(&fields_needed(config, &request), needs_months(&request))
        .await?;
    let minimum = config.minimum_cell_count;
    let report = build(config, &request, &tallies, u64::from(minimum)).map_err(|error| {
        let field = match error {
            ReportError::SameAxis | ReportError::TwoFields => "columns",
            ReportError::NoCaseType(_) => "case_type",
        };
        ApiError::Validation(vec![FieldError::new(
            field,
            "unanswerable",
            error.to_string(),
        )])
    })?;
    state
        .audit
        .record(vec![AuditEvent {
            fields: used(&query),
            ..origin.event(&user, AuditAction::ReportRead)
        }])
        .await?;
    Ok(Json(ReportView {
        rows_axis: request.rows.name().to_owned(),
        columns_axis: request.columns.as_ref().map(|a| a.name().to_owned()),
        rows: report.rows,
        columns: report.columns,
        cells: report.table.cells,
        row_totals: report.table.row_totals,
        column_totals: report.table.column_totals,
        total: report.table.total,
        case_types: report.case_types,
        status: request.status.as_str().to_owned(),
        opened_from: request.opened_from,
        opened_to: request.opened_to,
        minimum_cell_count: minimum,
        multiple: report.multiple,
    }))
}

/// The request, or every parameter's error by name.
fn request(config: &Configuration, query: &ReportQuery) -> ApiResult<ReportRequest> {
    let mut errors = Vec::new();
    let axis = |name: &str, text: &str, errors: &mut Vec<FieldError>| {
        let axis = Axis::parse(text, config);
        if axis.is_none() {
            errors.push(FieldError::new(
                name,
                "unknown_axis",
                "not case_type, stage, opened_month, age_group or a report dimension's field id",
            ));
        }
        axis
    };
    let rows = match query.rows.as_deref() {
        Some(text) => axis("rows", text, &mut errors),
        None => {
            errors.push(FieldError::new(
                "rows",
                "required",
                "the rows' axis is required",
            ));
            None
        }
    };
    let columns = query
        .columns
        .as_deref()
        .map(|text| axis("columns", text, &mut errors));
    let case_types: Vec<String> = query
        .case_type
        .as_deref()
        .map(|text| text.split(',').map(|t| t.trim().to_owned()).collect())
        .unwrap_or_default();
    if let Some(unknown) = case_types.iter().find(|t| config.case_type(t).is_none()) {
        errors.push(FieldError::new(
            "case_type",
            "unknown",
            format!("`{unknown}` is not a case type"),
        ));
    }
    let status = match query.status.as_deref() {
        None => Some(Status::Open),
        Some(text) => Status::parse(text),
    };
    if status.is_none() {
        errors.push(FieldError::new("status", "invalid", "open, closed or all"));
    }
    for (name, month) in [
        ("opened_from", &query.opened_from),
        ("opened_to", &query.opened_to),
    ] {
        if month.as_deref().is_some_and(|m| !is_month(m)) {
            errors.push(FieldError::new(name, "invalid", "a month: YYYY-MM"));
        }
    }
    if let (Some(from), Some(to)) = (&query.opened_from, &query.opened_to)
        && errors.is_empty()
        && from > to
    {
        errors.push(FieldError::new(
            "opened_to",
            "invalid",
            "before opened_from",
        ));
    }
    match (rows, columns, status) {
        (Some(rows), columns @ (None | Some(Some(_))), Some(status)) if errors.is_empty() => {
            Ok(ReportRequest {
                rows,
                columns: columns.flatten(),
                case_types,
                status,
                opened_from: query.opened_from.clone(),
                opened_to: query.opened_to.clone(),
            })
        }
        _ => Err(ApiError::Validation(errors)),
    }
}

/// The report's axes and filters by name, for the trail.
fn used(query: &ReportQuery) -> Vec<String> {
    let mut used = Vec::new();
    for (name, value) in [
        ("rows", &query.rows),
        ("columns", &query.columns),
        ("case_type", &query.case_type),
        ("status", &query.status),
        ("opened_from", &query.opened_from),
        ("opened_to", &query.opened_to),
    ] {
        if let Some(value) = value {
            used.push(format!("{name}={value}"));
        }
    }
    used
}
