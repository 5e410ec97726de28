//! Loading a case together with everything the access policy needs to judge it, so that every
//! case endpoint asks the policy the same way.

use crate::audit::RequestInfo;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use caseward_domain::access::{Actor, CaseAction, CaseFacts, Permission, may, survivor_controlled};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::CaseId;
use caseward_domain::config::CaseType;
use caseward_store::{CaseAccess, CaseRecord, StoreError, User};
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

/// A case the acting user reaches, with its access facts and what the request is attempting
/// (for the audit trail).
pub struct CaseContext<'a> {
    pub actor: Actor,
    pub case: CaseRecord,
    pub access: CaseAccess,
    pub facts: CaseFacts,
    pub case_type: &'a CaseType,
    pub state: &'a AppState,
    pub user: User,
    pub request: RequestInfo,
    pub attempt: AuditAction,
}

impl CaseContext<'_> {
    /// An allowed event of the attempted action on this case, by the acting user.
    pub fn event(&self) -> AuditEvent {
        AuditEvent {
            case_id: Some(self.case.summary.id),
            ..self.request.event(&self.user, self.attempt)
        }
    }

    /// Record an allowed event durably (through the group-commit writer).
    pub async fn record(&self, event: AuditEvent) -> ApiResult<()> {
        self.state.audit.record(vec![event]).await
    }

    /// Record the attempt as refused, then answer with `error`; if the refusal cannot be
    /// recorded, the request fails with that instead.
    pub async fn refuse(&self, error: ApiError) -> ApiError {
        refused(
            self.state,
            &self.user,
            &self.request,
            self.attempt,
            Some(self.case.summary.id),
            error,
        )
        .await
    }

    /// Refuse (403, in words, recorded) an action the actor's relationship to the case does not
    /// allow.
    pub async fn require(&self, action: CaseAction) -> ApiResult<()> {
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
                CaseAction::DecideCarePlan => "decide on this case's care plan",
                CaseAction::Supervise => "supervise this case's work",
            };
            Err(self
                .refuse(ApiError::Forbidden(format!("you may not {what}")))
                .await)
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

/// Record `user`'s refused `attempt` (on case `id`, if any), then answer with `error`; if the
/// refusal cannot be recorded, the request fails with that instead.
pub async fn refused(
    state: &AppState,
    user: &User,
    request: &RequestInfo,
    attempt: AuditAction,
    id: Option<CaseId>,
    error: ApiError,
) -> ApiError {
    let event = AuditEvent {
        case_id: id,
        ..request.denied(user, attempt)
    };
    match state.audit.record(vec![event]).await {
        Ok(()) => error,
        Err(failed) => failed,
    }
}

/// Load a case the user may read, for `attempt`; any other case is "not found", so that its
/// existence is not revealed, and the refusal is recorded.
pub async fn reachable_case<'a>(
    state: &'a AppState,
    user: &User,
    request: &RequestInfo,
    attempt: AuditAction,
    id: CaseId,
) -> ApiResult<CaseContext<'a>> {
    // A role that works with no case is refused before any case is read.
    let found = match ensure_may_hold_cases(state, user) {
        Ok(()) => state.store.case_with_access(id).await,
        Err(_) => Ok(None),
    };
    reachable_read_case(state, user, request, attempt, id, found).await
}

/// [`reachable_case`] for a case already read (with the session: `SessionDigest::with_case`).
pub async fn reachable_read_case<'a>(
    state: &'a AppState,
    user: &User,
    request: &RequestInfo,
    attempt: AuditAction,
    id: CaseId,
    found: caseward_store::Result<Option<(CaseRecord, CaseAccess)>>,
) -> ApiResult<CaseContext<'a>> {
    if let Err(error) = ensure_may_hold_cases(state, user) {
        return Err(refused(state, user, request, attempt, Some(id), error).await);
    }
    let (case, access) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Err(refused(state, user, request, attempt, Some(id), ApiError::NotFound).await);
        }
        // Content that does not open (moved from another case, damaged, or its key gone):
        // nothing is shown, and the failure is recorded.
        Err(StoreError::Undecryptable(detail)) => {
            let event = AuditEvent {
                case_id: Some(id),
                reason: Some("the case's content could not be decrypted".into()),
                ..request.denied(user, attempt)
            };
            state.audit.record(vec![event]).await?;
            return Err(ApiError::Internal(detail));
        }
        Err(other) => return Err(other.into()),
    };
    let case_type = state
        .config
        .case_type(&case.summary.case_type)
        .ok_or_else(|| {
            ApiError::Internal(format!(
                "stored case has unknown case type {}",
                case.summary.case_type
            ))
        })?;
    let facts = facts(case_type, &case, &access);
    let actor = state.actor(user);
    if !may(actor, &facts, CaseAction::Read) {
        return Err(refused(state, user, request, attempt, Some(id), ApiError::NotFound).await);
    }
    Ok(CaseContext {
        actor,
        case,
        access,
        facts,
        case_type,
        state,
        user: user.clone(),
        request: request.clone(),
        attempt,
    })
}
