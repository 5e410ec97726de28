//! Login, logout and "who am I".

use crate::audit::RequestInfo;
use crate::config_api::permission_names;
use crate::extract::{ApiJson, cookie};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::{CurrentUser, SESSION_COOKIE, clear_session_cookie, session_cookie};
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseward_crypto::{Password, SessionToken};
use caseward_domain::audit::{AuditAction, AuditEvent, Outcome};
use caseward_domain::throttle::{account_key, address_key};
use caseward_store::{NewSession, SessionStage, User};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
}

/// A user as the API shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// A built-in role (`case_worker`, `supervisor`, `programme_manager`,
    /// `system_administrator`) or a custom role of the configuration (`/api/v1/config`).
    pub role: String,
    /// What the role allows (permission names, as in the configuration's roles).
    pub permissions: Vec<String>,
    /// A second factor is set up.
    pub mfa_enabled: bool,
}

impl UserView {
    pub fn new(state: &AppState, user: &User) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role.as_str().into(),
            permissions: permission_names(state.permissions(user)),
            mfa_enabled: user.mfa_enabled,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    user: UserView,
    /// What login still needs: absent when done; `second_factor` (send a code to
    /// `/api/v1/auth/second-factor`) or `enrolment` (set up a second factor with
    /// `/api/v1/auth/mfa/enrol` and `/api/v1/auth/mfa/confirm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// Log in with a username and password; sets the session cookie.
///
/// A wrong password and an unknown username get the same answer, after the same work.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts from this account or address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    origin: RequestInfo,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let password = Password::new(request.password);
    if request.username.len() > 256 || password.char_count() > 1024 {
        return Err(ApiError::LoginFailed);
    }
    let policy = state.settings.throttle;
    let account = account_key(&request.username);
    let address = address_key(peer.ip());
    let now = state.clock.now();
    // A locked account or address is refused before any password work, whether or not the
    // account exists.
    if let Some(until) = state
        .store
        .locked_until(&[account.clone(), address.clone()], now)
        .await?
    {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: (until - now).num_seconds(),
        });
    }
    let credentials = state.store.credentials(&request.username).await?;
    // Argon2 is slow on purpose: kept off the async workers, a few at a time.
    // Who the attempt was for, if the account exists (for the audit trail only; the answer is
    // the same either way).
    let known = credentials.as_ref().map(|c| c.user.clone());
    let (user, rehash) = state
        .passwords
        .run(move |hasher| match credentials {
            Some(found) if hasher.verify(&password, &found.password_hash) => {
                let rehash = hasher
                    .needs_rehash(&found.password_hash)
                    .then(|| hasher.hash(&password).ok())
                    .flatten();
                (Some(found.user).filter(|u| !u.disabled), rehash)
            }
            Some(_) => (None, None),
            None => {
                hasher.verify_dummy(&password);
                (None, None)
            }
        })
        .await?;
    let Some(user) = user else {
        // The username itself is not recorded: people type passwords into it.
        let failure = match &known {
            Some(user) => origin.denied(user, AuditAction::LoginFailed),
            None => AuditEvent {
                outcome: Outcome::Denied,
                request_id: origin.request_id.clone(),
                client: origin.client.clone(),
                ..AuditEvent::new(None, AuditAction::LoginFailed)
            },
        };
        state.audit.record(vec![failure]).await?;
        let account_lock = state
            .store
            .record_login_failure(
                &account,
                policy.account_limit,
                policy.window,
                policy.lockout,
                now,
            )
            .await?;
        let address_lock = state
            .store
            .record_login_failure(
                &address,
                policy.address_limit,
                policy.window,
                policy.lockout,
                now,
            )
            .await?;
        tracing::info!("login failed");
        if let Some(until) = account_lock.max(address_lock) {
            return Err(ApiError::TooManyRequests {
                retry_after_seconds: (until - now).num_seconds(),
            });
        }
        return Err(ApiError::LoginFailed);
    };
    state.store.clear_login_failures(&account).await?;
    if let Some(hash) = rehash {
        state.store.set_password_hash(user.id, &hash, now).await?;
    }
    let stage = if user.mfa_enabled {
        SessionStage::SecondFactor
    } else if state.settings.mfa_required_roles.contains(&user.role) {
        SessionStage::Enrolment
    } else {
        SessionStage::Full
    };
    state
        .audit
        .record(vec![origin.event(&user, AuditAction::Login)])
        .await?;
    let token = SessionToken::generate(&mut rand::rngs::OsRng);
    let lifetime = state.settings.session_absolute_timeout;
    state
        .store
        .create_session(NewSession {
            token_digest: token.digest().0,
            user_id: user.id,
            stage,
            now,
            expires_at: now + lifetime,
        })
        .await?;
    tracing::info!(user = %user.id, "login");
    let cookie = session_cookie(
        &token,
        lifetime.num_seconds(),
        state.settings.secure_cookies,
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoginResponse {
            user: UserView::new(&state, &user),
            next: (stage != SessionStage::Full).then(|| stage.as_str().to_string()),
        }),
    )
        .into_response())
}

/// End the current session. Always succeeds; clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
pub async fn logout(
    State(state): State<AppState>,
    origin: RequestInfo,
    parts: Parts,
) -> ApiResult<Response> {
    if let Some(token) = cookie(&parts, SESSION_COOKIE).and_then(SessionToken::parse) {
        let digest = token.digest().0;
        let session = state
            .store
            .session_user(
                &digest,
                state.clock.now(),
                state.settings.session_idle_timeout,
            )
            .await?;
        state.store.delete_session(&digest).await?;
        if let Some(session) = session {
            state
                .audit
                .record(vec![origin.event(&session.user, AuditAction::Logout)])
                .await?;
        }
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            clear_session_cookie(state.settings.secure_cookies),
        )],
    )
        .into_response())
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses(
        (status = 200, body = UserView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Json<UserView> {
    Json(UserView::new(&state, &user))
}
