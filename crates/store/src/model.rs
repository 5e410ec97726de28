//! The records the store takes and gives. Plain data, no behaviour.

use caseward_domain::access::consent::{Consent, ConsentId};
use caseward_domain::attachment::AttachmentKind;
use caseward_domain::audit::AuditEvent;
use caseward_domain::case::{CaseFields, CaseId};
use caseward_domain::config::{Classification, Intensity};
pub use caseward_domain::dimensions::DimensionValue;
use caseward_domain::team::{Team, TeamId};
use caseward_domain::user::{AgencyId, Role, UserId};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agency: Option<AgencyId>,
    pub password_hash: String,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The agency the user works for, if the instance records agencies.
    pub agency: Option<AgencyId>,
    pub disabled: bool,
    /// A second factor (TOTP) is set up and required at login.
    pub mfa_enabled: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user with their password hash; only for the login path.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_digest: [u8; 32],
    pub user_id: UserId,
    pub stage: SessionStage,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// How far a session has got through login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Fully logged in.
    Full,
    /// The password was accepted; the second factor is awaited.
    SecondFactor,
    /// The password was accepted; a second factor is required but not yet set up.
    Enrolment,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::SecondFactor => "second_factor",
            Self::Enrolment => "enrolment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Full, Self::SecondFactor, Self::Enrolment]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A live session: its user and stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub stage: SessionStage,
}

/// A live session and the case its request asked for ([`crate::Store::session_and_case`]).
#[derive(Debug)]
pub struct SessionCase {
    pub session: Session,
    /// The case with its access facts; `Ok(None)` when there is no such case, or when the
    /// session is not fully logged in (then the case is not read). An error is the case's
    /// (content that does not open), not the session's.
    pub case: crate::Result<Option<(CaseRecord, CaseAccess)>>,
}

/// A user's TOTP secret and the last time step accepted (replay protection).
pub struct SecondFactor {
    pub secret: Vec<u8>,
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactor")
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// The name of a user as shown next to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: CaseId,
    pub case_type: String,
    /// The case type's code, the first part of the case number.
    pub case_type_code: String,
    pub stage: String,
    pub intensity: Intensity,
    pub assigned_to: UserId,
    pub created_by: UserId,
    pub config_version: u32,
    pub fields: CaseFields,
    /// Recorded when the creator's caseload goes above the maximum.
    pub caseload_override_reason: Option<String>,
    /// Blind-index tokens of the case's searchable words.
    pub search_tokens: Vec<SearchToken>,
    /// The case's report dimensions, the only values stored in plaintext (they replace the
    /// old ones).
    pub dimensions: Vec<DimensionValue>,
    /// Audit entries that commit with the case, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// A document to attach to a case; its content comes as an [`crate::attachment_files::Upload`].
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub kind: AttachmentKind,
    pub classification: Classification,
    /// The accepted media type (checked against the content's first bytes by the caller).
    pub media_type: String,
    /// The file's name, sealed with the case's data key.
    pub name: String,
    pub uploaded_by: UserId,
    /// A larger upload is refused (`StoreError::TooLarge`) and nothing is kept.
    pub max_bytes: u64,
    /// Audit entries that commit with the attachment, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// A case's attachment: its description, its name opened.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub kind: AttachmentKind,
    pub classification: Classification,
    pub media_type: String,
    pub name: String,
    /// Plaintext bytes.
    pub size: u64,
    pub uploaded_by: UserRef,
    pub uploaded_at: DateTime<Utc>,
}

/// A note to add to a case (written once; its body sealed with the case's data key).
#[derive(Debug, Clone)]
pub struct NewNote {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    /// The kind of contact or event (`domain::note::NoteKind`).
    pub kind: String,
    /// Seen only by the case's assigned worker.
    pub confidential: bool,
    pub body: String,
    /// When the next contact is planned, if the note says.
    pub next_contact_on: Option<chrono::NaiveDate>,
    pub written_by: UserId,
    /// Audit entries that commit with the note, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// A case's note, its body opened.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub kind: String,
    pub confidential: bool,
    pub body: String,
    pub next_contact_on: Option<chrono::NaiveDate>,
    pub written_by: UserRef,
    pub written_at: DateTime<Utc>,
}

/// A move of a case to another stage, judged already by the workflow (`domain::workflow`).
#[derive(Debug, Clone)]
pub struct CaseTransition {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    /// The version the move was judged at: the case must still be at it (and so at `from`).
    pub expected_version: i64,
    pub from: String,
    pub to: String,
    pub by: UserId,
    /// Sealed with the case's data key.
    pub reason: Option<String>,
    pub survivor_decision: bool,
    /// Audit entries that commit with the move, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// One move in a case's history.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionRecord {
    pub id: uuid::Uuid,
    pub from: String,
    pub to: String,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub survivor_decision: bool,
}

/// How many cases hold one value of a report dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionCount {
    pub value: String,
    pub cases: i64,
}

/// A blind-index token of one of a case's searchable words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchToken {
    pub token: [u8; 32],
    /// From a restricted or confidential field: matches for the assigned worker only.
    pub restricted: bool,
}

/// What a case list shows: everything but the fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub case_number: String,
    pub case_type: String,
    pub stage: String,
    pub intensity: Intensity,
    pub assigned_to: UserRef,
    pub created_by: UserId,
    pub config_version: u32,
    pub version: i64,
    pub change_seq: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub summary: CaseSummary,
    pub fields: CaseFields,
}

