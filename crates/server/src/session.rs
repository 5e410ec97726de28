//! The session cookie and the `CurrentUser` extractor: no handler that returns case data can be
//! reached without a live session.

use crate::extract::cookie;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use caseward_crypto::SessionToken;
use caseward_store::{SessionStage, User};

pub const SESSION_COOKIE: &str = "caseward_session";

/// The user behind the request's fully logged-in session (password and, where required, the
/// second factor).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

/// Any live session, also one still awaiting its second factor or its enrolment; only the
/// login steps accept it.
#[derive(Debug, Clone)]
pub struct LoginSession {
    pub user: User,
    pub stage: SessionStage,
    pub token_digest: [u8; 32],
}

impl<S: Send + Sync> FromRequestParts<S> for LoginSession
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = &AppState::from_ref(state);
        let token = cookie(parts, SESSION_COOKIE)
            .and_then(SessionToken::parse)
            .ok_or(ApiError::Unauthenticated)?;
        let digest = token.digest().0;
        let session = state
            .store
            .session_user(
                &digest,
                state.clock.now(),
                state.settings.session_idle_timeout,
            )
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self {
            user: session.user,
            stage: session.stage,
            token_digest: digest,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let session = LoginSession::from_request_parts(parts, state).await?;
        if session.stage != SessionStage::Full {
            return Err(ApiError::Unauthenticated);
        }
        Ok(Self(session.user))
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
