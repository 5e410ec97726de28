//! A case's notes: the worker's record of contacts and events, written once. A confidential
//! note is seen by the assigned worker alone (`access::note_access`); others who read the case
//! learn only how many are withheld. Listing and writing are recorded in the audit trail.

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
use caseward_domain::access::{CaseAction, FieldAccess, note_access};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::new_record_id;
use caseward_domain::note::{MAX_NOTE_CHARS, NoteKind};
use caseward_domain::validate::FieldError;
use caseward_store::{NewNote, NoteRecord};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    /// `home_visit`, `office_visit`, `phone_call`, `meeting`, `service_delivery` or `other`.
    pub kind: String,
    /// Seen by the assigned worker alone.
    pub confidential: bool,
    pub body: String,
    /// When the next contact is planned: the follow-up is due that day.
    pub next_contact_on: Option<NaiveDate>,
    pub written_by: UserRefView,
    pub written_at: DateTime<Utc>,
}

impl From<&NoteRecord> for NoteView {
    fn from(note: &NoteRecord) -> Self {
        Self {
            id: note.id,
            kind: note.kind.clone(),
            confidential: note.confidential,
            body: note.body.clone(),
            next_contact_on: note.next_contact_on,
            written_by: UserRefView::from(&note.written_by),
            written_at: note.written_at,
        }
    }
}

/// The notes the user may see, and how many others are withheld from them.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteList {
    pub items: Vec<NoteView>,
    pub withheld: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub kind: String,
    pub body: String,
    /// Seen by the assigned worker alone (only they may write one).
    #[serde(default)]
    pub confidential: bool,
    /// When the next contact is planned (today or later, within a year): the follow-up is
    /// then due that day instead of after the interval.
    #[serde(default)]
    pub next_contact_on: Option<NaiveDate>,
}

fn visible(context: &CaseContext<'_>, confidential: bool) -> bool {
    note_access(context.actor, &context.facts, confidential) == FieldAccess::ReadWrite
}

/// The case's notes the user may see, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/notes", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = NoteList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_notes(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<NoteList>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::NoteList,
        parse_case_id(&id)?,
    )
    .await?;
    let notes = state.store.case_notes(context.case.summary.id).await?;
    let (shown, withheld): (Vec<_>, Vec<_>) = notes
        .iter()
        .partition(|n| visible(&context, n.confidential));
    context
        .record(AuditEvent {
            fields: shown.iter().map(|n| n.id.to_string()).collect(),
            ..context.event()
        })
        .await?;
    Ok(Json(NoteList {
        items: shown.into_iter().map(NoteView::from).collect(),
        withheld: u32::try_from(withheld.len()).unwrap_or(u32::MAX),
    }))
}

/// Write a note on a case (who may change the case; a confidential note only its assigned
/// worker). Notes are not edited afterwards: a correction is another note.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "cases", request_body = NoteRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = NoteView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_note(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NoteRequest>,
) -> ApiResult<(StatusCode, Json<NoteView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::NoteCreate,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Update).await?;
    let mut errors = Vec::new();
    if NoteKind::parse(&request.kind).is_none() {
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            "expected home_visit, office_visit, phone_call, meeting, service_delivery or other",
        ));
    }
    let body = request.body.trim();
    if body.is_empty() {
        errors.push(FieldError::new("body", "required", "write the note"));
    } else if body.chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError::new(
            "body",
            "too_long",
            format!("a note holds at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let today = state.clock.now().date_naive();
    if let Some(planned) = request.next_contact_on
        && (planned < today || planned > today + chrono::Days::new(366))
    {
        errors.push(FieldError::new(
            "next_contact_on",
            "out_of_range",
            "plan the next contact from today to a year ahead",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if !visible(&context, request.confidential) {
        return Err(context
            .refuse(ApiError::ForbiddenChoice {
                field: "confidential",
                message: "only the case's assigned worker writes confidential notes".into(),
            })
            .await);
    }
    let note_id = new_record_id();
    let event = AuditEvent {
        subject: Some(note_id),
        ..context.event()
    };
    let note = state
        .store
        .add_note(NewNote {
            id: note_id,
            case_id: context.case.summary.id,
            kind: request.kind.clone(),
            confidential: request.confidential,
            body: body.to_string(),
            next_contact_on: request.next_contact_on,
            written_by: user.id,
            audit: vec![event],
            now: state.clock.now(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(NoteView::from(&note))))
}
