//! The parts of the API's answers the load generator reads. Field values are never
//! deserialised: unknown members (a case's `fields`) are skipped by serde.

use serde::Deserialize;

/// `POST /api/v1/auth/login` → 200.
#[derive(Debug, Deserialize)]
pub struct LoginAnswer {
    pub user: LoginUser,
    /// `second_factor` or `enrolment` when the session is not complete yet.
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginUser {
    pub role: String,
}

/// `GET /api/v1/cases` → 200.
#[derive(Debug, Deserialize)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    pub total: u64,
}

/// A list row: enough to open and edit the case.
#[derive(Debug, Clone, Deserialize)]
pub struct CaseSummary {
    pub id: String,
    pub case_type: String,
    pub stage: String,
    pub version: i64,
}

/// `GET` or `PATCH /api/v1/cases/{id}` → 200, without the field values.
#[derive(Debug, Deserialize)]
pub struct CaseAnswer {
    #[serde(flatten)]
    pub summary: CaseSummary,
    /// Paths of values withheld from this user (`contacts[0].phone`).
    #[serde(default)]
    pub restricted: Vec<String>,
    pub access: CaseAccess,
}

#[derive(Debug, Deserialize)]
pub struct CaseAccess {
    pub may_update: bool,
    #[serde(default)]
    pub withheld_fields: Vec<String>,
}

impl CaseAnswer {
    /// Top-level fields this user may not write or does not see.
    pub fn unwritable(&self) -> Vec<String> {
        let mut out = self.access.withheld_fields.clone();
        for path in &self.restricted {
            let top = path.split(['[', '.']).next().unwrap_or(path);
            if !out.iter().any(|f| f == top) {
                out.push(top.to_string());
            }
        }
        out
    }
}

/// `GET /api/v1/config`: the case types' forms, as far as choosing a field to edit needs.
#[derive(Debug, Deserialize)]
pub struct ConfigDoc {
    pub case_types: Vec<CaseTypeDoc>,
}

#[derive(Debug, Deserialize)]
pub struct CaseTypeDoc {
    pub id: String,
    pub stages: Vec<String>,
    pub sections: Vec<SectionDoc>,
}

#[derive(Debug, Deserialize)]
pub struct SectionDoc {
    /// The stage at which the section is collected; absent: every stage.
    #[serde(default)]
    pub stage: Option<String>,
    pub fields: Vec<FieldDoc>,
}

#[derive(Debug, Deserialize)]
pub struct FieldDoc {
    pub id: String,
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub retired: bool,
    #[serde(default)]
    pub show_when: Option<ShowWhenDoc>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct ShowWhenDoc {
    pub field: String,
}

/// An RFC 9457 problem document: only its type, title and the failing fields' ids and codes
/// (never a value, which the server does not put there either).
#[derive(Debug, Default, Deserialize)]
pub struct Problem {
    #[serde(default, rename = "type")]
    pub problem_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Deserialize)]
pub struct ProblemField {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub code: String,
}
