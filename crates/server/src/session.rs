//! The session cookie and the `CurrentUser` extractor: no handler that returns case data can be
//! reached without a live session.

use crate::extract::cookie;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use caseward_crypto::SessionToken;
use caseward_domain::case::CaseId;
use caseward_store::{CaseAccess, CaseRecord, Result as StoreResult, Session, SessionStage, User};

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
        let digest = SessionDigest::from_request_parts(parts, state).await?;
        let session = digest.session(&AppState::from_ref(state)).await?;
        Ok(Self {
            user: session.user,
            stage: session.stage,
            token_digest: digest.0,
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
        fully_logged_in(session.user, session.stage).map(Self)
    }
}

/// The user of a session past every login step; any other session is no user yet.
fn fully_logged_in(user: User, stage: SessionStage) -> Result<User, ApiError> {
    if stage == SessionStage::Full {
        Ok(user)
    } else {
        Err(ApiError::Unauthenticated)
    }
}

/// The session cookie's token, not yet checked: for the request that checks the session in the
/// same read as its case ([`SessionDigest::with_case`]). It is no user until then.
pub struct SessionDigest([u8; 32]);

impl<S: Send + Sync> FromRequestParts<S> for SessionDigest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let token = cookie(parts, SESSION_COOKIE)
            .and_then(SessionToken::parse)
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self(token.digest().0))
    }
}

impl SessionDigest {
    /// The live session (any stage), its idle timer refreshed.
    async fn session(&self, state: &AppState) -> Result<Session, ApiError> {
        state
            .store
            .session_user(
                &self.0,
                state.clock.now(),
                state.settings.session_idle_timeout,
            )
            .await?
            .ok_or(ApiError::Unauthenticated)
    }

    /// The user behind the session, as [`CurrentUser`] gives them.
    pub async fn user(&self, state: &AppState) -> Result<User, ApiError> {
        let session = self.session(state).await?;
        fully_logged_in(session.user, session.stage)
    }

    /// The user behind the session, as [`CurrentUser`] gives them, and the case `case` read
    /// with the session in one go (an error in it is the case's).
    pub async fn with_case(
        &self,
        state: &AppState,
        case: CaseId,
    ) -> Result<(User, StoreResult<Option<(CaseRecord, CaseAccess)>>), ApiError> {
        let found = state
            .store
            .session_and_case(
                &self.0,
                state.clock.now(),
                state.settings.session_idle_timeout,
                case,
            )
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let user = fully_logged_in(found.session.user, found.session.stage)?;
        Ok((user, found.case))
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
