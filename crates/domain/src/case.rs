//! Case identity and values.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A case's id: a UUIDv7, which a device can make offline and which sorts by creation time.
pub type CaseId = uuid::Uuid;

/// Make a new time-ordered record id.
pub fn new_record_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// The human case number, `CP-2026-00042`: case type code, year, sequence within both.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseNumber {
    pub code: String,
    pub year: i32,
    pub sequence: u32,
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:05}", self.code, self.year, self.sequence)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a case number (expected CODE-YYYY-NNNNN)")]
pub struct CaseNumberError;

impl FromStr for CaseNumber {
    type Err = CaseNumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.trim().splitn(3, '-');
        let code = parts.next().ok_or(CaseNumberError)?;
        let year = parts.next().ok_or(CaseNumberError)?;
        let sequence = parts.next().ok_or(CaseNumberError)?;
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_uppercase()) || year.len() != 4 {
            return Err(CaseNumberError);
        }
        Ok(Self {
            code: code.to_string(),
            year: year.parse().map_err(|_| CaseNumberError)?,
            sequence: sequence.parse().map_err(|_| CaseNumberError)?,
        })
    }
}

/// A value of one field in a case document, typed by the field's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    YesNo(bool),
    Choice(String),
    Choices(Vec<String>),
    Location(String),
    Group(Vec<GroupItem>),
}

/// One entry of a repeating group: its member fields' values.
pub type GroupItem = BTreeMap<String, FieldValue>;

/// The fields of a case, keyed by field id. Absent means "no value".
pub type CaseFields = BTreeMap<String, FieldValue>;
