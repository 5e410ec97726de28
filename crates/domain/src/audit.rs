//! The audit trail's entries as pure data, and the canonical bytes the hash chain covers.
//!
//! An entry says who did what to which record, which fields were read or written (their ids,
//! never their values), why where a reason is required, and whether it was allowed. The
//! canonical form is versioned and length-prefixed, so that no two different entries encode
//! alike and a verifier in any language can recompute it.

use crate::case::CaseId;
use crate::user::UserId;
use chrono::{DateTime, Utc};
use std::fmt;

/// What was done. The names are stable: they are stored and hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditAction {
    // Case content.
    CaseList,
    CaseRead,
    CaseCreate,
    CaseUpdate,
    CaseAccessRead,
    CaseShare,
    CaseShareRevoke,
    FieldGrant,
    FieldGrantRevoke,
    CaseReassign,
    CaseHandOver,
    /// A move to another stage of the workflow.
    CaseTransition,
    NoteList,
    NoteCreate,
    CarePlanList,
    /// A new version of a case's care plan (its status in `fields`).
    CarePlanSave,
    /// A supervisor's decision on a care plan version (`approved` or `returned` in `fields`).
    CarePlanDecide,
    /// A supervisor's queue of care plans waiting for a decision (the case ids in `fields`).
    ApprovalQueue,
    PanelDecisionList,
    /// An inter-agency panel's decision recorded (the stage it is about in `fields`).
    PanelDecisionRecord,
    /// A sample of a team's cases offered for quality review (the case ids in `fields`).
    ReviewSample,
    QualityReviewList,
    QualityReviewCreate,
    /// A case marked for discussion, or the mark taken away (`marked`/`unmarked` in `fields`).
    DiscussionMark,
    SupervisionNoteCreate,
    /// A supervisor's or a worker's supervision records read (the note ids in `fields`).
    SupervisionRead,
    AttachmentList,
    AttachmentUpload,
    AttachmentDownload,
    AttachmentRemove,
    /// The command line brought cases' search tokens and report dimensions up to date (the
    /// case ids in `fields`).
    CaseReindex,
    ConsentList,
    ConsentRecord,
    ConsentWithdraw,
    // Authentication.
    Login,
    LoginFailed,
    SecondFactor,
    SecondFactorFailed,
    SecondFactorEnrol,
    Logout,
    // Administration.
    UserCreate,
    UserUpdate,
    TeamCreate,
    TeamUpdate,
    TeamMemberAdd,
    TeamMemberRemove,
    AgencyCreate,
    AgencyUpdate,
    /// A user set or removed the address their alerts are emailed to.
    NotificationSettings,
    /// A supervisor read the dashboard of their teams (workload and quality, no case content).
    DashboardRead,
    /// A programme manager read an anonymised aggregate report (its axes and filters by name
    /// in `fields`; counts only, never a case).
    ReportRead,
    /// A server started with a configuration (its version and fingerprint in the reason): a
    /// changed configuration shows as a new fingerprint.
    ConfigurationLoad,
    /// A new configuration version (its number in `subject`-less `reason`, the changed
    /// entities' names in `fields`).
    ConfigurationChange,
    /// Cases' clear-text data (report dimensions, search tokens) recomputed after a field's
    /// classification, dimension or search flag changed (the case type and version in the
    /// reason, the case ids in `fields`).
    ConfigurationMigrate,
    // The audit trail itself.
    AuditSearch,
    AuditExport,
    CaseAuditRead,
    CasePurge,
}

