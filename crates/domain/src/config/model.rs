//! Validated configuration. Every reference inside it (stage, option list, location) has been
//! checked by the loader, so code that reads it may rely on the references resolving.

use crate::access::role::Roles;
use crate::calendar::WorkingCalendar;
use crate::deadlines::DeadlineRules;
use crate::i18n::Translations;
use regex::Regex;
use std::collections::BTreeMap;

/// The whole validated configuration of an instance.
#[derive(Debug, Clone)]
pub struct Configuration {
    /// Version of the configuration; every case records the version it was written with.
    pub version: u32,
    pub languages: Languages,
    pub stages: Vec<Stage>,
    pub option_lists: BTreeMap<String, OptionList>,
    pub closure_reasons: Vec<ClosureReason>,
    pub locations: Vec<Location>,
    pub case_types: Vec<CaseType>,
    /// The built-in roles and the custom roles declared as `[[role]]`.
    pub roles: Roles,
    /// The age groups that report dimensions store instead of an age or a date of birth.
    pub age_bands: AgeBands,
    /// The smallest count an aggregate report shows (`[instance] minimum_cell_count`, default
    /// 5): a smaller one is suppressed, with the counts that would give it away.
    pub minimum_cell_count: u32,
    /// The working days deadlines count in (`[calendar]`).
    pub calendar: WorkingCalendar,
    /// The timeline rules (`[deadlines]`, and `limit` on stages).
    pub deadline_rules: DeadlineRules,
}

