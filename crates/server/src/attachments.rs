//! A case's documents (consent forms, assessments, referral letters, photos): upload, list and
//! download, under the same policy as the case's fields (an attachment's classification, and
//! the `attachments` grant) and recorded in the audit trail. The content is stream-encrypted
//! by the store as it arrives and decrypted as it leaves; neither is ever whole in memory.
//!
//! An upload is the file itself as the request body, with its media type as `Content-Type`
//! and its name percent-encoded in `X-Caseward-File-Name` (never in the URL). The type must
//! be one of the accepted ones and the first bytes must match it.

use crate::audit::RequestInfo;
use crate::case_context::{CaseContext, parse_case_id, reachable_case};
use crate::cases::UserRefView;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::sharing::check_reason;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseward_domain::access::{CaseAction, FieldAccess, attachment_access};
use caseward_domain::attachment::{
    AttachmentKind, FILE_TYPES, FileRefusal, NameRefusal, SNIFF_BYTES, check_file_name,
    check_file_type,
};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::config::Classification;
use caseward_domain::validate::FieldError;
use caseward_store::{AttachmentRecord, NewAttachment, StoreError};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The header that carries an upload's file name, percent-encoded UTF-8.
pub const FILE_NAME_HEADER: &str = "x-caseward-file-name";

/// A document attached to a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    /// `consent_form`, `assessment`, `referral_letter`, `photo` or `other`.
    pub kind: &'static str,
    /// `standard`, `restricted` or `confidential`: who may see it, as for a field.
    pub classification: &'static str,
    pub media_type: String,
    pub name: String,
    /// Bytes.
    pub size: u64,
    pub uploaded_by: UserRefView,
    pub uploaded_at: DateTime<Utc>,
}

impl From<&AttachmentRecord> for AttachmentView {
    fn from(record: &AttachmentRecord) -> Self {
        Self {
            id: record.id,
            kind: record.kind.as_str(),
            classification: record.classification.as_str(),
            media_type: record.media_type.clone(),
            name: record.name.clone(),
            size: record.size,
            uploaded_by: UserRefView::from(&record.uploaded_by),
            uploaded_at: record.uploaded_at,
        }
    }
}

/// The attachments the user may see, and how many others are withheld from them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    pub items: Vec<AttachmentView>,
    /// Attachments of a classification withheld from this user (they exist; nothing else is
    /// said of them).
    pub withheld: u32,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `consent_form`, `assessment`, `referral_letter`, `photo` or `other`.
    pub kind: String,
    /// `standard`, `restricted` (default) or `confidential`.
    pub classification: Option<String>,
}

fn visible(context: &CaseContext<'_>, classification: Classification) -> bool {
    attachment_access(context.actor, &context.facts, classification) == FieldAccess::ReadWrite
}

/// The classifications of document the user may attach: they may change the case, and could
/// see a document of that classification.
pub fn attachable(context: &CaseContext<'_>) -> Vec<&'static str> {
    if !caseward_domain::access::may(context.actor, &context.facts, CaseAction::Update) {
        return Vec::new();
    }
    Classification::ALL
        .into_iter()
        .filter(|c| visible(context, *c))
        .map(Classification::as_str)
        .collect()
}

/// The attachments of a case that the user may see.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", tag = "attachments",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = AttachmentList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_attachments(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<AttachmentList>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::AttachmentList,
        parse_case_id(&id)?,
    )
    .await?;
    let all = state
        .store
        .case_attachments(context.case.summary.id)
        .await?;
    let (shown, withheld): (Vec<_>, Vec<_>) = all
        .iter()
        .partition(|a| visible(&context, a.classification));
    context
        .record(AuditEvent {
            fields: shown.iter().map(|a| a.id.to_string()).collect(),
            ..context.event()
        })
        .await?;
    Ok(Json(AttachmentList {
        items: shown.into_iter().map(AttachmentView::from).collect(),
        withheld: u32::try_from(withheld.len()).unwrap_or(u32::MAX),
    }))
}

