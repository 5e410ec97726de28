//! The session cookie and the `CurrentUser` extractor: no handler that returns case data can be
//! reached without a live session.

use crate::extract::cookie;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use caseward_crypto::SessionToken;
use caseward_store::User;

pub const SESSION_COOKIE: &str = "caseward_session";

/// The user behind the request's session.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = cookie(parts, SESSION_COOKIE)
            .and_then(SessionToken::parse)
            .ok_or(ApiError::Unauthenticated)?;
        let user = state
            .store
            .session_user(
                &token.digest().0,
                state.clock.now(),
                state.settings.session_idle_timeout,
            )
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self(user))
    }
}

/// `Set-Cookie` value that installs a session token.
pub fn session_cookie(token: &SessionToken, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{}",
        token.expose(),
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}
