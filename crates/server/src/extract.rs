//! Request extractors whose failures are problem documents.

use crate::problem::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body. Malformed JSON, a wrong type or a missing key is a 400 that names the place
/// (line and column, or the key path) but never echoes the submitted values.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json") || v.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest("the request body could not be read".into())
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parse JSON into `T`, with errors that locate the problem without quoting values.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::BadRequest(format!(
            "the body is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = redact_quoted(&e.into_inner().to_string());
        if path == "." {
            ApiError::BadRequest(message)
        } else {
            ApiError::BadRequest(format!("{path}: {message}"))
        }
    })
}

/// serde quotes offending values in double quotes; keep the message, drop the values.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    for c in message.chars() {
        if c == '"' {
            if in_quote {
                out.push_str("\"…\"");
            }
            in_quote = !in_quote;
        } else if !in_quote {
            out.push(c);
        }
    }
    out
}

/// The value of one cookie, if the request sent it.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_not_echoed() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            version: i64,
        }
        let error = parse_json::<Body>(br#"{"version": "secret-name"}"#).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("version"), "{text}");
        assert!(!text.contains("secret-name"), "{text}");
        let error = parse_json::<Body>(b"{\"version\": 1,").unwrap_err();
        assert!(error.to_string().contains("line 1"), "{error}");
        let error = parse_json::<Body>(b"{}").unwrap_err();
        assert!(
            error.to_string().contains("missing field `version`"),
            "{error}"
        );
    }
}

/// Query parameters; a malformed one is a 400 problem naming it.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|rejection| {
                let text = rejection.body_text();
                let text = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
                ApiError::BadRequest(format!("query: {}", redact_quoted(text)))
            })
    }
}
