//! The file format of `config/`: TOML documents deserialised as written, before validation.
//! Every table denies unknown keys so that a misspelt key is an error, not a silent default.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub type Text = BTreeMap<String, String>;

/// One configuration file. A file may hold any mix of these tables; `section` tables belong to
/// the file's `case_type`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub instance: Option<Spanned<InstanceFile>>,
    /// The working-day calendar deadlines count in (default: Saturday and Sunday off).
    pub calendar: Option<Spanned<CalendarFile>>,
    /// The timeline rules' delays (default: the seed's).
    pub deadlines: Option<Spanned<DeadlinesFile>>,
    #[serde(default)]
    pub stage: Vec<Spanned<StageFile>>,
    #[serde(default)]
    pub option_list: Vec<Spanned<OptionListFile>>,
    #[serde(default)]
    pub closure_reason: Vec<Spanned<ClosureReasonFile>>,
    #[serde(default)]
    pub location: Vec<Spanned<LocationFile>>,
    #[serde(default)]
    pub role: Vec<Spanned<RoleFile>>,
    pub case_type: Option<Spanned<CaseTypeFile>>,
    #[serde(default)]
    pub section: Vec<Spanned<SectionFile>>,
    /// The workflow's transitions between the file's case type's stages.
    #[serde(default)]
    pub transition: Vec<Spanned<TransitionFile>>,
}

/// A move of a case from one stage to another, and what it needs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionFile {
    /// The stages it leaves from, or `["*"]`: every stage that is not terminal.
    pub from: Vec<String>,
    pub to: String,
    pub label: Text,
    /// A reason must be given (reopening, transfer).
    #[serde(default)]
    pub reason: bool,
    /// The survivor's own decision (GBV): allowed whatever the plan's completion, and recorded
    /// as theirs.
    #[serde(default)]
    pub survivor_decision: bool,
    /// Fields that must hold a value (a yes/no field: yes); `group.member` for a member of
    /// any item of a repeating group.
    #[serde(default)]
    pub require: Vec<String>,
    /// Fields (or `group.member`) that must hold one of the given option ids.
    #[serde(default)]
    pub require_value: BTreeMap<String, Vec<String>>,
    /// The newest version of the care plan must be approved by the supervisor.
    #[serde(default)]
    pub approved_care_plan: bool,
    /// An inter-agency panel must endorse the move (a recorded decision).
    #[serde(default)]
    pub panel_review: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceFile {
    /// The version number to start from when an instance is first configured from these files
    /// (default 1); afterwards the instance numbers its configuration versions itself.
    pub version: Option<u32>,
    pub default_language: String,
    pub languages: Vec<String>,
    #[serde(default)]
    pub right_to_left: Vec<String>,
    /// Lower bounds of the age groups report dimensions store (default `[0, 6, 12, 18, 60]`).
    pub age_bands: Option<Vec<u32>>,
    /// The smallest count an aggregate report shows (default 5); smaller ones are suppressed.
    pub minimum_cell_count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageFile {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub terminal: bool,
    /// How long a case may stay in this stage; none: as long as it takes.
    pub limit: Option<Spanned<StageLimitFile>>,
    /// Contacts are expected at the follow-up interval while a case is in this stage.
    #[serde(default)]
    pub follow_up: bool,
    /// The case type's periodic review falls due while a case is in this stage, counted from
    /// when it entered it.
    #[serde(default)]
    pub review: bool,
}

/// `limit = { emergency_hours = 48, working_days = 5 }` on a stage.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageLimitFile {
    pub working_days: Option<u32>,
    /// Calendar days; not with `working_days`.
    pub days: Option<u32>,
    /// Clock hours for an emergency case (other cases: `working_days` or `days`).
    pub emergency_hours: Option<u32>,
}

/// `[calendar]`: the days on which no work is done.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    /// Lower-case English day names, e.g. `["saturday", "sunday"]`.
    pub weekend: Option<Vec<Spanned<String>>>,
    /// ISO dates, e.g. `["2026-12-25"]`.
    #[serde(default)]
    pub holidays: Vec<Spanned<String>>,
}

/// `[deadlines]`: the delays of the timeline rules; each defaults to the seed's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesFile {
    pub follow_up_days: Option<u32>,
    pub approval_working_days: Option<u32>,
    pub transfer_acknowledgement_working_days: Option<u32>,
    pub escalate_after_working_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionListFile {
    pub id: String,
    #[serde(default)]
    pub label: Text,
    #[serde(default)]
    pub option: Vec<Spanned<OptionFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionFile {
    pub id: String,
    pub label: Text,
    /// Offered no longer for new entries; values already recorded keep it.
    #[serde(default)]
    pub retired: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureReasonFile {
    pub id: String,
    pub label: Text,
}

/// A custom role: a named permission set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleFile {
    pub id: String,
    pub label: Text,
    pub permissions: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationFile {
    pub code: String,
    pub name: Text,
    pub level: String,
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseTypeFile {
    pub id: String,
    pub code: String,
    pub name: Text,
    pub domain: String,
    pub default_intensity: i64,
    pub recommended_caseload: u32,
    pub maximum_caseload: u32,
    pub review_frequency_days: u32,
    pub stages: Vec<String>,
    /// The option list a care plan's interventions take their type from (none: no
    /// structured care plan).
    pub intervention_types: Option<String>,
    /// A yes/no report dimension that marks emergency cases (their stage limits are in clock
    /// hours).
    pub emergency_field: Option<String>,
    /// Days between follow-up contacts for this type (default: the instance's).
    pub follow_up_days: Option<u32>,
}

/// `show_when = { field = "has_disability", values = ["yes"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowWhenFile {
    pub field: String,
    /// Option ids of a select field, or `yes` / `no` for a yes/no field.
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFile {
    pub id: String,
    pub label: Text,
    pub stage: Option<String>,
    #[serde(default)]
    pub field: Vec<Spanned<FieldFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldFile {
    pub id: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub label: Text,
    #[serde(default)]
    pub help: Text,
    #[serde(default)]
    pub required: bool,
    /// Required: a field's sensitivity is always declared, never defaulted.
    pub classification: String,
    #[serde(default)]
    pub report_dimension: bool,
    /// How a report dimension is stored: `value`, `month`, `year` or `age_group` (default:
    /// `month` for dates, `value` otherwise).
    pub report_as: Option<String>,
    /// Cases can be found by this field's words through a keyed blind index (the database
    /// never holds the words).
    #[serde(default)]
    pub searchable: bool,
    /// Hidden from new entry; the values already recorded are kept and readable. A field is
    /// retired rather than deleted while cases exist that may hold it.
    #[serde(default)]
    pub retired: bool,
    /// Skip logic: ask this field only when another field of the form (a sibling member,
    /// inside a repeating group) holds one of the given answers.
    pub show_when: Option<ShowWhenFile>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub pattern: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: Option<bool>,
    pub not_in_future: Option<bool>,
    pub option_list: Option<String>,
    pub max_choices: Option<u32>,
    pub min_level: Option<String>,
    pub min_items: Option<u32>,
    pub max_items: Option<u32>,
    /// The fields of a repeating group.
    #[serde(default)]
    pub field: Vec<Spanned<FieldFile>>,
}
