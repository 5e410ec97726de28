//! Anonymised aggregate reports: counts of cases along one or two axes (case type, stage,
//! month opened, or a report dimension such as sex, age group or district), built from the
//! running tallies the store keeps, with small cells suppressed ([`suppression`]). A report
//! never names a case; its smallest shown count is the configuration's minimum cell count.

pub mod suppression;

use crate::config::{CaseType, Configuration, Field, FieldKind, ReportAs};
use std::collections::{BTreeMap, BTreeSet};
pub use suppression::{Shown, SuppressedTable, suppress};

/// The tally field that counts the cases themselves, not a dimension's values.
pub const CASES: &str = "";

/// One running tally: how many cases of a type, in a stage, opened in a month (`2026-11`),
/// hold one value of one report dimension (or, under [`CASES`], how many there are).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tally {
    pub case_type: String,
    pub stage: String,
    pub opened_month: String,
    pub field: String,
    pub value: String,
    pub cases: i64,
}

/// What a report counts along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Axis {
    CaseType,
    Stage,
    /// The month a case was opened in.
    OpenedMonth,
    /// Each case type's first dimension stored as an age group (`age`, `estimated_age`).
    AgeGroup,
    /// A report dimension by its field id (`sex`, `current_location`, `incident_type`).
    Field(String),
}

impl Axis {
    /// The axis a report names: `case_type`, `stage`, `opened_month`, `age_group`, or the id
    /// of a field some case type declares as a report dimension.
    pub fn parse(name: &str, config: &Configuration) -> Option<Self> {
        match name {
            "case_type" => Some(Self::CaseType),
            "stage" => Some(Self::Stage),
            "opened_month" => Some(Self::OpenedMonth),
            "age_group" => Some(Self::AgeGroup),
            field => config
                .case_types
                .iter()
                .any(|t| dimension(t, field).is_some())
                .then(|| Self::Field(field.to_owned())),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::CaseType => "case_type",
            Self::Stage => "stage",
            Self::OpenedMonth => "opened_month",
            Self::AgeGroup => "age_group",
            Self::Field(id) => id,
        }
    }

    /// The field this axis reads in a case type; `None` for the case's own attributes, or
    /// where the type has no such dimension.
    fn field_of<'a>(&self, case_type: &'a CaseType) -> Option<&'a Field> {
        match self {
            Self::AgeGroup => case_type
                .form
                .fields()
                .map(|(_, f)| f)
                .find(|f| f.report_dimension == Some(ReportAs::AgeGroup)),
            Self::Field(id) => dimension(case_type, id),
            _ => None,
        }
    }

    fn is_field(&self) -> bool {
        matches!(self, Self::AgeGroup | Self::Field(_))
    }
}

fn dimension<'a>(case_type: &'a CaseType, id: &str) -> Option<&'a Field> {
    case_type
        .form
        .field(id)
        .filter(|f| f.report_dimension.is_some())
}

/// Which cases a report counts by their stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not in a terminal stage.
    Open,
    /// In a terminal stage (closed, transferred).
    Closed,
    All,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    /// Whether a case in `stage` is counted (`terminal`: the configuration's terminal stages).
    fn admits(self, stage: &str, terminal: &BTreeSet<String>) -> bool {
        match self {
            Self::Open => !terminal.contains(stage),
            Self::Closed => terminal.contains(stage),
            Self::All => true,
        }
    }
}

/// A month as reports store it: `YYYY-MM`, compared as text.
pub fn is_month(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit())
        && matches!(
            &text[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// What to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub rows: Axis,
    /// `None`: one column of counts.
    pub columns: Option<Axis>,
    /// Empty: every case type.
    pub case_types: Vec<String>,
    pub status: Status,
    /// Months opened, inclusive (`YYYY-MM`).
    pub opened_from: Option<String>,
    pub opened_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("rows and columns cannot be the same axis")]
    SameAxis,
    #[error("a report crosses at most one case field with case type, stage or month opened")]
    TwoFields,
    #[error("no case type of the report has the field `{0}` as a report dimension")]
    NoCaseType(String),
}

/// A row's or a column's key: a case type, stage, month or dimension value; `None` is the
/// cases with no value recorded for the report's field.
pub type Key = Option<String>;

