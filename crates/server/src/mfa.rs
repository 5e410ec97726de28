//! The second factor: TOTP (RFC 6238) with one-time recovery codes. Required at login for the
//! roles the settings name; a used code cannot be replayed, even on another server node (the
//! last accepted step is kept in the database and advanced atomically).

use crate::audit::RequestInfo;
use crate::auth::UserView;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::reauth::confirm_password;
use crate::session::LoginSession;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use caseward_crypto::{
    RECOVERY_CODE_COUNT, RecoveryCode, RecoveryCodeHash, TotpSecret, recovery, totp,
};
use caseward_domain::audit::AuditAction;
use caseward_domain::throttle::account_key;
use caseward_store::{SessionStage, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// A 6-digit code from the authenticator app, or a recovery code.
    code: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The user's password; needed to replace a second factor from a full session.
    confirm_password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentView {
    /// The secret in base32, for typing into an authenticator app.
    secret: String,
    /// The `otpauth://` URI the QR code holds.
    otpauth_uri: String,
    /// The QR code as an SVG document.
    qr_svg: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesView {
    /// One-time codes for when the authenticator is lost. Shown once; keep them safe.
    recovery_codes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SecondFactorView {
    user: UserView,
}

/// A code as typed, without the spaces people put in it.
fn compact(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_totp_code(text: &str) -> bool {
    text.len() == totp::DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// Check a TOTP code (refusing replays) or spend a recovery code. False means "not accepted".
pub async fn verify_second_factor(state: &AppState, user: &User, code: &str) -> ApiResult<bool> {
    let compacted = compact(code);
    let code = if is_totp_code(&compacted) {
        compacted.as_str()
    } else {
        code.trim()
    };
    let Some(factor) = state.store.second_factor(user.id).await? else {
        return Ok(false);
    };
    if !user.mfa_enabled {
        return Ok(false);
    }
    if is_totp_code(code) {
        let Ok(bytes) = <[u8; totp::SECRET_LEN]>::try_from(factor.secret.as_slice()) else {
            return Err(ApiError::Internal(
                "stored TOTP secret has the wrong length".into(),
            ));
        };
        let secret = TotpSecret::from_bytes(bytes);
        return match totp::verify(
            &secret,
            code,
            state.clock.now().timestamp(),
            factor.last_step,
        ) {
            Ok(step) => Ok(state.store.accept_totp_step(user.id, step).await?),
            Err(_) => Ok(false),
        };
    }
    let hashes: Vec<RecoveryCodeHash> = state
        .store
        .recovery_code_hashes(user.id)
        .await?
        .iter()
        .filter_map(|h| RecoveryCodeHash::from_bytes(h))
        .collect();
    match recovery::verify(code, &hashes) {
        Some(index) => Ok(state
            .store
            .use_recovery_code(user.id, &hashes[index].to_bytes(), state.clock.now())
            .await?),
        None => Ok(false),
    }
}

/// Complete a login that awaits its second factor.
#[utoipa::path(post, path = "/api/v1/auth/second-factor", tag = "auth", request_body = CodeRequest,
    responses(
        (status = 200, body = SecondFactorView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn second_factor(
    State(state): State<AppState>,
    origin: RequestInfo,
    session: LoginSession,
    ApiJson(request): ApiJson<CodeRequest>,
) -> ApiResult<Json<SecondFactorView>> {
    if session.stage != SessionStage::SecondFactor {
        return Err(ApiError::Unauthenticated);
    }
    let now = state.clock.now();
    let account = account_key(&session.user.username);
    if let Some(until) = state
        .store
        .locked_until(std::slice::from_ref(&account), now)
        .await?
    {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: (until - now).num_seconds(),
        });
    }
    if !verify_second_factor(&state, &session.user, &request.code).await? {
        state
            .audit
            .record(vec![
                origin.denied(&session.user, AuditAction::SecondFactorFailed),
            ])
            .await?;
        let policy = state.settings.throttle;
        if let Some(until) = state
            .store
            .record_login_failure(
                &account,
                policy.account_limit,
                policy.window,
                policy.lockout,
                now,
            )
            .await?
        {
            return Err(ApiError::TooManyRequests {
                retry_after_seconds: (until - now).num_seconds(),
            });
        }
        return Err(ApiError::CodeRejected);
    }
    state.store.clear_login_failures(&account).await?;
    state
        .audit
        .record(vec![origin.event(&session.user, AuditAction::SecondFactor)])
        .await?;
    state
        .store
        .set_session_stage(&session.token_digest, SessionStage::Full)
        .await?;
    Ok(Json(SecondFactorView {
        user: UserView::new(&state, &session.user),
    }))
}

/// Start setting up a second factor: a new secret, as text, URI and QR code. Until confirmed,
/// login does not ask for it.
#[utoipa::path(post, path = "/api/v1/auth/mfa/enrol", tag = "auth", request_body = EnrolRequest,
    responses(
        (status = 200, body = EnrolmentView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enrol(
    State(state): State<AppState>,
    session: LoginSession,
    ApiJson(request): ApiJson<EnrolRequest>,
) -> ApiResult<Json<EnrolmentView>> {
    match session.stage {
        SessionStage::Enrolment => {}
        SessionStage::Full => {
            let password = request
                .confirm_password
                .ok_or(ApiError::ConfirmationFailed)?;
            confirm_password(&state, &session.user, password).await?;
        }
        SessionStage::SecondFactor => return Err(ApiError::Unauthenticated),
    }
    let secret = TotpSecret::generate(&mut rand::rngs::OsRng);
    state
        .store
        .set_pending_second_factor(session.user.id, secret.expose_bytes(), state.clock.now())
        .await?;
    let uri = totp::otpauth_uri(&state.settings.mfa_issuer, &session.user.username, &secret);
    let svg =
        totp::qr_svg(uri.expose()).map_err(|e| ApiError::Internal(format!("QR code: {e}")))?;
    Ok(Json(EnrolmentView {
        secret: secret.to_base32().expose().to_string(),
        otpauth_uri: uri.expose().to_string(),
        qr_svg: svg.expose().to_string(),
    }))
}

/// Confirm the second factor with a first code; turns it on and returns recovery codes.
#[utoipa::path(post, path = "/api/v1/auth/mfa/confirm", tag = "auth", request_body = CodeRequest,
    responses(
        (status = 200, body = RecoveryCodesView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm_enrolment(
    State(state): State<AppState>,
    origin: RequestInfo,
    session: LoginSession,
    ApiJson(request): ApiJson<CodeRequest>,
) -> ApiResult<Json<RecoveryCodesView>> {
    if session.stage == SessionStage::SecondFactor {
        return Err(ApiError::Unauthenticated);
    }
    let now = state.clock.now();
    let account = account_key(&session.user.username);
    if let Some(until) = state
        .store
        .locked_until(std::slice::from_ref(&account), now)
        .await?
    {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: (until - now).num_seconds(),
        });
    }
    let pending = state
        .store
        .pending_second_factor(session.user.id)
        .await?
        .ok_or(ApiError::CodeRejected)?;
    let Ok(bytes) = <[u8; totp::SECRET_LEN]>::try_from(pending.as_slice()) else {
        return Err(ApiError::Internal(
            "stored TOTP secret has the wrong length".into(),
        ));
    };
    let secret = TotpSecret::from_bytes(bytes);
    let step = match totp::verify(&secret, &compact(&request.code), now.timestamp(), None) {
        Ok(step) => step,
        Err(_) => {
            // A wrong code while setting up the factor is a failed second-factor step too.
            state
                .audit
                .record(vec![
                    origin.denied(&session.user, AuditAction::SecondFactorFailed),
                ])
                .await?;
            let policy = state.settings.throttle;
            if let Some(until) = state
                .store
                .record_login_failure(
                    &account,
                    policy.account_limit,
                    policy.window,
                    policy.lockout,
                    now,
                )
                .await?
            {
                return Err(ApiError::TooManyRequests {
                    retry_after_seconds: (until - now).num_seconds(),
                });
            }
            return Err(ApiError::CodeRejected);
        }
    };
    let mut rng = rand::rngs::OsRng;
    let codes = RecoveryCode::generate_set(&mut rng, RECOVERY_CODE_COUNT);
    let hashes: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| c.hash(&mut rng).to_bytes().to_vec())
        .collect();
    state
        .store
        .enable_second_factor(session.user.id, step, &hashes, state.clock.now())
        .await?;
    state
        .store
        .set_session_stage(&session.token_digest, SessionStage::Full)
        .await?;
    state
        .audit
        .record(vec![
            origin.event(&session.user, AuditAction::SecondFactorEnrol),
        ])
        .await?;
    tracing::info!(user = %session.user.id, "second factor enabled");
    Ok(Json(RecoveryCodesView {
        recovery_codes: codes.iter().map(|c| c.expose().to_string()).collect(),
    }))
}