impl Configuration {
    pub fn case_type(&self, id: &str) -> Option<&CaseType> {
        self.case_types.iter().find(|t| t.id == id)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// The ids of the stages in which case management has ended (closed, transferred).
    pub fn terminal_stages<B: FromIterator<String>>(&self) -> B {
        self.stages
            .iter()
            .filter(|s| s.terminal)
            .map(|s| s.id.clone())
            .collect()
    }

    pub fn location(&self, code: &str) -> Option<&Location> {
        self.locations.iter().find(|l| l.code == code)
    }
}

#[derive(Debug, Clone)]
pub struct Languages {
    pub default: String,
    pub available: Vec<String>,
    /// Languages written right to left.
    pub right_to_left: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub label: Translations,
    /// A stage in which active case management has ended (closed, transferred).
    pub terminal: bool,
    /// Contacts are expected at the follow-up interval while a case is in this stage.
    pub follow_up: bool,
    /// The case type's periodic review falls due while a case is in this stage, counted from
    /// when it entered it.
    pub review: bool,
}

#[derive(Debug, Clone)]
pub struct OptionList {
    pub id: String,
    pub label: Translations,
    pub options: Vec<OptionItem>,
}

impl OptionList {
    pub fn contains(&self, id: &str) -> bool {
        self.options.iter().any(|o| o.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct OptionItem {
    pub id: String,
    pub label: Translations,
    /// Offered no longer for new entries; recorded values keep it.
    pub retired: bool,
}

#[derive(Debug, Clone)]
pub struct ClosureReason {
    pub id: String,
    pub label: Translations,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LocationLevel {
    Region,
    District,
    Village,
}

impl LocationLevel {
    pub const ALL: [LocationLevel; 3] = [Self::Region, Self::District, Self::Village];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::District => "district",
            Self::Village => "village",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct Location {
    pub code: String,
    pub name: Translations,
    pub level: LocationLevel,
    pub parent: Option<String>,
}

/// The ten OpenSPP case management domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseDomain {
    SocialProtection,
    ChildProtection,
    GenderBasedViolence,
    Disability,
    Elderly,
    Livelihoods,
    Agriculture,
    Health,
    Education,
    Other,
}

impl CaseDomain {
    pub const ALL: [CaseDomain; 10] = [
        Self::SocialProtection,
        Self::ChildProtection,
        Self::GenderBasedViolence,
        Self::Disability,
        Self::Elderly,
        Self::Livelihoods,
        Self::Agriculture,
        Self::Health,
        Self::Education,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SocialProtection => "social_protection",
            Self::ChildProtection => "child_protection",
            Self::GenderBasedViolence => "gbv",
            Self::Disability => "disability",
            Self::Elderly => "elderly",
            Self::Livelihoods => "livelihoods",
            Self::Agriculture => "agriculture",
            Self::Health => "health",
            Self::Education => "education",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }
}

/// Case intensity, which weighs a case in a worker's caseload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Intensity {
    Low = 1,
    Medium = 2,
    High = 3,
}

impl Intensity {
    pub fn from_level(level: i64) -> Option<Self> {
        match level {
            1 => Some(Self::Low),
            2 => Some(Self::Medium),
            3 => Some(Self::High),
            _ => None,
        }
    }

    pub fn level(self) -> u8 {
        self as u8
    }
}

#[derive(Debug, Clone)]
pub struct CaseType {
    /// Stable snake_case id, e.g. `child_protection`.
    pub id: String,
    /// Short upper-case code used in case numbers, e.g. `CP`.
    pub code: String,
    pub name: Translations,
    pub domain: CaseDomain,
    pub default_intensity: Intensity,
    pub recommended_caseload: u32,
    pub maximum_caseload: u32,
    pub review_frequency_days: u32,
    /// Stage ids available to this case type, the first being where a new case starts.
    pub stages: Vec<String>,
    pub form: Form,
    /// The moves between stages the workflow allows, with their guards.
    pub transitions: Vec<Transition>,
    /// The option list a care plan's interventions take their type from; `None`: the type
    /// keeps no structured care plan.
    pub intervention_types: Option<String>,
    /// The yes/no report dimension that marks emergency cases.
    pub emergency_field: Option<String>,
    /// Days between follow-up contacts for this type; `None`: the instance's
    /// (`[deadlines] follow_up_days`).
    pub follow_up_days: Option<u32>,
}

/// A move of a case between two stages, and what it needs (`workflow::check_transition`).
#[derive(Debug, Clone)]
pub struct Transition {
    /// The stages it leaves from (`*` in the file: every stage of the type that is not
    /// terminal, `to` excepted).
    pub from: Vec<String>,
    pub to: String,
    pub label: Translations,
    /// A reason must be given.
    pub reason: bool,
    /// The survivor's decision: allowed whatever the plan's completion (the stage being left
    /// need not be complete), and recorded as theirs.
    pub survivor_decision: bool,
    /// Values that must be present (a yes/no: yes).
    pub require: Vec<FieldPath>,
    /// Values that must be one of these option ids.
    pub require_value: Vec<(FieldPath, Vec<String>)>,
    /// The newest version of the case's care plan must be approved by the supervisor.
    pub approved_care_plan: bool,
    /// An inter-agency panel must endorse the move (a recorded decision, since the case
    /// entered the stage it leaves).
    pub panel_review: bool,
}

/// A top-level field, or a member of a repeating group's items (`group.member`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub field: String,
    pub member: Option<String>,
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.member {
            Some(member) => write!(f, "{}.{member}", self.field),
            None => f.write_str(&self.field),
        }
    }
}

impl CaseType {
    pub fn initial_stage(&self) -> &str {
        &self.stages[0]
    }
}

/// The form of a case type: sections of fields, each section optionally tied to a stage.
#[derive(Debug, Clone)]
pub struct Form {
    pub sections: Vec<Section>,
    /// Where each top-level field is (section, place in it), by id: every read of a case looks
    /// up each of its fields, and a scan of the form for each made that quadratic. Hashed with
    /// foldhash, not the standard library's SipHash (about 45 lookups a read of a case had
    /// SipHash at 1.6 % of the read's instructions; 2 % fewer in all with foldhash): the keys
    /// are the configuration's own ids, so no request can choose them to collide.
    /// With each place, the field's position in [`Form::fields`]' order.
    places: std::collections::HashMap<String, (usize, usize, usize), foldhash::fast::RandomState>,
}

impl Form {
    pub fn new(sections: Vec<Section>) -> Self {
        let mut places = std::collections::HashMap::default();
        let mut position = 0;
        for (s, section) in sections.iter().enumerate() {
            for (f, field) in section.fields.iter().enumerate() {
                places.entry(field.id.clone()).or_insert((s, f, position));
                position += 1;
            }
        }
        Self { sections, places }
    }

    fn place(&self, id: &str) -> Option<(&Section, &Field)> {
        let &(s, f, _) = self.places.get(id)?;
        let section = &self.sections[s];
        Some((section, &section.fields[f]))
    }

    /// How many top-level fields the form has.
    pub fn field_count(&self) -> usize {
        self.sections.iter().map(|s| s.fields.len()).sum()
    }

    /// Where the top-level field `id` comes in [`Form::fields`]' order.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.places.get(id).map(|&(_, _, position)| position)
    }

    /// Every top-level field of the form, in order.
    pub fn fields(&self) -> impl Iterator<Item = (&Section, &Field)> {
        self.sections
            .iter()
            .flat_map(|s| s.fields.iter().map(move |f| (s, f)))
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.place(id).map(|(_, f)| f)
    }