/// A report: its rows and columns (one column, keyed `None`, when the request has none) and
/// the suppressed table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub rows: Vec<Key>,
    pub columns: Vec<Key>,
    pub table: SuppressedTable,
    /// The case types counted (those with the report's field, when it has one).
    pub case_types: Vec<String>,
    /// A case may be counted under several values of the field (a multiple choice): the
    /// totals then count mentions, not cases.
    pub multiple: bool,
}

/// The dimension fields whose tallies `request` needs (besides [`CASES`]).
pub fn fields_needed(config: &Configuration, request: &ReportRequest) -> Vec<String> {
    let axis = field_axis(request);
    let fields: BTreeSet<String> = config
        .case_types
        .iter()
        .filter_map(|t| axis.and_then(|a| a.field_of(t)).map(|f| f.id.clone()))
        .collect();
    fields.into_iter().collect()
}

/// Whether `request` needs the tallies month by month (it counts along the month opened, or
/// between months); otherwise the store may add the months together.
pub fn needs_months(request: &ReportRequest) -> bool {
    request.opened_from.is_some()
        || request.opened_to.is_some()
        || request.rows == Axis::OpenedMonth
        || request.columns == Some(Axis::OpenedMonth)
}

fn field_axis(request: &ReportRequest) -> Option<&Axis> {
    std::iter::once(&request.rows)
        .chain(request.columns.as_ref())
        .find(|a| a.is_field())
}

/// Count `tallies` as `request` asks and suppress cells below `minimum`.
pub fn build(
    config: &Configuration,
    request: &ReportRequest,
    tallies: &[Tally],
    minimum: u64,
) -> Result<Report, ReportError> {
    if request.columns.as_ref() == Some(&request.rows) {
        return Err(ReportError::SameAxis);
    }
    if request.rows.is_field() && request.columns.as_ref().is_some_and(Axis::is_field) {
        return Err(ReportError::TwoFields);
    }
    let field_axis = field_axis(request);
    let terminal: BTreeSet<String> = config.terminal_stages();
    let counted_stage = |stage: &str| request.status.admits(stage, &terminal);
    let in_scope = |t: &Tally| {
        counted_stage(&t.stage)
            && request
                .opened_from
                .as_ref()
                .is_none_or(|m| &t.opened_month >= m)
            && request
                .opened_to
                .as_ref()
                .is_none_or(|m| &t.opened_month <= m)
    };
    // The case types counted, each with the field the report reads in it.
    let mut types: BTreeMap<&str, Option<&Field>> = BTreeMap::new();
    for case_type in &config.case_types {
        if !request.case_types.is_empty() && !request.case_types.contains(&case_type.id) {
            continue;
        }
        match field_axis {
            None => {
                types.insert(&case_type.id, None);
            }
            Some(axis) => {
                if let Some(field) = axis.field_of(case_type) {
                    types.insert(&case_type.id, Some(field));
                }
            }
        }
    }
    if let (Some(axis), true) = (field_axis, types.is_empty()) {
        return Err(ReportError::NoCaseType(axis.name().to_owned()));
    }
    let multiple = types
        .values()
        .flatten()
        .any(|f| matches!(f.kind, FieldKind::MultiSelect { .. }));

    // Counts by (row key, column key).
    let mut counts: BTreeMap<(Key, Key), i64> = BTreeMap::new();
    let key = |axis: &Axis, t: &Tally| -> Key {
        Some(match axis {
            Axis::CaseType => t.case_type.clone(),
            Axis::Stage => t.stage.clone(),
            Axis::OpenedMonth => t.opened_month.clone(),
            Axis::AgeGroup | Axis::Field(_) => t.value.clone(),
        })
    };
    let mut add = |t: &Tally, field_key: Option<Key>| {
        let row = match (&request.rows, &field_key) {
            (axis, Some(k)) if axis.is_field() => k.clone(),
            (axis, _) => key(axis, t),
        };
        let column = match (&request.columns, &field_key) {
            (None, _) => None,
            (Some(axis), Some(k)) if axis.is_field() => k.clone(),
            (Some(axis), _) => key(axis, t),
        };
        *counts.entry((row, column)).or_default() += t.cases;
    };
    // Per (type, stage, month): the cases, and the cases with a value of the field.
    let mut recorded: BTreeMap<(&str, &str, &str), i64> = BTreeMap::new();
    for t in tallies.iter().filter(|t| in_scope(t)) {
        let Some(field) = types.get(t.case_type.as_str()) else {
            continue;
        };
        match field {
            None if t.field == CASES => add(t, None),
            Some(f) if t.field == f.id => {
                add(t, Some(Some(t.value.clone())));
                *recorded
                    .entry((&t.case_type, &t.stage, &t.opened_month))
                    .or_default() += t.cases;
            }
            _ => {}
        }
    }
    if field_axis.is_some() && !multiple {
        for t in tallies.iter().filter(|t| in_scope(t) && t.field == CASES) {
            if !types.contains_key(t.case_type.as_str()) {
                continue;
            }
            let with_value = recorded
                .get(&(
                    t.case_type.as_str(),
                    t.stage.as_str(),
                    t.opened_month.as_str(),
                ))
                .copied()
                .unwrap_or(0);
            let without = Tally {
                cases: (t.cases - with_value).max(0),
                ..t.clone()
            };
            add(&without, Some(None));
        }
    }

    let seen = |column: bool| -> BTreeSet<Key> {
        counts
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((r, c), _)| if column { c.clone() } else { r.clone() })
            .collect()
    };
    let rows = keys(config, &request.rows, &types, &counted_stage, seen(false));
    let columns = match &request.columns {
        None => vec![None],
        Some(axis) => keys(config, axis, &types, &counted_stage, seen(true)),
    };
    let grid: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| {
                    let n = counts.get(&(r.clone(), c.clone())).copied().unwrap_or(0);
                    u64::try_from(n).unwrap_or(0)
                })
                .collect()
        })
        .collect();
    Ok(Report {
        table: suppress(&grid, minimum),
        rows,
        columns,
        case_types: types.keys().map(|t| (*t).to_owned()).collect(),
        multiple,
    })
}

