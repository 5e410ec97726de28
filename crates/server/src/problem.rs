//! RFC 9457 problem details: the one mapping from errors to HTTP responses.
//!
//! Architecture invariant: a problem never carries case content, a credential or a token.
//! A 500 says nothing but "internal error" and the request id; the detail goes to the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseward_domain::validate::FieldError;
use caseward_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:caseward:problem:<name>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every failing field, for validation problems (and fields one may not write).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `caseload-exceeded`: the worker's weighted caseload after the assignment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<f64>,
    /// For `caseload-exceeded`: the maximum caseload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<u32>,
}

/// One failing field of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// Path of the field, e.g. `family_members[1].age`.
    pub field: String,
    /// A stable machine-readable code, e.g. `required`, `too_long`, `unknown_option`.
    pub code: String,
    /// A message a case worker understands.
    pub message: String,
}

impl From<FieldError> for ProblemField {
    fn from(error: FieldError) -> Self {
        Self {
            field: error.field,
            code: error.code.into(),
            message: error.message,
        }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not authenticated")]
    Unauthenticated,
    #[error("wrong username or password")]
    LoginFailed,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A survivor's case shared with someone no consent names (an emergency may override).
    #[error("no consent")]
    ConsentRequired,
    /// A choice in the request (named by `field`) that the user may not make.
    #[error("forbidden choice")]
    ForbiddenChoice {
        field: &'static str,
        message: String,
    },
    /// Fields the user may not write (withheld from them).
    #[error("fields withheld")]
    ForbiddenFields(Vec<String>),
    #[error("the password or code confirming a sensitive action was wrong")]
    ConfirmationFailed,
    #[error("the second-factor code was not accepted")]
    CodeRejected,
    #[error("too many failed logins")]
    TooManyRequests { retry_after_seconds: i64 },
    #[error("caseload above maximum")]
    CaseloadExceeded { load: f64, maximum: u32 },
    #[error("not found")]
    NotFound,
    #[error("conflict: expected version {expected}, now {current}")]
    Conflict { expected: i64, current: i64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// An attachment of a type not accepted; the accepted media types.
    #[error("file type not accepted")]
    UnsupportedFileType(String),
    /// An attachment over the size limit.
    #[error("file too large")]
    FileTooLarge { max_bytes: u64 },
    #[error("database unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict { expected, current } => Self::Conflict { expected, current },
            StoreError::Duplicate(what) => Self::BadRequest(format!("{what} is already taken")),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Self::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "The request has invalid fields",
            ),
            Self::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                "The request is malformed",
            ),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", "Please log in"),
            Self::LoginFailed => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Wrong username or password",
            ),
            Self::Forbidden(_) | Self::ForbiddenFields(_) | Self::ForbiddenChoice { .. } => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "You do not have access to this",
            ),
            Self::CodeRejected => (
                StatusCode::UNAUTHORIZED,
                "code-rejected",
                "The code was not accepted",
            ),
            Self::TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many failed attempts; try again later",
            ),
            Self::ConsentRequired => (
                StatusCode::FORBIDDEN,
                "consent-required",
                "The survivor has not consented to this",
            ),
            Self::ConfirmationFailed => (
                StatusCode::UNAUTHORIZED,
                "confirmation-failed",
                "Your password was not accepted",
            ),
            Self::CaseloadExceeded { .. } => (
                StatusCode::CONFLICT,
                "caseload-exceeded",
                "This would take the worker above their maximum caseload",
            ),
            Self::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            Self::Conflict { .. } => (
                StatusCode::CONFLICT,
                "conflict",
                "The record was changed by someone else",
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "The request body is too large",
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "The request body must be JSON (Content-Type: application/json)",
            ),
            Self::UnsupportedFileType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-file-type",
                "This type of file is not accepted",
            ),
            Self::FileTooLarge { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "file-too-large",
                "The file is too large",
            ),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The database is not reachable",
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
            ),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (status, name, title) = self.parts();
        let (detail, errors) = match self {
            Self::Validation(errors) => (
                Some(format!(
                    "{} field{} need{} attention",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    if errors.len() == 1 { "s" } else { "" }
                )),
                errors.iter().cloned().map(ProblemField::from).collect(),
            ),
            Self::BadRequest(detail) => (Some(detail.clone()), Vec::new()),
            Self::Forbidden(detail) => (Some(detail.clone()), Vec::new()),
            Self::ForbiddenChoice { field, message } => (
                Some(message.clone()),
                vec![ProblemField {
                    field: (*field).into(),
                    code: "not_allowed".into(),
                    message: message.clone(),
                }],
            ),
            Self::ConsentRequired => (
                Some(caseward_domain::access::ShareRefusal::NoConsent.to_string()),
                Vec::new(),
            ),
            Self::ForbiddenFields(fields) => (
                Some(format!(
                    "you may not change these fields: {}",
                    fields.join(", ")
                )),
                fields
                    .iter()
                    .map(|f| ProblemField {
                        field: f.clone(),
                        code: "withheld".into(),
                        message: "this information is withheld from you".into(),
                    })
                    .collect(),
            ),
            Self::CaseloadExceeded { load, maximum } => (
                Some(format!(
                    "the worker's caseload would be {load} (weighted by intensity) against a maximum of {maximum}; a supervisor may override with a reason"
                )),
                Vec::new(),
            ),
            Self::UnsupportedFileType(accepted) => (
                Some(format!("accepted types: {accepted}")),
                vec![ProblemField {
                    field: "content_type".into(),
                    code: "not_accepted".into(),
                    message: format!("accepted types: {accepted}"),
                }],
            ),
            Self::FileTooLarge { max_bytes } => {
                let message = format!(
                    "the largest file accepted is {} MiB",
                    max_bytes.div_ceil(1024 * 1024)
                );
                (
                    Some(message.clone()),
                    vec![ProblemField {
                        field: "file".into(),
                        code: "too_large".into(),
                        message,
                    }],
                )
            }
            Self::Conflict { expected, current } => (
                Some(format!(
                    "you edited version {expected}, but the record is now at version {current}; reload it and apply your change again"
                )),
                Vec::new(),
            ),
            _ => (None, Vec::new()),
        };
        let (load, maximum) = match self {
            Self::CaseloadExceeded { load, maximum } => (Some(*load), Some(*maximum)),
            _ => (None, None),
        };
        Problem {
            problem_type: format!("urn:caseward:problem:{name}"),
            title: title.into(),
            status: status.as_u16(),
            detail,
            errors,
            load,
            maximum,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(error = %detail, "request failed");
        }
        let retry_after = match &self {
            Self::TooManyRequests {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        };
        // A body refused before it was read whole (too large, not of its type) is not read
        // on: the connection cannot carry another request, and the client is told so rather
        // than finding out on its next request.
        let unread_body = matches!(
            self,
            Self::PayloadTooLarge | Self::FileTooLarge { .. } | Self::UnsupportedFileType(_)
        );
        let problem = self.to_problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        if unread_body {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