    /// The section holding a top-level field.
    pub fn section_of(&self, field_id: &str) -> Option<&Section> {
        self.place(field_id).map(|(s, _)| s)
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub label: Translations,
    /// The stage at which this section is collected; `None` means at every stage.
    pub stage: Option<String>,
    pub fields: Vec<Field>,
}

/// Who may see a field's value (DESIGN.md, field classification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Classification {
    /// Anyone with access to the case.
    Standard,
    /// The assigned worker and users with an explicit field grant.
    Restricted,
    /// The assigned worker only, whatever other permission a user holds.
    Confidential,
}

impl Classification {
    pub const ALL: [Classification; 3] = [Self::Standard, Self::Restricted, Self::Confidential];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Restricted => "restricted",
            Self::Confidential => "confidential",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Stable snake_case id; the key of the value in a case document.
    pub id: String,
    pub label: Translations,
    pub help: Translations,
    pub required: bool,
    pub classification: Classification,
    /// Declared as a report dimension: stored in plaintext, in the form given, beside the
    /// sealed content, for aggregates. `None`: sealed with the rest of the case.
    pub report_dimension: Option<ReportAs>,
    /// Cases can be found by this field's words (keyed blind index; short text, top level).
    pub searchable: bool,
    /// Hidden from new entry (it takes no new value); recorded values are kept and readable.
    pub retired: bool,
    /// Skip logic: the field is asked only when this condition holds.
    pub show_when: Option<ShowWhen>,
    pub kind: FieldKind,
}

/// Ask a field only when another one (top level, or a sibling member inside a repeating
/// group) holds one of `values`: option ids, or `yes` / `no`. The loader has checked that the
/// other field exists, can hold these values, and that no chain of conditions loops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowWhen {
    pub field: String,
    pub values: Vec<String>,
}

/// A compiled regular expression that keeps its source text.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub regex: Regex,
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    ShortText {
        min_length: Option<u32>,
        max_length: u32,
        pattern: Option<Pattern>,
    },
    LongText {
        min_length: Option<u32>,
        max_length: u32,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    Date {
        not_in_future: bool,
    },
    DateTime {
        not_in_future: bool,
    },
    YesNo,
    SingleSelect {
        option_list: String,
    },
    MultiSelect {
        option_list: String,
        max_choices: Option<u32>,
    },
    Location {
        /// The most specific level the value must reach, e.g. district.
        min_level: LocationLevel,
    },
    RepeatingGroup {
        fields: Vec<Field>,
        min_items: u32,
        max_items: u32,
    },
}

impl FieldKind {
    /// The type name used in configuration files and the API.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ShortText { .. } => "short_text",
            Self::LongText { .. } => "long_text",
            Self::Number { .. } => "number",
            Self::Date { .. } => "date",
            Self::DateTime { .. } => "date_time",
            Self::YesNo => "yes_no",
            Self::SingleSelect { .. } => "single_select",
            Self::MultiSelect { .. } => "multi_select",
            Self::Location { .. } => "location",
            Self::RepeatingGroup { .. } => "repeating_group",
        }
    }
}

/// Default maximum lengths when a file does not say.
pub const DEFAULT_SHORT_TEXT_MAX: u32 = 200;
pub const DEFAULT_LONG_TEXT_MAX: u32 = 10_000;
pub const DEFAULT_GROUP_MAX_ITEMS: u32 = 50;

/// The form in which a report dimension's value is stored in plaintext: the least that a
/// report needs, never an identifying value (an age group rather than a date of birth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAs {
    /// The value itself: an option, yes or no, a location code, a number.
    Value,
    /// A date's year and month (`2026-11`).
    Month,
    /// A date's year (`2026`).
    Year,
    /// The age group (`12-17`) of an age in years, or of a date of birth on the day the case
    /// is written.
    AgeGroup,
}

impl ReportAs {
    pub const ALL: [ReportAs; 4] = [Self::Value, Self::Month, Self::Year, Self::AgeGroup];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Value => "value",
            Self::Month => "month",
            Self::Year => "year",
            Self::AgeGroup => "age_group",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// Age groups as their lower bounds in years, strictly increasing from 0: `[0, 6, 12, 18]`
/// makes `0-5`, `6-11`, `12-17` and `18+`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBands(Vec<u32>);

/// The smallest count an aggregate report shows unless `[instance]` says otherwise.
pub const DEFAULT_MINIMUM_CELL_COUNT: u32 = 5;

impl AgeBands {
    /// The bands of the child protection minimum standards' reporting, with adults split at 60.
    pub const DEFAULT: [u32; 5] = [0, 6, 12, 18, 60];

    /// `None` unless the bounds start at 0 and strictly increase.
    pub fn new(lower_bounds: Vec<u32>) -> Option<Self> {
        let starts_at_zero = lower_bounds.first() == Some(&0);
        let increasing = lower_bounds.windows(2).all(|w| w[0] < w[1]);
        (starts_at_zero && increasing).then_some(Self(lower_bounds))
    }

    pub fn lower_bounds(&self) -> &[u32] {
        &self.0
    }

    /// The label of the group an age falls in.
    pub fn group(&self, age: u32) -> String {
        let i = self.0.partition_point(|&lower| lower <= age) - 1;
        match self.0.get(i + 1) {
            Some(next) => format!("{}-{}", self.0[i], next - 1),
            None => format!("{}+", self.0[i]),
        }
    }
}

impl Default for AgeBands {
    fn default() -> Self {
        Self(Self::DEFAULT.to_vec())
    }
}
