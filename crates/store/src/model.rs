//! The records the store takes and gives. Plain data, no behaviour.

use caseward_domain::case::{CaseFields, CaseId};
use caseward_domain::config::Intensity;
use caseward_domain::user::{Role, UserId};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
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
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
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
    pub now: DateTime<Utc>,
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
    pub now: DateTime<Utc>,
}

/// Which cases to list. `assigned_to` limits the list to one worker's cases.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub assigned_to: Option<UserId>,
    pub case_type: Option<String>,
    pub stage: Option<String>,
    /// Matches case numbers that start with this text (an exact number included).
    pub case_number_prefix: Option<String>,
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
