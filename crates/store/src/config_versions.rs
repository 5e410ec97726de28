//! Configuration versions as the store takes and gives them: the whole configuration's files
//! (TOML text, never case content), who made the version, when and how, and its readable
//! changes. The store numbers nothing itself: the caller says which version it adds after
//! which, and a version written meanwhile makes the addition a `Conflict`.

use crate::UserRef;
use caseward_domain::audit::AuditEvent;
use caseward_domain::config::SourceFile;
use caseward_domain::user::UserId;
use chrono::{DateTime, Utc};

/// How a version came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSource {
    /// The files an instance first started with (built-in or a configuration folder).
    Initial,
    /// A folder imported from the command line.
    Import,
    /// A change made through the API (the web app's editors).
    Edit,
    /// An earlier version made the newest again.
    Restore,
}

impl ConfigSource {
    pub const ALL: [ConfigSource; 4] = [Self::Initial, Self::Import, Self::Edit, Self::Restore];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Import => "import",
            Self::Edit => "edit",
            Self::Restore => "restore",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A version to add.
#[derive(Debug, Clone)]
pub struct NewConfigVersion {
    pub version: u32,
    /// The newest version the change was judged against (`None`: the first version).
    pub previous: Option<u32>,
    pub source: ConfigSource,
    pub restored_from: Option<u32>,
    /// `None` for the command line and the first version.
    pub author: Option<UserId>,
    pub fingerprint: String,
    /// Named by their path inside the configuration folder (`case_types/gbv.toml`).
    pub files: Vec<SourceFile>,
    /// The readable changes from the previous version, one line each.
    pub changes: Vec<String>,
    /// Audit entries that commit with the version, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// A version without its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigVersionSummary {
    pub version: u32,
    pub created_at: DateTime<Utc>,
    pub author: Option<UserRef>,
    pub source: ConfigSource,
    pub restored_from: Option<u32>,
    pub fingerprint: String,
    pub changes: Vec<String>,
}

/// A version and its files.
#[derive(Debug, Clone)]
pub struct ConfigVersionRecord {
    pub summary: ConfigVersionSummary,
    pub files: Vec<SourceFile>,
}

/// The files as stored: a JSON array of `{name, text}`.
pub(crate) fn encode_files(files: &[SourceFile]) -> String {
    serde_json::Value::Array(
        files
            .iter()
            .map(|f| serde_json::json!({ "name": f.name, "text": f.text }))
            .collect(),
    )
    .to_string()
}

pub(crate) fn decode_files(json: &str) -> Result<Vec<SourceFile>, crate::StoreError> {
    let corrupt = || crate::StoreError::Corrupt("a configuration version's files".into());
    let value: serde_json::Value = serde_json::from_str(json).map_err(|_| corrupt())?;
    value
        .as_array()
        .ok_or_else(corrupt)?
        .iter()
        .map(|f| {
            Some(SourceFile {
                name: f.get("name")?.as_str()?.to_string(),
                text: f.get("text")?.as_str()?.to_string(),
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(corrupt)
}

pub(crate) fn encode_changes(changes: &[String]) -> String {
    serde_json::to_string(changes).expect("strings serialise")
}

pub(crate) fn decode_changes(json: &str) -> Result<Vec<String>, crate::StoreError> {
    serde_json::from_str(json)
        .map_err(|_| crate::StoreError::Corrupt("a configuration version's changes".into()))
}