/// Attach a document to a case: the request body is the file, `Content-Type` its media type
/// (PDF, JPEG, PNG, WebP, DOCX or ODT, and the content must start as that type does), and
/// `X-Caseward-File-Name` its name, percent-encoded. Who may change the case may attach;
/// the classification chosen must be one the uploader may see.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "attachments",
    params(("id" = Uuid, Path, description = "Case id"), UploadParams,
        ("X-Caseward-File-Name" = String, Header, description = "The file's name, percent-encoded UTF-8")),
    request_body(content = Vec<u8>, description = "The file", content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn upload_attachment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::AttachmentUpload,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Update).await?;
    let (kind, classification, name) = upload_description(&params, &headers)?;
    if !visible(&context, classification) {
        return Err(context
            .refuse(ApiError::ForbiddenChoice {
                field: "classification",
                message: format!(
                    "you may not attach a {} document to this case (you could not see it)",
                    classification.as_str()
                ),
            })
            .await);
    }
    let max_bytes = state.settings.attachment_max_bytes;
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > max_bytes) {
        return Err(ApiError::FileTooLarge { max_bytes });
    }
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut stream = body.into_data_stream();
    // Enough of the start to judge the type by.
    let mut head = Vec::new();
    while head.len() < SNIFF_BYTES {
        match stream.next().await {
            Some(piece) => head.extend_from_slice(&piece.map_err(|_| upload_broken())?),
            None => break,
        }
    }
    let file_type = check_file_type(&media_type, &head).map_err(file_refusal)?;
    let attachment_id = caseward_domain::case::new_record_id();
    let event = AuditEvent {
        subject: Some(attachment_id),
        ..context.event()
    };
    let content = futures_util::stream::once(async move { Ok(head) }).chain(stream.map(|piece| {
        piece
            .map(|bytes| bytes.to_vec())
            .map_err(std::io::Error::other)
    }));
    let added = state
        .store
        .add_attachment(
            NewAttachment {
                id: attachment_id,
                case_id: context.case.summary.id,
                kind,
                classification,
                media_type: file_type.media_type.to_string(),
                name,
                uploaded_by: user.id,
                max_bytes,
                audit: vec![event],
                now: state.clock.now(),
            },
            Box::pin(content),
        )
        .await
        .map_err(|error| match error {
            StoreError::TooLarge { max_bytes } => ApiError::FileTooLarge { max_bytes },
            // The client stopped sending: nothing was kept.
            StoreError::Io(_) => upload_broken(),
            other => other.into(),
        })?;
    tracing::info!(case = %context.case.summary.id, attachment = %added.id, "attachment added");
    Ok((StatusCode::CREATED, Json(AttachmentView::from(&added))))
}

fn upload_broken() -> ApiError {
    ApiError::BadRequest("the upload was interrupted; nothing was kept".into())
}

/// The kind, classification and name of an upload, or every problem with them.
fn upload_description(
    params: &UploadParams,
    headers: &HeaderMap,
) -> ApiResult<(AttachmentKind, Classification, String)> {
    let mut errors = Vec::new();
    let kind = AttachmentKind::parse(&params.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            "expected consent_form, assessment, referral_letter, photo or other",
        ));
    }
    let classification = match &params.classification {
        None => Some(Classification::Restricted),
        Some(text) => Classification::parse(text),
    };
    if classification.is_none() {
        errors.push(FieldError::new(
            "classification",
            "unknown_classification",
            "expected standard, restricted or confidential",
        ));
    }
    let name = headers
        .get(FILE_NAME_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| percent_encoding::percent_decode_str(v).decode_utf8().ok())
        .map(|name| check_file_name(&name));
    let name = match name {
        Some(Ok(name)) => Some(name),
        problem => {
            let message = match problem {
                None => "give the file's name, percent-encoded UTF-8, in X-Caseward-File-Name",
                Some(Err(NameRefusal::Empty)) => "the file name is empty",
                Some(Err(NameRefusal::TooLong)) => "the file name is longer than 200 characters",
                Some(Err(NameRefusal::Forbidden)) => {
                    "the file name may not hold a path or control characters"
                }
                Some(Ok(_)) => unreachable!("matched above"),
            };
            errors.push(FieldError::new("file_name", "invalid_file_name", message));
            None
        }
    };
    match (kind, classification, name) {
        (Some(kind), Some(classification), Some(name)) if errors.is_empty() => {
            Ok((kind, classification, name))
        }
        _ => Err(ApiError::Validation(errors)),
    }
}

