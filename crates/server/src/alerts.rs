//! A user's alerts (deadlines that passed on their cases, or escalated from their team) and
//! the address they are emailed to. An alert names its case's number and the deadline, never
//! any of the case's content; opening the case is an audited read like any other.

use crate::audit::RequestInfo;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::validate::FieldError;
use caseward_store::AlertRecord;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The most alerts listed.
const LIMIT: u32 = 200;

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    /// `stage_too_long`, `follow_up_overdue`, `review_due`, `approval_pending` or
    /// `transfer_unacknowledged`.
    pub kind: String,
    /// The stage a `stage_too_long` alert is about.
    pub stage: Option<String>,
    /// `alert` (to the case's worker) or `escalation` (to the supervisor).
    pub level: String,
    /// When the deadline passed.
    pub due: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl From<&AlertRecord> for AlertView {
    fn from(alert: &AlertRecord) -> Self {
        Self {
            id: alert.id,
            case_id: alert.case_id,
            case_number: alert.case_number.clone(),
            kind: alert.kind.clone(),
            stage: alert.stage.clone(),
            level: alert.level.clone(),
            due: alert.due,
            created_at: alert.created_at,
            read: alert.read_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    /// Newest first.
    pub items: Vec<AlertView>,
    pub unread: u32,
}

/// The user's alerts.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "auth",
    responses((status = 200, body = AlertList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_alerts(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<AlertList>> {
    let alerts = state.store.alerts_for(user.id, LIMIT).await?;
    let unread = alerts.iter().filter(|a| a.read_at.is_none()).count();
    Ok(Json(AlertList {
        items: alerts.iter().map(AlertView::from).collect(),
        unread: u32::try_from(unread).unwrap_or(u32::MAX),
    }))
}

/// Mark one of the user's alerts read.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/read", tag = "auth",
    params(("id" = Uuid, Path, description = "Alert id")),
    responses((status = 204), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn read_alert(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("id: not an alert id (a UUID)".into()))?;
    state
        .store
        .mark_alert_read(user.id, id, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where the user's alerts are emailed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// The address alerts are emailed to; null: alerts only in the web app.
    pub email: Option<String>,
    /// The instance sends email (read only: ignored in a change).
    #[serde(default)]
    pub email_available: bool,
}

/// The user's notification settings.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "auth",
    responses((status = 200, body = NotificationSettings), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn notification_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<NotificationSettings>> {
    Ok(Json(NotificationSettings {
        email: state.store.notification_email(user.id).await?,
        email_available: state.settings.smtp.is_some(),
    }))
}

/// Set or remove the address the user's alerts are emailed to (recorded in the trail: an
/// address changed by someone else would send them elsewhere).
#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "auth", request_body = NotificationSettings,
    responses((status = 200, body = NotificationSettings), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_notification_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiJson(request): ApiJson<NotificationSettings>,
) -> ApiResult<Json<NotificationSettings>> {
    let email = request
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(email) = email
        && !crate::mailer::is_address(email)
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "email",
            "invalid",
            "not an email address",
        )]));
    }
    state
        .audit
        .record(vec![AuditEvent {
            subject: Some(user.id),
            ..origin.event(&user, AuditAction::NotificationSettings)
        }])
        .await?;
    state
        .store
        .set_notification_email(user.id, email, state.clock.now())
        .await?;
    Ok(Json(NotificationSettings {
        email: email.map(str::to_string),
        email_available: state.settings.smtp.is_some(),
    }))
}
