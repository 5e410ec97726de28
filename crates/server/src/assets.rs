//! The web app, embedded in the binary at build time from `web/dist`.
//!
//! Any path that is not an API path and not an asset gets `index.html`, so that the app's
//! own routes survive a reload. Hashed assets are cached for a year; `index.html` never.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct WebApp;

/// Whether the web app was built into this binary.
pub fn web_app_embedded() -> bool {
    WebApp::get("index.html").is_some()
}

pub async fn serve_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::problem::ApiError::NotFound.into_response();
    }
    if !path.is_empty()
        && let Some(file) = WebApp::get(path)
    {
        let mime = file.metadata.mimetype();
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(mime)
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            file.data,
        )
            .into_response();
    }
    match WebApp::get("index.html") {
        Some(file) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            file.data,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The web app is not built into this binary. Build it with `npm --prefix web ci && npm --prefix web run build`, then rebuild caseward.",
        )
            .into_response(),
    }
}
