//! A new configuration against the cases recorded under the active one: what may not
//! disappear, and which case types' clear-text data a change makes stale.

mod common;

use caseward_domain::config::{Configuration, SourceFile, Usage, check_evolution, load};

/// The shipped configuration with one file's text edited.
fn edited(file: &str, from: &str, to: &str) -> Configuration {
    let mut sources = common::default_sources();
    let source: &mut SourceFile = sources.iter_mut().find(|s| s.name.ends_with(file)).unwrap();
    assert!(source.text.contains(from), "{file} holds {from:?}");
    source.text = source.text.replacen(from, to, 1);
    load(&sources).unwrap_or_else(|e| panic!("{e}"))
}

fn gbv_cases(n: u64) -> Usage {
    let mut usage = Usage::default();
    usage.cases.insert(("gbv".into(), "assessment".into()), n);
    usage
}

const MARITAL: &str = "[[section.field]]\nid = \"marital_status\"\ntype = \"single_select\"\nlabel = { en = \"Marital status\", fr = \"Situation matrimoniale\", ar = \"الحالة الاجتماعية\" }\noption_list = \"marital_status\"\nclassification = \"standard\"\n";

fn problems(before: &Configuration, after: &Configuration, usage: &Usage) -> Vec<String> {
    check_evolution(before, after, usage)
        .errors
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_field_with_cases_is_retired_not_deleted() {
    let before = common::default_config();
    let deleted = edited("case_types/gbv.toml", MARITAL, "");
    assert_eq!(
        problems(&before, &deleted, &gbv_cases(3)),
        vec![
            "(change): case_type.gbv.field.marital_status: field `marital_status` is deleted \
             while 3 cases of type `gbv` may hold it: retire it instead (retired = true)"
        ]
    );
    // Without cases of the type, the field may go.
    assert!(problems(&before, &deleted, &Usage::default()).is_empty());
    let retired = edited(
        "case_types/gbv.toml",
        MARITAL,
        &format!("{MARITAL}retired = true\n"),
    );
    assert!(problems(&before, &retired, &gbv_cases(3)).is_empty());
    let field = retired
        .case_type("gbv")
        .unwrap()
        .form
        .field("marital_status");
    assert!(field.unwrap().retired);
}

#[test]
fn a_field_does_not_change_type_under_existing_values() {
    let before = common::default_config();
    let after = edited(
        "case_types/gbv.toml",
        MARITAL,
        "[[section.field]]\nid = \"marital_status\"\ntype = \"short_text\"\nlabel = { en = \"Marital status\" }\nclassification = \"standard\"\n",
    );
    let found = problems(&before, &after, &gbv_cases(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("changes type from single_select to short_text while 1 case"),
        "{found:?}"
    );
}

#[test]
fn an_option_cases_may_hold_is_retired_not_removed() {
    let before = common::default_config();
    let option = "[[option_list.option]]\nid = \"living_with_partner\"\nlabel = { en = \"Living with a partner\", fr = \"En concubinage\", ar = \"يعيش/تعيش مع شريك\" }\n";
    let removed = edited("option_lists/gbv.toml", option, "");
    let found = problems(&before, &removed, &gbv_cases(2));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("option `living_with_partner` of list `marital_status`"));
    let retired = edited(
        "option_lists/gbv.toml",
        option,
        &format!("{option}retired = true\n"),
    );
    assert!(problems(&before, &retired, &gbv_cases(2)).is_empty());
}

#[test]
fn a_stage_with_cases_at_it_stays_in_its_case_type() {
    let before = common::default_config();
    let mut after = before.clone();
    let gbv = after.case_types.iter_mut().find(|t| t.id == "gbv").unwrap();
    gbv.stages.retain(|s| s != "referral_only");
    let mut usage = gbv_cases(1);
    assert!(
        problems(&before, &after, &usage).is_empty(),
        "no case is at referral_only"
    );
    usage
        .cases
        .insert(("gbv".into(), "referral_only".into()), 4);
    assert_eq!(
        problems(&before, &after, &usage),
        vec![
            "(change): case_type.gbv.stages: stage `referral_only` is taken from case type `gbv` \
             while 4 cases are at it"
        ]
    );
}

#[test]
fn a_classification_or_dimension_change_makes_the_case_type_reindex() {
    let before = common::default_config();
    let confidential = edited(
        "case_types/gbv.toml",
        "option_list = \"marital_status\"\nclassification = \"standard\"",
        "option_list = \"marital_status\"\nclassification = \"confidential\"",
    );
    let evolution = check_evolution(&before, &confidential, &gbv_cases(5));
    assert!(evolution.errors.is_empty());
    assert_eq!(
        evolution.reindex.into_iter().collect::<Vec<_>>(),
        vec!["gbv"]
    );
    // A label change needs nothing recomputed; nor does any change without cases.
    let relabelled = edited(
        "case_types/gbv.toml",
        "en = \"Marital status\"",
        "en = \"Civil status\"",
    );
    assert!(
        check_evolution(&before, &relabelled, &gbv_cases(5))
            .reindex
            .is_empty()
    );
    assert!(
        check_evolution(&before, &confidential, &Usage::default())
            .reindex
            .is_empty()
    );
}

#[test]
fn a_retired_field_cannot_be_required() {
    let mut sources = common::default_sources();
    let gbv = sources
        .iter_mut()
        .find(|s| s.name.ends_with("case_types/gbv.toml"))
        .unwrap();
    gbv.text = gbv.text.replacen(
        MARITAL,
        &format!("{MARITAL}retired = true\nrequired = true\n"),
        1,
    );
    let errors = load(&sources).unwrap_err().to_string();
    assert!(
        errors.contains("required: a retired field takes no new value, so it cannot be required"),
        "{errors}"
    );
}