impl AuditAction {
    pub const ALL: [AuditAction; 58] = [
        Self::CaseList,
        Self::CaseRead,
        Self::CaseCreate,
        Self::CaseUpdate,
        Self::CaseAccessRead,
        Self::CaseShare,
        Self::CaseShareRevoke,
        Self::FieldGrant,
        Self::FieldGrantRevoke,
        Self::CaseReassign,
        Self::CaseHandOver,
        Self::CaseTransition,
        Self::NoteList,
        Self::NoteCreate,
        Self::CarePlanList,
        Self::CarePlanSave,
        Self::CarePlanDecide,
        Self::ApprovalQueue,
        Self::PanelDecisionList,
        Self::PanelDecisionRecord,
        Self::ReviewSample,
        Self::QualityReviewList,
        Self::QualityReviewCreate,
        Self::DiscussionMark,
        Self::SupervisionNoteCreate,
        Self::SupervisionRead,
        Self::AttachmentList,
        Self::AttachmentUpload,
        Self::AttachmentDownload,
        Self::AttachmentRemove,
        Self::CaseReindex,
        Self::ConsentList,
        Self::ConsentRecord,
        Self::ConsentWithdraw,
        Self::Login,
        Self::LoginFailed,
        Self::SecondFactor,
        Self::SecondFactorFailed,
        Self::SecondFactorEnrol,
        Self::Logout,
        Self::UserCreate,
        Self::UserUpdate,
        Self::TeamCreate,
        Self::TeamUpdate,
        Self::TeamMemberAdd,
        Self::TeamMemberRemove,
        Self::AgencyCreate,
        Self::AgencyUpdate,
        Self::NotificationSettings,
        Self::DashboardRead,
        Self::ReportRead,
        Self::ConfigurationLoad,
        Self::ConfigurationChange,
        Self::ConfigurationMigrate,
        Self::AuditSearch,
        Self::AuditExport,
        Self::CaseAuditRead,
        Self::CasePurge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseList => "case.list",
            Self::CaseRead => "case.read",
            Self::CaseCreate => "case.create",
            Self::CaseUpdate => "case.update",
            Self::CaseAccessRead => "case.access.read",
            Self::CaseShare => "case.share",
            Self::CaseShareRevoke => "case.share.revoke",
            Self::FieldGrant => "case.field_grant",
            Self::FieldGrantRevoke => "case.field_grant.revoke",
            Self::CaseReassign => "case.reassign",
            Self::CaseHandOver => "case.hand_over",
            Self::CaseTransition => "case.transition",
            Self::NoteList => "case.note.list",
            Self::NoteCreate => "case.note.create",
            Self::CarePlanList => "case.care_plan.list",
            Self::CarePlanSave => "case.care_plan.save",
            Self::CarePlanDecide => "case.care_plan.decide",
            Self::ApprovalQueue => "case.approval_queue",
            Self::PanelDecisionList => "case.panel_decision.list",
            Self::PanelDecisionRecord => "case.panel_decision.record",
            Self::ReviewSample => "case.review_sample",
            Self::QualityReviewList => "case.quality_review.list",
            Self::QualityReviewCreate => "case.quality_review.create",
            Self::DiscussionMark => "case.discussion_mark",
            Self::SupervisionNoteCreate => "case.supervision_note.create",
            Self::SupervisionRead => "case.supervision.read",
            Self::AttachmentList => "case.attachment.list",
            Self::AttachmentUpload => "case.attachment.upload",
            Self::AttachmentDownload => "case.attachment.download",
            Self::AttachmentRemove => "case.attachment.remove",
            Self::CaseReindex => "case.reindex",
            Self::ConsentList => "consent.list",
            Self::ConsentRecord => "consent.record",
            Self::ConsentWithdraw => "consent.withdraw",
            Self::Login => "auth.login",
            Self::LoginFailed => "auth.login.failed",
            Self::SecondFactor => "auth.second_factor",
            Self::SecondFactorFailed => "auth.second_factor.failed",
            Self::SecondFactorEnrol => "auth.second_factor.enrol",
            Self::Logout => "auth.logout",
            Self::UserCreate => "user.create",
            Self::UserUpdate => "user.update",
            Self::TeamCreate => "team.create",
            Self::TeamUpdate => "team.update",
            Self::TeamMemberAdd => "team.member.add",
            Self::TeamMemberRemove => "team.member.remove",
            Self::AgencyCreate => "agency.create",
            Self::AgencyUpdate => "agency.update",
            Self::NotificationSettings => "user.notifications",
            Self::DashboardRead => "team.dashboard",
            Self::ReportRead => "report.read",
            Self::ConfigurationLoad => "config.load",
            Self::ConfigurationChange => "config.change",
            Self::ConfigurationMigrate => "config.migrate",
            Self::AuditSearch => "audit.search",
            Self::AuditExport => "audit.export",
            Self::CaseAuditRead => "case.audit.read",
            Self::CasePurge => "case.purge",
        }
    }

    /// The action named `text`; `None` for a name this version does not know. (`audit verify`
    /// checks every entry's action: a lookup, not a walk over every name.)
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_bytes(text.as_bytes())
    }

    /// The action named by `bytes` as stored (no UTF-8 check first: only a known name,
    /// which is ASCII, is found).
    pub fn parse_bytes(bytes: &[u8]) -> Option<Self> {
        static BY_NAME: std::sync::OnceLock<foldhash::HashMap<&'static [u8], AuditAction>> =
            std::sync::OnceLock::new();
        BY_NAME
            .get_or_init(|| {
                Self::ALL
                    .into_iter()
                    .map(|a| (a.as_str().as_bytes(), a))
                    .collect()
            })
            .get(bytes)
            .copied()
    }

    /// Whether the reason a user gives for this action is part of the case's history (why it
    /// was shared, granted, reassigned, handed over, overridden, withdrawn or removed), and so
    /// sealed with the case's key like the case itself. A purge's reason is not: the purge
    /// destroys that key, and its reason must stay readable.
    pub fn reason_is_case_content(self) -> bool {
        matches!(
            self,
            Self::CaseCreate
                | Self::CaseUpdate
                | Self::CaseShare
                | Self::CaseShareRevoke
                | Self::FieldGrant
                | Self::FieldGrantRevoke
                | Self::CaseReassign
                | Self::CaseHandOver
                | Self::CaseTransition
                | Self::ConsentRecord
                | Self::ConsentWithdraw
                | Self::AttachmentRemove
        )
    }

    /// Whether the action touches case content (and so belongs to a case's access log).
    pub fn is_case_access(self) -> bool {
        self.as_str().starts_with("case.") || self.as_str().starts_with("consent.")
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the attempt was carried out. Refused attempts are recorded too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied => "denied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_bytes(text.as_bytes())
    }

    pub fn parse_bytes(bytes: &[u8]) -> Option<Self> {
        match bytes {
            b"allowed" => Some(Self::Allowed),
            b"denied" => Some(Self::Denied),
            _ => None,
        }
    }
}

