//! Caseload checks on every assignment path: intensity-weighted load against the case type's
//! recommended and maximum caseload.

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use caseward_domain::access::Permission;
use caseward_domain::access::caseload::{Caseload, CaseloadCheck, CaseloadLimits, check};
use caseward_domain::config::{CaseType, Intensity};
use caseward_store::User;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The caseload a worker would carry after an assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadView {
    /// `within`, `above_recommended` or `above_maximum_overridden`.
    pub status: String,
    /// Intensity-weighted number of open cases after the assignment.
    pub load: f64,
    pub recommended: u32,
    pub maximum: u32,
}

/// The worker's current weighted load of open cases of one case type.
pub async fn current_load(
    state: &AppState,
    worker: Uuid,
    case_type: &CaseType,
) -> ApiResult<Caseload> {
    let terminal: Vec<String> = state.config.terminal_stages();
    Ok(Caseload::of(
        state
            .store
            .caseload(worker, &case_type.id, &terminal)
            .await?,
    ))
}

/// Check giving `worker` one more case; above the maximum only a user who may override, with a
/// reason, gets through.
pub async fn check_assignment(
    state: &AppState,
    actor: &User,
    worker: Uuid,
    case_type: &CaseType,
    intensity: Intensity,
    override_reason: Option<&str>,
) -> ApiResult<CaseloadView> {
    let limits = CaseloadLimits {
        recommended: case_type.recommended_caseload,
        maximum: case_type.maximum_caseload,
    };
    let load = current_load(state, worker, case_type).await?;
    let view = |status: &str, load: f64| CaseloadView {
        status: status.into(),
        load,
        recommended: limits.recommended,
        maximum: limits.maximum,
    };
    match check(load, intensity, limits) {
        CaseloadCheck::Within => Ok(view("within", load.with(intensity).cases())),
        CaseloadCheck::AboveRecommended { load, .. } => Ok(view("above_recommended", load)),
        CaseloadCheck::AboveMaximum { load, maximum } => {
            let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
            match reason {
                Some(_) if state.user_can(actor, Permission::OverrideCaseload) => {
                    Ok(view("above_maximum_overridden", load))
                }
                Some(_) => Err(ApiError::Forbidden(
                    "only a supervisor may assign above the maximum caseload".into(),
                )),
                None => Err(ApiError::CaseloadExceeded { load, maximum }),
            }
        }
    }
}