/// An axis's keys in the order a reader expects: the configuration's (case types, stages,
/// options, age groups) with every category shown even at zero, then any other value seen
/// (sorted; months made consecutive), then "not recorded".
fn keys(
    config: &Configuration,
    axis: &Axis,
    types: &BTreeMap<&str, Option<&Field>>,
    counted_stage: &dyn Fn(&str) -> bool,
    seen: BTreeSet<Key>,
) -> Vec<Key> {
    let mut known: Vec<String> = match axis {
        Axis::CaseType => types.keys().map(|t| (*t).to_owned()).collect(),
        Axis::Stage => config
            .stages
            .iter()
            .filter(|s| counted_stage(&s.id))
            .filter(|s| {
                config
                    .case_types
                    .iter()
                    .any(|t| types.contains_key(t.id.as_str()) && t.stages.contains(&s.id))
            })
            .map(|s| s.id.clone())
            .collect(),
        Axis::OpenedMonth => consecutive_months(seen.iter().flatten()),
        Axis::AgeGroup => config
            .age_bands
            .lower_bounds()
            .iter()
            .map(|&lower| config.age_bands.group(lower))
            .collect(),
        Axis::Field(_) => {
            let mut known = Vec::new();
            for field in types.values().flatten() {
                let options: Vec<String> = match &field.kind {
                    FieldKind::SingleSelect { option_list }
                    | FieldKind::MultiSelect { option_list, .. } => config
                        .option_lists
                        .get(option_list)
                        .map(|l| l.options.iter().map(|o| o.id.clone()).collect())
                        .unwrap_or_default(),
                    FieldKind::YesNo => vec!["yes".into(), "no".into()],
                    _ => Vec::new(),
                };
                for option in options {
                    if !known.contains(&option) {
                        known.push(option);
                    }
                }
            }
            known
        }
    };
    let mut others: Vec<String> = seen
        .iter()
        .flatten()
        .filter(|k| !known.contains(k))
        .cloned()
        .collect();
    others.sort();
    known.extend(others);
    let mut keys: Vec<Key> = known.into_iter().map(Some).collect();
    if seen.contains(&None) {
        keys.push(None);
    }
    keys
}

/// Every month from the first to the last of `months`, so that a trend shows its empty months.
fn consecutive_months<'a>(months: impl Iterator<Item = &'a String>) -> Vec<String> {
    let parsed: BTreeSet<(i32, u32)> = months
        .filter(|m| is_month(m))
        .filter_map(|m| Some((m[..4].parse().ok()?, m[5..].parse().ok()?)))
        .collect();
    let (Some(&first), Some(&last)) = (parsed.first(), parsed.last()) else {
        return Vec::new();
    };
    let mut all = Vec::new();
    let (mut year, mut month) = first;
    while (year, month) <= last {
        all.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    all
}