#[derive(Debug, Clone)]
pub struct CaseUpdate {
    pub id: CaseId,
    pub expected_version: i64,
    /// The case's whole new set of fields.
    pub fields: CaseFields,
    pub config_version: u32,
    /// The case's blind-index tokens after the change (they replace the old ones).
    pub search_tokens: Vec<SearchToken>,
    /// The case's report dimensions, the only values stored in plaintext (they replace the
    /// old ones).
    pub dimensions: Vec<DimensionValue>,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// Which cases a user reaches, as the access policy defines it: assigned to them, actively
/// shared with them, or (with `include_team_cases`) assigned to a member of a team they
/// supervise that handles the case's type. The SQL mirror of `domain::access::may(Read)`;
/// the conformance suite checks the two agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub user: UserId,
    pub include_team_cases: bool,
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only the cases this user reaches.
    pub reachable_by: Option<Reach>,
    /// Only the cases assigned to this user.
    pub assigned_to: Option<UserId>,
    pub case_type: Option<String>,
    pub stage: Option<String>,
    /// Only the cases assigned to a member of a team this user supervises that handles the
    /// case's type (the cases whose care plans they decide on).
    pub supervised_by: Option<UserId>,
    /// Only the cases whose newest care plan version has this status.
    pub care_plan_status: Option<caseward_domain::care_plan::CarePlanStatus>,
    /// Matches case numbers that start with this text (an exact number included).
    pub case_number_prefix: Option<String>,
    /// Or: cases holding every one of these blind-index tokens (a restricted field's token
    /// counts only for the case's assigned worker, the `reachable_by` user).
    pub name_tokens: Vec<[u8; 32]>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<u32>,
}

/// Escape `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` prefix match.
pub(crate) fn like_prefix(prefix: &str) -> String {
    let mut escaped = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// Changes to a user; `None` leaves a value as it is.
#[derive(Debug, Clone)]
pub struct UserChanges {
    pub expected_version: i64,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` takes the user out of any agency.
    pub agency: Option<Option<AgencyId>>,
    pub disabled: Option<bool>,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// Which audit entries to find; every criterion given must hold. Newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<UserId>,
    pub case_id: Option<CaseId>,
    pub action: Option<caseward_domain::audit::AuditAction>,
    pub outcome: Option<caseward_domain::audit::Outcome>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Entries before this sequence number (the next page).
    pub before_seq: Option<i64>,
    pub limit: u32,
}

/// An organisation whose staff use this instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: AgencyId,
    pub name: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub id: AgencyId,
    pub name: String,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewTeam {
    pub id: TeamId,
    pub name: String,
    pub supervisor: Option<UserId>,
    pub case_types: BTreeSet<String>,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// Changes to a team; `None` leaves a value as it is (`Some(None)` removes the supervisor).
#[derive(Debug, Clone, Default)]
pub struct TeamChanges {
    pub name: Option<String>,
    pub supervisor: Option<Option<UserId>>,
    pub case_types: Option<BTreeSet<String>>,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
}

/// A team with the names of its people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRecord {
    pub team: Team,
    pub supervisor: Option<UserRef>,
    pub members: Vec<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewShare {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub user_id: UserId,
    pub reason: String,
    pub granted_by: UserId,
    /// Set when a survivor's case is shared without their consent (an emergency).
    pub consent_override_reason: Option<String>,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// An active share of a case with a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub user: UserRef,
    pub reason: String,
    pub granted_by: UserRef,
    pub granted_at: DateTime<Utc>,
    pub consent_override_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewFieldGrant {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub user_id: UserId,
    pub field_id: String,
    pub reason: String,
    pub granted_by: UserId,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// An active grant of one restricted field of a case to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldGrantRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub user: UserRef,
    pub field_id: String,
    pub reason: String,
    pub granted_by: UserRef,
    pub granted_at: DateTime<Utc>,
}

/// Ending a share (`field_id: None`) or a field grant, with who, why and when.
#[derive(Debug, Clone)]
pub struct Revocation {
    pub case_id: CaseId,
    pub user_id: UserId,
    pub field_id: Option<String>,
    pub by: UserId,
    pub reason: String,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// A consent as recorded on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub case_id: CaseId,
    pub consent: Consent,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_by: Option<UserId>,
    pub withdraw_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ConsentWithdrawal {
    pub case_id: CaseId,
    pub consent_id: ConsentId,
    pub by: UserId,
    pub reason: String,
    /// Audit entries that commit with the change, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// Everything the access policy needs about a case besides the case itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseAccess {
    pub shares: Vec<ShareRecord>,
    pub field_grants: Vec<FieldGrantRecord>,
    pub consents: Vec<ConsentRecord>,
    /// The teams the assigned worker belongs to.
    pub assignee_teams: Vec<Team>,
}

#[derive(Debug, Clone)]
pub struct Reassignment {
    pub case_id: CaseId,
    pub expected_version: i64,
    pub to: UserId,
    pub by: UserId,
    pub reason: String,
    pub caseload_override_reason: Option<String>,
    /// Audit entries that commit with the reassignment, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// One assignment of a case: opening it, or a reassignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRecord {
    /// `None` when the case was opened.
    pub from: Option<UserRef>,
    pub to: UserRef,
    pub by: UserRef,
    pub reason: String,
    pub caseload_override_reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A raw batched insert measurement (`Store::measure_batched_inserts`).
#[derive(Debug, Clone, Copy)]
pub struct BatchedInserts {
    pub elapsed: std::time::Duration,
    /// How much the database grew by the rows (before the scratch table went).
    pub bytes: u64,
}
