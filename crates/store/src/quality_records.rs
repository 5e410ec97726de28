//! Quality assurance and supervision records as the store takes and gives them: a
//! supervisor's review findings on a case, their supervision notes for one worker, and the
//! cases they marked for discussion. Texts are sealed with the case's data key; who may write
//! and read them is the server's (`access` and the supervision endpoints).

use crate::UserRef;
use caseward_domain::audit::AuditEvent;
use caseward_domain::case::CaseId;
use caseward_domain::user::UserId;
use chrono::{DateTime, Utc};

/// A supervisor's review of a case's documentation.
#[derive(Debug, Clone)]
pub struct NewQualityReview {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub reviewer: UserId,
    /// How the case was selected (`random`, `newly_closed`, `high_intensity`,
    /// `long_duration`, `chosen`).
    pub criterion: String,
    /// `meets`, `partly_meets` or `does_not_meet`.
    pub rating: String,
    /// Sealed with the case's data key.
    pub findings: String,
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityReviewRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub reviewer: UserRef,
    pub criterion: String,
    pub rating: String,
    pub findings: String,
    pub reviewed_at: DateTime<Utc>,
}

/// A supervision note: between one supervisor and one worker, about a case, never part of
/// the case's record.
#[derive(Debug, Clone)]
pub struct NewSupervisionNote {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub supervisor: UserId,
    pub worker: UserId,
    /// Sealed with the case's data key.
    pub body: String,
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionNoteRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub case_number: String,
    pub supervisor: UserRef,
    pub worker: UserRef,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

/// A case a supervisor marked for discussion with its worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussionMark {
    pub case_id: CaseId,
    pub case_number: String,
    pub supervisor: UserId,
    /// The case's assigned worker.
    pub worker: UserRef,
    pub marked_at: DateTime<Utc>,
}

/// Whose supervision records to read: a supervisor's (every worker), a worker's (every
/// supervisor), or one pair.
#[derive(Debug, Clone, Copy, Default)]
pub struct SupervisionFilter {
    pub supervisor: Option<UserId>,
    pub worker: Option<UserId>,
}

/// An inter-agency panel's decision on a case's move to a stage.
#[derive(Debug, Clone)]
pub struct NewPanelDecision {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub to_stage: String,
    pub endorsed: bool,
    pub decided_on: chrono::NaiveDate,
    /// Who sat and what they said; sealed with the case's data key.
    pub notes: String,
    pub recorded_by: UserId,
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelDecisionRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub to_stage: String,
    pub endorsed: bool,
    pub decided_on: chrono::NaiveDate,
    pub notes: String,
    pub recorded_by: UserRef,
    pub recorded_at: DateTime<Utc>,
}
