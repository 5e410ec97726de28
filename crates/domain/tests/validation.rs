//! Case values are checked against their form: each rule, by example and by property.

use caseward_domain::case::{CaseFields, FieldValue, GroupItem};
use caseward_domain::config::{Configuration, SourceFile, load};
use caseward_domain::validate::validate_case;
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

const CONFIG: &str = r#"
[instance]
version = 1
default_language = "en"
languages = ["en"]

[[stage]]
id = "identification"
label = { en = "Identification" }
[[stage]]
id = "assessment"
label = { en = "Assessment" }

[[option_list]]
id = "concern"
option = [{ id = "neglect", label = { en = "Neglect" } }, { id = "separated", label = { en = "Separated" } }, { id = "labour", label = { en = "Labour" } }]

[[location]]
code = "R1"
name = { en = "North" }
level = "region"
[[location]]
code = "R1-D1"
name = { en = "Hills" }
level = "district"
parent = "R1"

[case_type]
id = "child_protection"
code = "CP"
name = { en = "Child protection" }
domain = "child_protection"
default_intensity = 2
recommended_caseload = 20
maximum_caseload = 25
review_frequency_days = 30
stages = ["identification", "assessment"]

[[section]]
id = "identification"
label = { en = "Identification" }
stage = "identification"

[[section.field]]
id = "name"
type = "short_text"
label = { en = "Name" }
required = true
max_length = 10
classification = "restricted"

[[section.field]]
id = "code"
type = "short_text"
label = { en = "Code" }
pattern = "[A-Z]{2}-[0-9]{3}"
classification = "standard"

[[section.field]]
id = "age"
type = "number"
label = { en = "Age" }
min = 0
max = 17
integer = true
classification = "standard"

[[section.field]]
id = "born"
type = "date"
label = { en = "Born" }
not_in_future = true
classification = "restricted"

[[section.field]]
id = "concerns"
type = "multi_select"
label = { en = "Concerns" }
option_list = "concern"
max_choices = 2
classification = "standard"

[[section.field]]
id = "district"
type = "location"
label = { en = "District" }
min_level = "district"
classification = "standard"

[[section.field]]
id = "siblings"
type = "repeating_group"
label = { en = "Siblings" }
max_items = 2
classification = "restricted"

[[section.field.field]]
id = "sibling_name"
type = "short_text"
label = { en = "Name" }
required = true
classification = "restricted"

[[section]]
id = "assessment"
label = { en = "Assessment" }
stage = "assessment"

[[section.field]]
id = "findings"
type = "long_text"
label = { en = "Findings" }
required = true
classification = "restricted"
"#;

