//! The access policy: the one place that decides who reaches which case, and which field of it
//! (the seed's Figure 3: role check, case permission, field permission). Pure; every output
//! path of the server asks here, and nothing decides around it.
//!
//! - **Role:** a permission set ([`role`]): the four built-in roles and any custom roles of the
//!   configuration. Programme managers and system administrators have no case permission at
//!   all, so no relationship to a case ever reaches their content; no custom role may hold
//!   case work and administration together.
//! - **Case:** the assigned worker; users the case is explicitly shared with; supervisors of a
//!   team the assigned worker belongs to (for the case types the team handles). Nothing else.
//! - **Field:** `standard` for anyone who reaches the case; `restricted` for the assigned
//!   worker and users with an explicit field grant; `confidential` for the assigned worker
//!   only. For survivor-controlled (GBV) cases a field grant counts only while a consent
//!   covers it ([`consent`]).

pub mod caseload;
pub mod consent;
pub mod projection;
pub mod role;

use crate::config::{CaseDomain, Classification, Field};
use crate::team::Team;
use crate::user::{AgencyId, UserId};
use consent::Consent;
pub use role::{Permission, PermissionSet};
use std::collections::BTreeSet;

/// Who is acting, with what their role allows (resolved from the role catalogue, so that the
/// policy never needs to know which roles exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub permissions: PermissionSet,
    /// The agency the user works for: a consent naming it covers them.
    pub agency: Option<AgencyId>,
}

impl Actor {
    pub fn can(self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

/// What the policy needs to know about one case.
#[derive(Debug, Clone, Default)]
pub struct CaseFacts {
    pub case_type: String,
    /// The survivor controls sharing (GBV): field grants need a covering consent.
    pub survivor_controlled: bool,
    pub assigned_to: UserId,
    /// The teams the assigned worker belongs to.
    pub assignee_teams: Vec<Team>,
    /// Users the case is actively shared with.
    pub shared_with: BTreeSet<UserId>,
    /// Active field grants: (user, top-level field id).
    pub field_grants: BTreeSet<(UserId, String)>,
    pub consents: Vec<Consent>,
}

/// Whether a case type's domain puts sharing under the survivor's control.
pub fn survivor_controlled(domain: CaseDomain) -> bool {
    domain == CaseDomain::GenderBasedViolence
}

/// How an actor stands to a case. One actor may stand in several ways at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relationship {
    pub assigned: bool,
    pub shared: bool,
    /// Supervises a team the assigned worker belongs to, which handles this case type.
    pub supervises: bool,
    /// Belongs to a team the assigned worker belongs to (grants nothing by itself).
    pub colleague: bool,
}

pub fn relationship(actor: Actor, facts: &CaseFacts) -> Relationship {
    Relationship {
        assigned: facts.assigned_to == actor.id,
        shared: facts.shared_with.contains(&actor.id),
        supervises: facts
            .assignee_teams
            .iter()
            .any(|t| t.supervisor == Some(actor.id) && t.handles(&facts.case_type)),
        colleague: facts
            .assignee_teams
            .iter()
            .any(|t| t.members.contains(&actor.id)),
    }
}

/// Something done to a case as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    /// Appear in the actor's lists and searches, and be read (field by field, see
    /// [`field_access`]).
    Read,
    /// Change the fields the actor may write.
    Update,
    /// Share with another user.
    Share,
    /// Move to another worker of the team.
    Reassign,
    /// Give another user access to a restricted field.
    GrantFieldAccess,
    /// Hand the case over to a user it is shared with, who becomes its assigned worker
    /// ("share to own").
    HandOver,
    /// Approve or return a submitted care plan.
    DecideCarePlan,
    /// Review the case's documentation for quality assurance, mark it for discussion, and
    /// keep supervision notes about it (the supervisor of the worker's team).
    Supervise,
}

