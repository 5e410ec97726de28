//! Re-asking the acting user's password before sensitive actions (sharing, field grants,
//! consent overrides, user administration).

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use caseward_crypto::Password;
use caseward_store::User;

/// Check `confirmation`: a current code of the user's second factor if they have one and sent
/// a 6-digit code, otherwise their password. A wrong one is 401 and the caller writes nothing.
pub async fn confirm(state: &AppState, user: &User, confirmation: String) -> ApiResult<()> {
    let code = confirmation.trim();
    if user.mfa_enabled && code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        return if crate::mfa::verify_second_factor(state, user, code).await? {
            Ok(())
        } else {
            Err(ApiError::ConfirmationFailed)
        };
    }
    confirm_password(state, user, confirmation).await
}

/// Check `confirmation` against the user's own password.
pub async fn confirm_password(
    state: &AppState,
    user: &User,
    confirmation: String,
) -> ApiResult<()> {
    let password = Password::new(confirmation);
    let credentials = state
        .store
        .credentials(&user.username)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let ok = state
        .passwords
        .run(move |hasher| hasher.verify(&password, &credentials.password_hash))
        .await?;
    if ok {
        Ok(())
    } else {
        Err(ApiError::ConfirmationFailed)
    }
}