fn config() -> Configuration {
    load(&[SourceFile {
        name: "test.toml".into(),
        text: CONFIG.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

fn errors(fields: &CaseFields, stage: &str) -> Vec<(String, &'static str)> {
    let config = config();
    let case_type = config.case_type("child_protection").unwrap();
    validate_case(&config, case_type, stage, fields, now())
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn valid() -> CaseFields {
    CaseFields::from([("name".to_string(), FieldValue::Text("Amina".into()))])
}

fn with(key: &str, value: FieldValue) -> CaseFields {
    let mut fields = valid();
    fields.insert(key.into(), value);
    fields
}

#[test]
fn a_valid_case_passes() {
    assert!(errors(&valid(), "identification").is_empty());
}

#[test]
fn required_fields_are_required_at_their_stage_only() {
    assert_eq!(
        errors(&CaseFields::new(), "identification"),
        [("name".into(), "required")]
    );
    assert_eq!(
        errors(
            &with("name", FieldValue::Text("   ".into())),
            "identification"
        ),
        [("name".into(), "required")]
    );
    assert_eq!(
        errors(&CaseFields::new(), "assessment"),
        [("findings".into(), "required")]
    );
}

#[test]
fn each_rule_has_its_code() {
    let cases = [
        (
            "name",
            FieldValue::Text("a very long name".into()),
            "too_long",
        ),
        ("name", FieldValue::Text("two\nlines".into()), "wrong_type"),
        ("code", FieldValue::Text("ab-123".into()), "pattern"),
        ("age", FieldValue::Number(18.0), "too_large"),
        ("age", FieldValue::Number(-1.0), "too_small"),
        ("age", FieldValue::Number(3.5), "not_integer"),
        (
            "born",
            FieldValue::Date(NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()),
            "in_future",
        ),
        (
            "concerns",
            FieldValue::Choices(vec!["neglect".into(), "unknown".into()]),
            "unknown_option",
        ),
        (
            "concerns",
            FieldValue::Choices(vec!["neglect".into(), "neglect".into()]),
            "duplicate_option",
        ),
        (
            "concerns",
            FieldValue::Choices(vec!["neglect".into(), "separated".into(), "labour".into()]),
            "too_many_choices",
        ),
        (
            "district",
            FieldValue::Location("R1".into()),
            "location_too_broad",
        ),
        (
            "district",
            FieldValue::Location("R9".into()),
            "unknown_location",
        ),
        ("age", FieldValue::Text("twelve".into()), "wrong_type"),
        ("nickname", FieldValue::Text("x".into()), "unknown_field"),
    ];
    for (field, value, code) in cases {
        assert_eq!(
            errors(&with(field, value.clone()), "identification"),
            [(field.to_string(), code)],
            "{field} = {value:?}"
        );
    }
    assert!(
        errors(
            &with("code", FieldValue::Text("AB-123".into())),
            "identification"
        )
        .is_empty()
    );
    assert!(
        errors(
            &with(
                "born",
                FieldValue::Date(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
            ),
            "identification"
        )
        .is_empty()
    );
    assert!(
        errors(
            &with("district", FieldValue::Location("R1-D1".into())),
            "identification"
        )
        .is_empty()
    );
}

#[test]
fn group_entries_are_checked_with_their_index() {
    let entry = |name: Option<&str>| -> GroupItem {
        name.map(|n| ("sibling_name".to_string(), FieldValue::Text(n.into())))
            .into_iter()
            .collect()
    };
    let fields = with(
        "siblings",
        FieldValue::Group(vec![entry(Some("Kofi")), entry(None)]),
    );
    assert_eq!(
        errors(&fields, "identification"),
        [("siblings[1].sibling_name".into(), "required")]
    );
    let fields = with(
        "siblings",
        FieldValue::Group(vec![entry(Some("A")), entry(Some("B")), entry(Some("C"))]),
    );
    assert_eq!(
        errors(&fields, "identification"),
        [("siblings".into(), "too_many_items")]
    );
}

#[test]
fn messages_never_repeat_the_value() {
    let secret = "Zainab-Secret";
    let config = config();
    let case_type = config.case_type("child_protection").unwrap();
    for (field, value) in [
        ("name", FieldValue::Text(format!("{secret}{secret}"))),
        ("code", FieldValue::Text(secret.into())),
        ("concerns", FieldValue::Choices(vec![secret.into()])),
        ("district", FieldValue::Location(secret.into())),
    ] {
        for error in validate_case(
            &config,
            case_type,
            "identification",
            &with(field, value),
            now(),
        ) {
            assert!(!error.message.contains(secret), "{error:?}");
        }
    }
}

proptest! {
    /// A name is valid exactly when it is one line of 1 to 10 characters (not only spaces).
    #[test]
    fn text_length_rule_matches_the_definition(name in "\\PC{0,14}") {
        let fields = with("name", FieldValue::Text(name.clone()));
        let valid = !name.trim().is_empty() && name.chars().count() <= 10 && !name.contains(['\n', '\r']);
        prop_assert_eq!(errors(&fields, "identification").is_empty(), valid);
    }

    /// Ages are valid exactly when whole and within 0..=17.
    #[test]
    fn number_rules_match_the_definition(age in -5.0f64..25.0) {
        let fields = with("age", FieldValue::Number(age));
        let valid = age.fract() == 0.0 && (0.0..=17.0).contains(&age);
        prop_assert_eq!(errors(&fields, "identification").is_empty(), valid);
    }
}