fn file_refusal(refusal: FileRefusal) -> ApiError {
    match refusal {
        FileRefusal::TypeNotAccepted => ApiError::UnsupportedFileType(
            FILE_TYPES
                .iter()
                .map(|(t, _)| t.media_type)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        FileRefusal::ContentMismatch => ApiError::Validation(vec![FieldError::new(
            "content_type",
            "content_mismatch",
            "the file's content is not of the type it is sent as",
        )]),
        FileRefusal::Empty => {
            ApiError::Validation(vec![FieldError::new("file", "empty", "the file is empty")])
        }
    }
}

/// Download an attachment: its content, decrypted as it is sent, as a download (never shown
/// inline by the browser).
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{attachment_id}", tag = "attachments",
    params(("id" = Uuid, Path, description = "Case id"), ("attachment_id" = Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, in the media type it was accepted as (see `attachments.media_types` in the configuration)", content_type = "*/*"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download_attachment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::AttachmentDownload,
        parse_case_id(&id)?,
    )
    .await?;
    let attachment_id = parse_attachment_id(&attachment_id)?;
    let opened = match state
        .store
        .open_attachment(context.case.summary.id, attachment_id)
        .await
    {
        Ok(Some(opened)) => opened,
        Ok(None) => return Err(context.refuse(ApiError::NotFound).await),
        Err(StoreError::Undecryptable(detail)) => {
            context
                .state
                .audit
                .record(vec![AuditEvent {
                    subject: Some(attachment_id),
                    reason: Some("the attachment could not be decrypted".into()),
                    ..context.request.denied(&context.user, context.attempt)
                }])
                .await?;
            return Err(ApiError::Internal(detail));
        }
        Err(other) => return Err(other.into()),
    };
    let (record, content) = opened;
    if !visible(&context, record.classification) {
        return Err(context
            .refuse(ApiError::Forbidden(
                "this attachment is withheld from you".into(),
            ))
            .await);
    }
    context
        .record(AuditEvent {
            subject: Some(record.id),
            ..context.event()
        })
        .await?;
    let attachment = record.id;
    // Decrypted chunk by chunk as the client reads; a chunk that does not open ends the
    // response early (the client sees a cut transfer, shorter than its Content-Length).
    let chunks = futures_util::stream::unfold(Some(content), move |content| async move {
        let mut content = content?;
        match content.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk.to_vec()), Some(content))),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(%attachment, %error, "attachment content did not open");
                Some((
                    Err(std::io::Error::other("the attachment could not be read")),
                    None,
                ))
            }
        }
    });
    let body = Body::from_stream(chunks);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&record.media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(record.size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(&record.name),
    );
    Ok(response)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveRequest {
    /// Why the document is removed (filed on the wrong case, a duplicate); recorded.
    pub reason: String,
}

/// Remove a document from a case (the assigned worker only, with a reason): its record and
/// its file are deleted; the audit trail keeps who removed which document, when and why.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/attachments/{attachment_id}", tag = "attachments", request_body = RemoveRequest,
    params(("id" = Uuid, Path, description = "Case id"), ("attachment_id" = Uuid, Path, description = "Attachment id")),
    responses((status = 204, description = "Removed"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_attachment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((id, attachment_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<RemoveRequest>,
) -> ApiResult<StatusCode> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::AttachmentRemove,
        parse_case_id(&id)?,
    )
    .await?;
    let attachment_id = parse_attachment_id(&attachment_id)?;
    if context.facts.assigned_to != user.id {
        return Err(context
            .refuse(ApiError::Forbidden(
                "only the case's assigned worker removes its documents".into(),
            ))
            .await);
    }
    check_reason(&request.reason, "reason")?;
    let event = AuditEvent {
        subject: Some(attachment_id),
        reason: Some(request.reason.trim().to_string()),
        ..context.event()
    };
    let removed = state
        .store
        .remove_attachment(
            context.case.summary.id,
            attachment_id,
            &[event],
            state.clock.now(),
        )
        .await?;
    if !removed {
        return Err(context.refuse(ApiError::NotFound).await);
    }
    tracing::info!(case = %context.case.summary.id, attachment = %attachment_id, "attachment removed");
    Ok(StatusCode::NO_CONTENT)
}

fn parse_attachment_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text)
        .map_err(|_| ApiError::BadRequest("attachment_id: not an attachment id (a UUID)".into()))
}

/// `attachment` with the name: an ASCII fallback and the exact name (RFC 6266, RFC 8187).
fn content_disposition(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_name_survives_any_characters() {
        let header = content_disposition("évaluation \"été\".pdf");
        assert_eq!(
            header.to_str().unwrap(),
            "attachment; filename=\"_valuation __t__.pdf\"; filename*=UTF-8''%C3%A9valuation%20%22%C3%A9t%C3%A9%22%2Epdf"
        );
    }
}