/// Whether `actor` may perform `action` on the case described by `facts`.
pub fn may(actor: Actor, facts: &CaseFacts, action: CaseAction) -> bool {
    if !actor.can(Permission::HoldCases) {
        return false;
    }
    let rel = relationship(actor, facts);
    let team_oversight = rel.supervises && actor.can(Permission::ViewTeamCases);
    match action {
        CaseAction::Read | CaseAction::Update => rel.assigned || rel.shared || team_oversight,
        CaseAction::Share => rel.assigned || team_oversight,
        CaseAction::Reassign => rel.supervises && actor.can(Permission::ReassignWithinTeam),
        CaseAction::DecideCarePlan => rel.supervises && actor.can(Permission::ApproveCarePlans),
        CaseAction::Supervise => team_oversight,
        CaseAction::GrantFieldAccess | CaseAction::HandOver => rel.assigned,
    }
}

/// What an actor who reaches a case may do with one field of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldAccess {
    /// Read and write the value.
    ReadWrite,
    /// The value is withheld: a reader learns only that it exists ("[Restricted]").
    Hidden,
}

/// Access to an item of a case (a field, the attachments) of `classification`, whose grants
/// are keyed by `grant_id` (the top-level field id; members of a repeating group share their
/// group's grants).
fn access_for(
    actor: Actor,
    facts: &CaseFacts,
    grant_id: &str,
    id: &str,
    classification: Classification,
) -> FieldAccess {
    FieldPolicy::new(actor, facts).item(grant_id, id, classification)
}

/// One actor's access to the fields of one case, with whether they reach the case at all
/// worked out once: a case's view asks for every field of it (and every member of its
/// groups), and each answer began by finding the actor's relationship to the case again.
#[derive(Debug, Clone, Copy)]
pub struct FieldPolicy<'a> {
    actor: Actor,
    facts: &'a CaseFacts,
    may_read: bool,
}

impl<'a> FieldPolicy<'a> {
    pub fn new(actor: Actor, facts: &'a CaseFacts) -> Self {
        Self {
            actor,
            facts,
            may_read: may(actor, facts, CaseAction::Read),
        }
    }

    /// Whether the actor reaches the case at all ([`CaseAction::Read`]).
    pub fn may_read(&self) -> bool {
        self.may_read
    }

    /// Access to a top-level field of the case ([`field_access`]).
    pub fn field(&self, field: &Field) -> FieldAccess {
        self.item(&field.id, &field.id, field.classification)
    }

    /// Access to a member field of a repeating group ([`member_access`]).
    pub fn member(&self, group: &Field, member: &Field) -> FieldAccess {
        self.item(&group.id, &member.id, member.classification)
    }

    fn item(&self, grant_id: &str, id: &str, classification: Classification) -> FieldAccess {
        if !self.may_read {
            return FieldAccess::Hidden;
        }
        let (actor, facts) = (self.actor, self.facts);
        let assigned = facts.assigned_to == actor.id;
        let visible = match classification {
            Classification::Standard => true,
            Classification::Restricted => {
                assigned
                    || (facts
                        .field_grants
                        .contains(&(actor.id, grant_id.to_string()))
                        && (!facts.survivor_controlled
                            || consent::covers_item(&facts.consents, actor, id, classification)))
            }
            Classification::Confidential => assigned,
        };
        if visible {
            FieldAccess::ReadWrite
        } else {
            FieldAccess::Hidden
        }
    }
}

/// The grant id that opens a case's restricted attachments (no field may take this id).
pub const ATTACHMENTS_GRANT: &str = "attachments";

/// Access to one of a case's notes: a confidential note is the assigned worker's alone; any
/// other, everyone's who reads the case.
pub fn note_access(actor: Actor, facts: &CaseFacts, confidential: bool) -> FieldAccess {
    let classification = if confidential {
        Classification::Confidential
    } else {
        Classification::Standard
    };
    access_for(actor, facts, "notes", "notes", classification)
}

/// Access to one of a case's attachments, of `classification`: like a field's, with the
/// grant and consent on [`ATTACHMENTS_GRANT`].
pub fn attachment_access(
    actor: Actor,
    facts: &CaseFacts,
    classification: Classification,
) -> FieldAccess {
    access_for(
        actor,
        facts,
        ATTACHMENTS_GRANT,
        ATTACHMENTS_GRANT,
        classification,
    )
}

