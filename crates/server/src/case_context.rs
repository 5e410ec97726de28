//! Loading a case together with everything the access policy needs to judge it, so that every
//! case endpoint asks the policy the same way.

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use caseward_domain::access::{Actor, CaseAction, CaseFacts, Permission, may, survivor_controlled};
use caseward_domain::case::CaseId;
use caseward_domain::config::CaseType;
use caseward_store::{CaseAccess, CaseRecord, User};
use uuid::Uuid;

pub fn parse_case_id(text: &str) -> ApiResult<CaseId> {
    Uuid::parse_str(text).map_err(|_| ApiError::BadRequest("id: not a case id (a UUID)".into()))
}

pub fn parse_user_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text)
        .map_err(|_| ApiError::BadRequest("user_id: not a user id (a UUID)".into()))
}

/// Refuse roles that never work with individual cases (managers, administrators).
pub fn ensure_may_hold_cases(state: &AppState, user: &User) -> ApiResult<()> {
    if state.user_can(user, Permission::HoldCases) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "your role does not work with individual cases".into(),
        ))
    }
}

/// A case the acting user reaches, with its access facts.
pub struct CaseContext<'a> {
    pub actor: Actor,
    pub case: CaseRecord,
    pub access: CaseAccess,
    pub facts: CaseFacts,
    pub case_type: &'a CaseType,
}

impl CaseContext<'_> {
    /// Refuse (403, in words) an action the actor's relationship to the case does not allow.
    pub fn require(&self, action: CaseAction) -> ApiResult<()> {
        if may(self.actor, &self.facts, action) {
            Ok(())
        } else {
            let what = match action {
                CaseAction::Read => "read this case",
                CaseAction::Update => "change this case",
                CaseAction::Share => "share this case",
                CaseAction::Reassign => "reassign this case",
                CaseAction::GrantFieldAccess => "grant access to this case's fields",
                CaseAction::HandOver => "hand this case over",
            };
            Err(ApiError::Forbidden(format!("you may not {what}")))
        }
    }
}

/// The policy's facts about a case, from the case and its stored access records.
pub fn facts(case_type: &CaseType, case: &CaseRecord, access: &CaseAccess) -> CaseFacts {
    CaseFacts {
        case_type: case.summary.case_type.clone(),
        survivor_controlled: survivor_controlled(case_type.domain),
        assigned_to: case.summary.assigned_to.id,
        assignee_teams: access.assignee_teams.clone(),
        shared_with: access.shares.iter().map(|s| s.user.id).collect(),
        field_grants: access
            .field_grants
            .iter()
            .map(|g| (g.user.id, g.field_id.clone()))
            .collect(),
        consents: access.consents.iter().map(|c| c.consent.clone()).collect(),
    }
}

/// Load a case the user may read; any other case is "not found", so that its existence is
/// not revealed.
pub async fn reachable_case<'a>(
    state: &'a AppState,
    user: &User,
    id: CaseId,
) -> ApiResult<CaseContext<'a>> {
    ensure_may_hold_cases(state, user)?;
    let case = state
        .store
        .case_by_id(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let case_type = state
        .config
        .case_type(&case.summary.case_type)
        .ok_or_else(|| {
            ApiError::Internal(format!(
                "stored case has unknown case type {}",
                case.summary.case_type
            ))
        })?;
    let access = state.store.case_access(id).await?;
    let facts = facts(case_type, &case, &access);
    let actor = state.actor(user);
    if !may(actor, &facts, CaseAction::Read) {
        return Err(ApiError::NotFound);
    }
    Ok(CaseContext {
        actor,
        case,
        access,
        facts,
        case_type,
    })
}
