//! What a new configuration must respect of the cases already recorded under the active one:
//! no case type, stage, field or option that cases may hold disappears (a field or option is
//! retired instead), no field changes type under existing values; and which case types'
//! clear-text data (report dimensions, search tokens) must be recomputed because a field's
//! classification, dimension or search flag changed. Judged from case counts alone: the server
//! cannot see which values a sealed case holds, so a case type with cases keeps every field.

use super::error::ConfigError;
use super::model::{CaseType, Configuration, Field, FieldKind, ReportAs};
use std::collections::{BTreeMap, BTreeSet};

/// How many cases each case type has at each stage (counts, never content).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub cases: BTreeMap<(String, String), u64>,
}

impl Usage {
    pub fn of_type(&self, case_type: &str) -> u64 {
        self.cases
            .iter()
            .filter(|((t, _), _)| t == case_type)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn at_stage(&self, case_type: &str, stage: &str) -> u64 {
        self.cases
            .get(&(case_type.to_string(), stage.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// The verdict on replacing `before` by `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evolution {
    /// Why the change cannot be applied; empty: it can.
    pub errors: Vec<ConfigError>,
    /// Case types (with cases) whose report dimensions and search tokens must be recomputed.
    pub reindex: BTreeSet<String>,
}

fn refuse(key: String, problem: String) -> ConfigError {
    ConfigError {
        file: "(change)".into(),
        line: None,
        key,
        problem,
    }
}

fn cases(n: u64) -> String {
    if n == 1 {
        "1 case".into()
    } else {
        format!("{n} cases")
    }
}

/// Check `after` against `before` and the cases recorded.
pub fn check_evolution(before: &Configuration, after: &Configuration, usage: &Usage) -> Evolution {
    let mut evolution = Evolution::default();
    let age_bands_changed = before.age_bands != after.age_bands;
    for old in &before.case_types {
        let n = usage.of_type(&old.id);
        if n == 0 {
            continue;
        }
        let Some(new) = after.case_type(&old.id) else {
            evolution.errors.push(refuse(
                format!("case_type.{}", old.id),
                format!(
                    "case type `{}` is removed while {} of it exist",
                    old.id,
                    cases(n)
                ),
            ));
            continue;
        };
        for stage in &old.stages {
            let at = usage.at_stage(&old.id, stage);
            if at > 0 && !new.stages.contains(stage) {
                evolution.errors.push(refuse(
                    format!("case_type.{}.stages", old.id),
                    format!(
                        "stage `{stage}` is taken from case type `{}` while {} are at it",
                        old.id,
                        cases(at)
                    ),
                ));
            }
        }
        let old_fields = fields(old);
        let new_fields = fields(new);
        for (path, field) in &old_fields {
            let key = format!("case_type.{}.field.{path}", old.id);
            match new_fields.get(path) {
                None => evolution.errors.push(refuse(
                    key,
                    format!(
                        "field `{path}` is deleted while {} of type `{}` may hold it: retire it \
                         instead (retired = true)",
                        cases(n),
                        old.id
                    ),
                )),
                Some(now) if now.kind.type_name() != field.kind.type_name() => {
                    evolution.errors.push(refuse(
                        key,
                        format!(
                            "field `{path}` changes type from {} to {} while {} of type `{}` may \
                             hold values of the old type: retire it and add a new field",
                            field.kind.type_name(),
                            now.kind.type_name(),
                            cases(n),
                            old.id
                        ),
                    ))
                }
                Some(now) => {
                    let ages = age_bands_changed
                        && now.report_dimension == Some(ReportAs::AgeGroup)
                        && field.report_dimension == Some(ReportAs::AgeGroup);
                    if ages
                        || now.classification != field.classification
                        || now.report_dimension != field.report_dimension
                        || now.searchable != field.searchable
                    {
                        evolution.reindex.insert(old.id.clone());
                    }
                    removed_options(before, after, &old.id, n, path, field, now, &mut evolution);
                }
            }
        }
        if old.emergency_field != new.emergency_field {
            evolution.reindex.insert(old.id.clone());
        }
    }
    evolution
}

/// Options taken from the list a select field uses while cases may hold them.
#[allow(clippy::too_many_arguments)]
fn removed_options(
    before: &Configuration,
    after: &Configuration,
    case_type: &str,
    n: u64,
    path: &str,
    old: &Field,
    new: &Field,
    evolution: &mut Evolution,
) {
    let (Some(old_list), Some(new_list)) = (option_list(old), option_list(new)) else {
        return;
    };
    let (Some(old_list), Some(new_list)) = (
        before.option_lists.get(old_list),
        after.option_lists.get(new_list),
    ) else {
        return;
    };
    for option in &old_list.options {
        if !new_list.contains(&option.id) {
            let problem = format!(
                "option `{}` of list `{}` is no longer offered by field `{path}` while {} of \
                 type `{case_type}` may hold it: retire the option instead (retired = true)",
                option.id,
                old_list.id,
                cases(n)
            );
            let error = refuse(
                format!("option_list.{}.option.{}", new_list.id, option.id),
                problem,
            );
            if !evolution.errors.iter().any(|e| e.key == error.key) {
                evolution.errors.push(error);
            }
        }
    }
}

fn option_list(field: &Field) -> Option<&str> {
    match &field.kind {
        FieldKind::SingleSelect { option_list } | FieldKind::MultiSelect { option_list, .. } => {
            Some(option_list)
        }
        _ => None,
    }
}

/// Every field of a case type's form by path: `id`, or `group.member` inside a group.
fn fields(case_type: &CaseType) -> BTreeMap<String, &Field> {
    let mut out = BTreeMap::new();
    for (_, field) in case_type.form.fields() {
        out.insert(field.id.clone(), field);
        if let FieldKind::RepeatingGroup { fields, .. } = &field.kind {
            for member in fields {
                out.insert(format!("{}.{}", field.id, member.id), member);
            }
        }
    }
    out
}
