//! Background work, alerts and case timelines as the store takes and gives them. Plain data:
//! which deadlines pass is `domain::deadlines`'s, what a job does is the server's.

use caseward_domain::case::CaseId;
use caseward_domain::user::UserId;
use chrono::{DateTime, Utc};

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: uuid::Uuid,
    /// What to do (`deadline_sweep`, `alert_email`, ...).
    pub kind: String,
    /// A periodic job's name: at most one job pending per name (a second is not queued).
    pub singleton: Option<String>,
    /// What the job needs, as JSON; never case content.
    pub payload: String,
    pub run_at: DateTime<Utc>,
}

/// A job a node has claimed: it is theirs until `locked_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: uuid::Uuid,
    pub kind: String,
    pub singleton: Option<String>,
    pub payload: String,
    pub run_at: DateTime<Utc>,
    /// Earlier attempts that failed.
    pub attempts: i32,
    pub locked_until: DateTime<Utc>,
}

/// A job's history, for tests and operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: uuid::Uuid,
    pub kind: String,
    pub payload: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// The node that finished it.
    pub done_by: Option<String>,
}

/// A deadline that passed, for one recipient.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub recipient: UserId,
    /// `domain::deadlines::DeadlineKind::id`.
    pub kind: String,
    pub stage: Option<String>,
    /// `alert` or `escalation`.
    pub level: String,
    pub due: DateTime<Utc>,
    /// Queued with the alert when it is new (an email to its recipient), or not at all.
    pub job: Option<NewJob>,
}

/// An alert as its recipient sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub case_number: String,
    pub recipient: UserId,
    pub kind: String,
    pub stage: Option<String>,
    pub level: String,
    pub due: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Which open cases' timelines to read.
#[derive(Debug, Clone, Default)]
pub struct TimelineFilter {
    /// Stages whose cases are left out (the terminal ones).
    pub exclude_stages: Vec<String>,
    /// Yes/no report dimensions that mark an emergency case.
    pub emergency_fields: Vec<String>,
    /// A page of at most this many cases, in id order, after `after` (a sweep over every
    /// case reads it page by page: memory and each read stay bounded at any size). Without
    /// it, every matching case, in opening order.
    pub limit: Option<u32>,
    /// With `limit`: only the cases whose id comes after this one.
    pub after: Option<CaseId>,
}

/// What the timeline rules need to know of one case: times and states, never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTimelineFacts {
    pub id: CaseId,
    pub case_number: String,
    pub case_type: String,
    pub stage: String,
    pub assigned_to: UserId,
    /// Weighs the case in its worker's caseload.
    pub intensity: caseward_domain::config::Intensity,
    pub opened_at: DateTime<Utc>,
    /// When the case entered its stage (its opening, if it never moved).
    pub stage_since: DateTime<Utc>,
    pub emergency: bool,
    /// The newest note recording a contact (any kind but `other`).
    pub last_contact: Option<DateTime<Utc>>,
    /// The next contact as that note planned it.
    pub planned_contact: Option<chrono::NaiveDate>,
    /// When the newest care plan version was submitted, if it still waits for a decision.
    pub approval_requested: Option<DateTime<Utc>>,
}
