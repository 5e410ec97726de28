//! Skip logic: a field asked only when another holds one of given answers. The loader refuses
//! conditions that cannot work; validation neither requires nor accepts a field not asked.

use caseward_domain::case::{CaseFields, FieldValue, GroupItem};
use caseward_domain::config::{Configuration, SourceFile, load};
use caseward_domain::validate::validate_case;
use chrono::{TimeZone, Utc};

const HEAD: &str = r#"
[instance]
default_language = "en"
languages = ["en"]

[[stage]]
id = "identification"
label = { en = "Identification" }

[[option_list]]
id = "concern"
option = [{ id = "neglect", label = { en = "Neglect" } }, { id = "labour", label = { en = "Labour" } }]

[case_type]
id = "child_protection"
code = "CP"
name = { en = "Child protection" }
domain = "child_protection"
default_intensity = 2
recommended_caseload = 20
maximum_caseload = 25
review_frequency_days = 30
stages = ["identification"]

[[section]]
id = "identification"
label = { en = "Identification" }

[[section.field]]
id = "in_school"
type = "yes_no"
label = { en = "In school" }
classification = "standard"

[[section.field]]
id = "concerns"
type = "multi_select"
option_list = "concern"
label = { en = "Concerns" }
classification = "standard"
"#;

fn config(tail: &str) -> Result<Configuration, String> {
    load(&[SourceFile {
        name: "cp.toml".into(),
        text: format!("{HEAD}{tail}"),
    }])
    .map_err(|e| e.to_string())
}

const SCHOOL: &str = r#"
[[section.field]]
id = "school_name"
type = "short_text"
label = { en = "School" }
required = true
classification = "standard"
show_when = { field = "in_school", values = ["yes"] }

[[section.field]]
id = "work_hours"
type = "number"
label = { en = "Hours of work" }
classification = "standard"
show_when = { field = "concerns", values = ["labour"] }

[[section.field]]
id = "household"
type = "repeating_group"
label = { en = "Household" }
classification = "standard"

[[section.field.field]]
id = "works"
type = "yes_no"
label = { en = "Works" }
classification = "standard"

[[section.field.field]]
id = "employer"
type = "short_text"
label = { en = "Employer" }
classification = "standard"
show_when = { field = "works", values = ["yes"] }
"#;

fn check(config: &Configuration, fields: CaseFields) -> Vec<String> {
    let case_type = config.case_type("child_protection").unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap();
    validate_case(config, case_type, "identification", &fields, now)
        .into_iter()
        .map(|e| format!("{} {}", e.field, e.code))
        .collect()
}

fn text(t: &str) -> FieldValue {
    FieldValue::Text(t.into())
}

#[test]
fn a_field_is_required_and_accepted_only_when_asked() {
    let config = config(SCHOOL).unwrap();
    // Not in school: the school is neither required nor accepted.
    let out = CaseFields::from([("in_school".into(), FieldValue::YesNo(false))]);
    assert!(check(&config, out.clone()).is_empty());
    let mut wrong = out;
    wrong.insert("school_name".into(), text("Hill school"));
    assert_eq!(check(&config, wrong), vec!["school_name not_asked"]);
    // In school: required.
    let at_school = CaseFields::from([("in_school".into(), FieldValue::YesNo(true))]);
    assert_eq!(
        check(&config, at_school.clone()),
        vec!["school_name required"]
    );
    // A multi-select condition holds when any chosen answer is among the values.
    let mut labour = at_school;
    labour.insert("school_name".into(), text("Hill school"));
    labour.insert(
        "concerns".into(),
        FieldValue::Choices(vec!["neglect".into(), "labour".into()]),
    );
    labour.insert("work_hours".into(), FieldValue::Number(20.0));
    assert!(check(&config, labour.clone()).is_empty());
    labour.insert(
        "concerns".into(),
        FieldValue::Choices(vec!["neglect".into()]),
    );
    assert_eq!(check(&config, labour), vec!["work_hours not_asked"]);
}

#[test]
fn inside_a_group_a_member_depends_on_a_sibling() {
    let config = config(SCHOOL).unwrap();
    let item = |works: bool, employer: Option<&str>| {
        let mut item = GroupItem::from([("works".into(), FieldValue::YesNo(works))]);
        if let Some(employer) = employer {
            item.insert("employer".into(), text(employer));
        }
        item
    };
    let fields = CaseFields::from([(
        "household".into(),
        FieldValue::Group(vec![
            item(true, Some("A farm")),
            item(false, Some("A shop")),
        ]),
    )]);
    assert_eq!(
        check(&config, fields),
        vec!["household[1].employer not_asked"]
    );
}

#[test]
fn conditions_that_cannot_work_are_refused_with_file_line_and_key() {
    let cases = [
        (
            r#"show_when = { field = "nowhere", values = ["yes"] }"#,
            "section[0].field[2].show_when.field: skip logic points at a missing field \"nowhere\"",
        ),
        (
            r#"show_when = { field = "concerns", values = ["flood"] }"#,
            "section[0].field[2].show_when.values[0]: \"flood\" is not an answer \"concerns\" can hold",
        ),
        (
            r#"show_when = { field = "other", values = ["yes"] }"#,
            "section[0].field[2].show_when.field: \"other\" is a short_text field",
        ),
        (
            r#"show_when = { field = "later", values = ["yes"] }"#,
            "section[0].field[2].show_when.field: a field cannot depend on itself",
        ),
    ];
    for (condition, expected) in cases {
        let tail = format!(
            "\n[[section.field]]\nid = \"later\"\ntype = \"yes_no\"\nlabel = {{ en = \"L\" }}\nclassification = \"standard\"\n{condition}\n\n[[section.field]]\nid = \"other\"\ntype = \"short_text\"\nlabel = {{ en = \"O\" }}\nclassification = \"standard\"\n"
        );
        let errors = config(&tail).unwrap_err();
        assert!(errors.contains(expected), "{condition}: {errors}");
        assert!(errors.contains("cp.toml:"), "{errors}");
    }
}

#[test]
fn a_chain_of_conditions_must_end() {
    let field = |id: &str, on: &str| {
        format!(
            "\n[[section.field]]\nid = \"{id}\"\ntype = \"yes_no\"\nlabel = {{ en = \"{id}\" }}\nclassification = \"standard\"\nshow_when = {{ field = \"{on}\", values = [\"yes\"] }}\n"
        )
    };
    let errors = config(&format!("{}{}", field("a", "b"), field("b", "a"))).unwrap_err();
    assert!(
        errors.contains("the skip logic of \"a\" loops back to it"),
        "{errors}"
    );
    assert!(config(&format!("{}{}", field("a", "in_school"), field("b", "a"))).is_ok());
}
