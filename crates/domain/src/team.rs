//! Teams: a supervisor, members, and the case types the team handles.

use crate::user::UserId;
use std::collections::BTreeSet;

pub type TeamId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub supervisor: Option<UserId>,
    pub members: BTreeSet<UserId>,
    /// Case type ids the team handles; empty means every case type.
    pub case_types: BTreeSet<String>,
}

impl Team {
    pub fn handles(&self, case_type: &str) -> bool {
        self.case_types.is_empty() || self.case_types.contains(case_type)
    }
}