/// Access to a top-level field of the case.
pub fn field_access(actor: Actor, facts: &CaseFacts, field: &Field) -> FieldAccess {
    access_for(actor, facts, &field.id, &field.id, field.classification)
}

/// Access to a member field of a repeating group.
pub fn member_access(
    actor: Actor,
    facts: &CaseFacts,
    group: &Field,
    member: &Field,
) -> FieldAccess {
    access_for(actor, facts, &group.id, &member.id, member.classification)
}

/// Why a share is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShareRefusal {
    #[error("you may not share this case")]
    NotAllowed,
    #[error("this user's role does not work with individual cases")]
    RecipientCannotHoldCases,
    #[error("the case is already assigned to this user")]
    AlreadyAssigned,
    #[error("no recorded consent allows sharing this survivor's case with this user")]
    NoConsent,
}

/// Whether `actor` may share the case with `recipient`.
pub fn may_share_with(
    actor: Actor,
    facts: &CaseFacts,
    recipient: Actor,
) -> Result<(), ShareRefusal> {
    if !may(actor, facts, CaseAction::Share) {
        return Err(ShareRefusal::NotAllowed);
    }
    if !recipient.can(Permission::HoldCases) {
        return Err(ShareRefusal::RecipientCannotHoldCases);
    }
    if recipient.id == facts.assigned_to {
        return Err(ShareRefusal::AlreadyAssigned);
    }
    if facts.survivor_controlled && !consent::allows_sharing_with(&facts.consents, recipient) {
        return Err(ShareRefusal::NoConsent);
    }
    Ok(())
}

/// Why a reassignment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReassignRefusal {
    #[error("you may not reassign this case")]
    NotAllowed,
    #[error("the new worker is not a member of a team you supervise that handles this case type")]
    NotInYourTeam,
    #[error("this user's role does not work with individual cases")]
    CannotHoldCases,
}

/// Whether `actor` may move the case to `target`, whose teams are `target_teams`.
pub fn may_reassign_to(
    actor: Actor,
    facts: &CaseFacts,
    target: Actor,
    target_teams: &[Team],
) -> Result<(), ReassignRefusal> {
    if !may(actor, facts, CaseAction::Reassign) {
        return Err(ReassignRefusal::NotAllowed);
    }
    if !target.can(Permission::HoldCases) {
        return Err(ReassignRefusal::CannotHoldCases);
    }
    let in_team = target_teams.iter().any(|t| {
        t.supervisor == Some(actor.id)
            && t.members.contains(&target.id)
            && t.handles(&facts.case_type)
    });
    if !in_team {
        return Err(ReassignRefusal::NotInYourTeam);
    }
    Ok(())
}

/// Why a hand-over is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandOverRefusal {
    #[error("only the assigned worker may hand this case over")]
    NotAllowed,
    #[error("this user's role does not work with individual cases")]
    CannotHoldCases,
    #[error("the case is not shared with this user: share it first, then hand it over")]
    NotShared,
    #[error("no recorded consent allows sharing this survivor's case with this user")]
    NoConsent,
}

/// Whether `actor` may hand the case over to `recipient` ("share to own"): the assigned
/// worker passes the case to a user it is already shared with, who becomes its assigned
/// worker. For a survivor's case the consent that allowed the share must still stand.
pub fn may_hand_over_to(
    actor: Actor,
    facts: &CaseFacts,
    recipient: Actor,
) -> Result<(), HandOverRefusal> {
    if !may(actor, facts, CaseAction::HandOver) {
        return Err(HandOverRefusal::NotAllowed);
    }
    if !recipient.can(Permission::HoldCases) {
        return Err(HandOverRefusal::CannotHoldCases);
    }
    if !facts.shared_with.contains(&recipient.id) {
        return Err(HandOverRefusal::NotShared);
    }
    if facts.survivor_controlled && !consent::allows_sharing_with(&facts.consents, recipient) {
        return Err(HandOverRefusal::NoConsent);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