/// Something to record, before it has a place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// `None` when nobody is known (a login attempt for an unknown username).
    pub actor: Option<UserId>,
    /// The acting role's id at the time.
    pub actor_role: Option<String>,
    pub action: AuditAction,
    pub outcome: Outcome,
    pub case_id: Option<CaseId>,
    /// Another record the action is about: a user, team, agency or consent.
    pub subject: Option<uuid::Uuid>,
    /// Ids of the fields read or written (never their values); for a list, the case ids
    /// returned.
    pub fields: Vec<String>,
    /// The reason given, where one is required.
    pub reason: Option<String>,
    pub request_id: Option<String>,
    /// `web`, `api`, `cli`, or `device:<id>`.
    pub client: String,
}

impl AuditEvent {
    /// An event with the given actor and action, allowed, with nothing else said yet.
    pub fn new(actor: Option<UserId>, action: AuditAction) -> Self {
        Self {
            actor,
            actor_role: None,
            action,
            outcome: Outcome::Allowed,
            case_id: None,
            subject: None,
            fields: Vec::new(),
            reason: None,
            request_id: None,
            client: "api".into(),
        }
    }
}

/// An entry of the chain: an event with its sequence number, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub event: AuditEvent,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// A signed statement of the chain's head at a time: entry `seq` has hash `hash`. Exported
/// where the database administrator cannot write, checkpoints catch a removed or rewritten
/// tail that the chain alone cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheckpoint {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub hash: [u8; 32],
    /// The signing key's version in the keyring.
    pub key_id: u32,
    pub signature: Vec<u8>,
}

