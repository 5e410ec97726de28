//! The shipped configuration in `config/` loads without a single error, and holds the three
//! case types a protection programme expects.

use caseward_domain::config::{Classification, Configuration, FieldKind, SourceFile, load};
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("config directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(SourceFile {
                name: path.strip_prefix(root).unwrap().display().to_string(),
                text: std::fs::read_to_string(&path).unwrap(),
            });
        }
    }
}

fn default_config() -> Configuration {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    match load(&files) {
        Ok(config) => config,
        Err(errors) => panic!("{errors}"),
    }
}

#[test]
fn default_configuration_loads() {
    let config = default_config();
    let codes: Vec<_> = config.case_types.iter().map(|t| t.code.as_str()).collect();
    for code in ["CP", "GBV", "GP"] {
        assert!(codes.contains(&code), "case type {code} missing from {codes:?}");
    }
    for language in ["en", "fr", "ar"] {
        assert!(config.languages.available.iter().any(|l| l == language));
    }
    assert!(config.languages.right_to_left.iter().any(|l| l == "ar"));
}

#[test]
fn every_label_is_translated() {
    let config = default_config();
    for case_type in &config.case_types {
        for (_, field) in case_type.form.fields() {
            for language in &config.languages.available {
                assert!(
                    field.label.contains(language),
                    "{}.{} has no {language} label",
                    case_type.id,
                    field.id
                );
            }
        }
    }
}

#[test]
fn gbv_perpetrator_details_are_confidential_and_safety_plan_restricted() {
    let config = default_config();
    let gbv = config.case_types.iter().find(|t| t.code == "GBV").unwrap();
    let perpetrator: Vec<_> = gbv
        .form
        .sections
        .iter()
        .filter(|s| s.id.contains("perpetrator"))
        .flat_map(|s| &s.fields)
        .collect();
    assert!(!perpetrator.is_empty(), "GBV has a perpetrator section");
    assert!(perpetrator.iter().all(|f| f.classification == Classification::Confidential));
    let safety_plan: Vec<_> = gbv
        .form
        .sections
        .iter()
        .filter(|s| s.id.contains("safety_plan"))
        .flat_map(|s| &s.fields)
        .collect();
    assert!(!safety_plan.is_empty(), "GBV has a safety plan section");
    assert!(safety_plan.iter().all(|f| f.classification >= Classification::Restricted));
}

#[test]
fn every_field_type_is_used() {
    let config = default_config();
    let mut used = std::collections::BTreeSet::new();
    for case_type in &config.case_types {
        for (_, field) in case_type.form.fields() {
            used.insert(field.kind.type_name());
            if let FieldKind::RepeatingGroup { fields, .. } = &field.kind {
                used.extend(fields.iter().map(|f| f.kind.type_name()));
            }
        }
    }
    for kind in [
        "short_text", "long_text", "number", "date", "date_time", "yes_no",
        "single_select", "multi_select", "location", "repeating_group",
    ] {
        assert!(used.contains(kind), "no field of type {kind} in the default configuration");
    }
}