/// Version tag of the canonical form; bump it (and keep the old one verifiable) to change it.
const CANONICAL_VERSION: &[u8] = b"caseward-audit-entry/1";

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_optional(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        None => out.push(0),
        Some(bytes) => {
            out.push(1);
            put(out, bytes);
        }
    }
}

/// An entry's recorded values as the chain hashes them, borrowed from an event or straight
/// from a stored row (so that `audit verify` need not build an [`AuditEvent`] per entry).
#[derive(Debug, Clone, Copy)]
pub struct CanonicalEntry<'a> {
    pub seq: i64,
    /// Microseconds since the Unix epoch.
    pub at_micros: i64,
    pub actor: Option<&'a [u8]>,
    pub actor_role: Option<&'a [u8]>,
    pub action: &'a [u8],
    pub outcome: &'a [u8],
    pub case_id: Option<&'a [u8]>,
    pub subject: Option<&'a [u8]>,
    pub fields: CanonicalFields<'a>,
    pub reason: Option<&'a [u8]>,
    pub request_id: Option<&'a [u8]>,
    pub client: &'a [u8],
}

/// An entry's field ids: a list, or as stored, one per line (empty for none).
#[derive(Debug, Clone, Copy)]
pub enum CanonicalFields<'a> {
    List(&'a [String]),
    Lines(&'a [u8]),
}

impl CanonicalFields<'_> {
    fn write(self, out: &mut Vec<u8>) {
        match self {
            Self::List(fields) => {
                out.extend_from_slice(&(fields.len() as u64).to_be_bytes());
                for field in fields {
                    put(out, field.as_bytes());
                }
            }
            Self::Lines(b"") => out.extend_from_slice(&0u64.to_be_bytes()),
            // One pass over the lines: their count is written once they are counted.
            Self::Lines(lines) => {
                let count_at = out.len();
                out.extend_from_slice(&0u64.to_be_bytes());
                let mut count = 0u64;
                let mut start = 0;
                // The line ends found by memchr, not byte by byte (the canonical form's
                // writing was 5 % of a verification's samples on PostgreSQL).
                let ends = memchr::memchr_iter(b'\n', lines).chain(std::iter::once(lines.len()));
                for end in ends {
                    put(out, &lines[start..end]);
                    start = end + 1;
                    count += 1;
                }
                out[count_at..count_at + 8].copy_from_slice(&count.to_be_bytes());
            }
        }
    }
}

impl<'a> CanonicalEntry<'a> {
    /// The view of `event`, recorded as entry `seq` at `at`.
    pub fn of(seq: i64, at: DateTime<Utc>, event: &'a AuditEvent) -> Self {
        Self {
            seq,
            at_micros: at.timestamp_micros(),
            actor: event.actor.as_ref().map(|u| u.as_bytes().as_slice()),
            actor_role: event.actor_role.as_deref().map(str::as_bytes),
            action: event.action.as_str().as_bytes(),
            outcome: event.outcome.as_str().as_bytes(),
            case_id: event.case_id.as_ref().map(|c| c.as_bytes().as_slice()),
            subject: event.subject.as_ref().map(|s| s.as_bytes().as_slice()),
            fields: CanonicalFields::List(&event.fields),
            reason: event.reason.as_deref().map(str::as_bytes),
            request_id: event.request_id.as_deref().map(str::as_bytes),
            client: event.client.as_bytes(),
        }
    }

    /// Append the canonical bytes to `out`: every recorded value, each length-prefixed, in
    /// a fixed order. Times count microseconds (what both databases keep).
    pub fn write(&self, out: &mut Vec<u8>) {
        put(out, CANONICAL_VERSION);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.at_micros.to_be_bytes());
        put_optional(out, self.actor);
        put_optional(out, self.actor_role);
        put(out, self.action);
        put(out, self.outcome);
        put_optional(out, self.case_id);
        put_optional(out, self.subject);
        self.fields.write(out);
        put_optional(out, self.reason);
        put_optional(out, self.request_id);
        put(out, self.client);
    }
}

/// The bytes the chain hashes for an entry at `seq`, made at `at` (see
/// [`CanonicalEntry::write`]).
pub fn canonical_bytes(seq: i64, at: DateTime<Utc>, event: &AuditEvent) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    CanonicalEntry::of(seq, at, event).write(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn action_names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(seen.insert(action.as_str()), "{action} twice");
        }
        for unknown in ["", "case", "case.read ", "Case.Read", "case.eat"] {
            assert_eq!(AuditAction::parse(unknown), None, "{unknown:?}");
        }
        assert!(AuditAction::CaseRead.is_case_access());
        assert!(AuditAction::ConsentRecord.is_case_access());
        assert!(!AuditAction::Login.is_case_access());
    }

    fn arb_event() -> impl Strategy<Value = AuditEvent> {
        (
            proptest::option::of(any::<u128>()),
            proptest::option::of("[a-z_]{0,12}"),
            proptest::sample::select(AuditAction::ALL.to_vec()),
            any::<bool>(),
            proptest::option::of(any::<u128>()),
            proptest::collection::vec("[a-z_.\\[\\]0-9]{0,10}", 0..4),
            proptest::option::of(".{0,20}"),
            "[a-z:0-9]{0,10}",
        )
            .prop_map(
                |(actor, role, action, denied, case, fields, reason, client)| AuditEvent {
                    actor: actor.map(uuid::Uuid::from_u128),
                    actor_role: role,
                    action,
                    outcome: if denied {
                        Outcome::Denied
                    } else {
                        Outcome::Allowed
                    },
                    case_id: case.map(uuid::Uuid::from_u128),
                    subject: None,
                    fields,
                    reason,
                    request_id: None,
                    client,
                },
            )
    }

    proptest! {
        /// Two entries encode alike only when they are the same entry: nothing can be moved
        /// from one value into its neighbour without changing the bytes.
        #[test]
        fn different_entries_never_encode_alike(a in arb_event(), b in arb_event(), seq in 1i64..1000) {
            let at = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap();
            let same_bytes = canonical_bytes(seq, at, &a) == canonical_bytes(seq, at, &b);
            prop_assert_eq!(same_bytes, a == b);
        }

        /// An entry read back from its row (field ids one per line) encodes as the event it
        /// recorded, unless a field id is empty (stored rows cannot tell "no fields" from
        /// "one empty field").
        #[test]
        fn stored_lines_encode_as_the_list(event in arb_event(), seq in 1i64..1000) {
            prop_assume!(event.fields.iter().all(|f| !f.is_empty()));
            let at = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap();
            let lines = event.fields.join("\n");
            let mut stored = Vec::new();
            CanonicalEntry { fields: CanonicalFields::Lines(lines.as_bytes()), ..CanonicalEntry::of(seq, at, &event) }
                .write(&mut stored);
            prop_assert_eq!(stored, canonical_bytes(seq, at, &event));
        }
    }

    #[test]
    fn sequence_and_time_are_covered() {
        let event = AuditEvent::new(None, AuditAction::LoginFailed);
        let at = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap();
        assert_ne!(
            canonical_bytes(1, at, &event),
            canonical_bytes(2, at, &event)
        );
        assert_ne!(
            canonical_bytes(1, at, &event),
            canonical_bytes(1, at + chrono::Duration::microseconds(1), &event)
        );
    }
}
