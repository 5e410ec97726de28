//! XLSForm workbooks built from the public XLSForm specification (survey, choices, settings)
//! turned into form sections and option lists that the configuration loader accepts; every
//! construct that does not map reported by sheet, row and column; broken workbooks refused.

use caseward_domain::config::Classification;
use caseward_domain::xlsform::{Workbook, XlsFormOptions, convert};

fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn options() -> XlsFormOptions {
    XlsFormOptions {
        case_type: "survey".into(),
        languages: vec!["en".into(), "fr".into(), "ar".into()],
        classification: Classification::Restricted,
    }
}

/// A multi-language household visit form: a group, a repeat, skip logic, constraints, and
/// constructs Caseward does not have (a note, a geopoint, a calculation, an appearance).
fn household() -> Workbook {
    let survey = sheet(&[
        &[
            "type",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "label::العربية (ar)",
            "hint::English (en)",
            "required",
            "relevant",
            "constraint",
            "appearance",
            "calculation",
            "classification",
        ],
        &[
            "note",
            "intro",
            "Read the consent script",
            "Lire le script",
            "اقرأ النص",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "begin group",
            "child",
            "The child",
            "L'enfant",
            "الطفل",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "child_name",
            "Name",
            "Nom",
            "الاسم",
            "Given name only",
            "yes",
            "",
            "string-length(.) <= 40",
            "",
            "",
            "confidential",
        ],
        &[
            "integer",
            "age",
            "Age",
            "Âge",
            "العمر",
            "",
            "yes",
            "",
            ". >= 0 and . <= 17",
            "",
            "",
            "standard",
        ],
        &[
            "date",
            "born",
            "Date of birth",
            "Date de naissance",
            "تاريخ الميلاد",
            "",
            "",
            "",
            ". <= today()",
            "",
            "",
            "",
        ],
        &[
            "select_one yes_no",
            "in_school",
            "In school",
            "Scolarisé",
            "في المدرسة",
            "",
            "",
            "",
            "",
            "",
            "",
            "standard",
        ],
        &[
            "text",
            "school",
            "School",
            "École",
            "المدرسة",
            "",
            "",
            "${in_school} = 'yes'",
            "",
            "",
            "",
            "",
        ],
        &[
            "select_multiple concern",
            "concerns",
            "Concerns",
            "Préoccupations",
            "المخاوف",
            "",
            "",
            "",
            "",
            "minimal",
            "",
            "",
        ],
        &[
            "decimal",
            "hours",
            "Hours worked",
            "Heures travaillées",
            "ساعات العمل",
            "",
            "",
            "selected(${concerns}, 'labour')",
            ". > 1.5",
            "",
            "",
            "",
        ],
        &[
            "geopoint",
            "where",
            "Location",
            "Lieu",
            "المكان",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "calculate",
            "score",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "${age} * 2",
            "",
        ],
        &["end group", "", "", "", "", "", "", "", "", "", "", ""],
        &[
            "begin repeat",
            "siblings",
            "Siblings",
            "Frères et sœurs",
            "الإخوة",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "sibling_name",
            "Name",
            "Nom",
            "الاسم",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "select_one yes_no",
            "sibling_works",
            "Works",
            "Travaille",
            "يعمل",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "employer",
            "Employer",
            "Employeur",
            "صاحب العمل",
            "",
            "",
            "${sibling_works} = 'yes'",
            "",
            "",
            "",
            "",
        ],
        &["end repeat", "", "", "", "", "", "", "", "", "", "", ""],
        &[
            "text",
            "notes",
            "Notes",
            "Notes",
            "ملاحظات",
            "",
            "",
            "",
            "",
            "multiline",
            "",
            "",
        ],
    ]);
    let choices = sheet(&[
        &[
            "list_name",
            "name",
            "label::English (en)",
            "label::Français (fr)",
            "label::العربية (ar)",
        ],
        &["yes_no", "yes", "Yes", "Oui", "نعم"],
        &["yes_no", "no", "No", "Non", "لا"],
        &["concern", "neglect", "Neglect", "Négligence", "الإهمال"],
        &[
            "concern",
            "labour",
            "Child labour",
            "Travail des enfants",
            "عمل الأطفال",
        ],
        &["unused", "x", "X", "X", "X"],
    ]);
    let settings = sheet(&[
        &[
            "form_title::English (en)",
            "form_title::Français (fr)",
            "form_id",
            "default_language",
        ],
        &[
            "Household visit",
            "Visite à domicile",
            "household_visit",
            "English (en)",
        ],
    ]);
    Workbook {
        sheets: [
            ("survey", survey),
            ("choices", choices),
            ("settings", settings),
        ]
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .collect(),
    }
}

#[test]
fn a_multi_language_form_maps_to_sections_fields_and_lists() {
    let form = convert(&household(), &options()).unwrap();
    assert_eq!(form.title["en"], "Household visit");
    assert_eq!(form.title["fr"], "Visite à domicile");
    let ids: Vec<&str> = form
        .sections
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["child", "siblings_section", "form"]);
    let child = form.sections[0]["field"].as_array().unwrap();
    let field = |id: &str| {
        child
            .iter()
            .find(|f| f["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("{id}"))
            .as_table()
            .unwrap()
            .clone()
    };
    let name = field("child_name");
    assert_eq!(name["type"].as_str(), Some("short_text"));
    assert_eq!(name["classification"].as_str(), Some("confidential"));
    assert_eq!(name["max_length"].as_integer(), Some(40));
    assert_eq!(name["required"].as_bool(), Some(true));
    assert_eq!(name["label"]["ar"].as_str(), Some("الاسم"));
    // A hint given in English only: the other languages take the English text (reported).
    assert_eq!(name["help"]["fr"].as_str(), Some("Given name only"));
    let age = field("age");
    assert_eq!(
        (age["min"].as_integer(), age["max"].as_integer()),
        (Some(0), Some(17))
    );
    assert_eq!(age["integer"].as_bool(), Some(true));
    assert_eq!(field("born")["not_in_future"].as_bool(), Some(true));
    assert_eq!(
        field("in_school")["option_list"].as_str(),
        Some("survey_yes_no")
    );
    assert_eq!(
        field("in_school")["classification"].as_str(),
        Some("standard")
    );
    // No classification column value: the operator's choice.
    assert_eq!(field("born")["classification"].as_str(), Some("restricted"));
    let school = field("school");
    assert_eq!(school["show_when"]["field"].as_str(), Some("in_school"));
    assert_eq!(school["show_when"]["values"][0].as_str(), Some("yes"));
    assert_eq!(field("concerns")["type"].as_str(), Some("multi_select"));
    let hours = field("hours");
    assert!(hours.contains_key("show_when"));
    assert!(!hours.contains_key("min"), "`. > 1.5` has no exact rule");
    assert!(
        !child
            .iter()
            .any(|f| ["where", "score", "intro"].contains(&f["id"].as_str().unwrap()))
    );
    let siblings = form.sections[1]["field"][0].as_table().unwrap();
    assert_eq!(siblings["type"].as_str(), Some("repeating_group"));
    let members = siblings["field"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(
        members[2]["show_when"]["field"].as_str(),
        Some("sibling_works")
    );
    assert_eq!(
        form.sections[2]["field"][0]["type"].as_str(),
        Some("long_text")
    );
    assert_eq!(
        form.sections[2]["label"]["fr"].as_str(),
        Some("Visite à domicile")
    );
    let lists: Vec<&str> = form
        .option_lists
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        lists,
        vec!["survey_concern", "survey_yes_no"],
        "only lists in use"
    );
    let skipped: Vec<String> = form.skipped.iter().map(ToString::to_string).collect();
    for expected in [
        "survey row 2, column type: \"note\" has no Caseward field type: left out",
        "survey row 9, column appearance: \"appearance\" is not mapped: left out",
        "survey row 10, column constraint: this constraint has no Caseward rule for a number field: left out",
        "survey row 11, column type: \"geopoint\" has no Caseward field type: left out",
        "survey row 12, column type: \"calculate\" has no Caseward field type: left out",
    ] {
        assert!(
            skipped.iter().any(|s| s == expected),
            "{expected}\n{skipped:#?}"
        );
    }
    assert!(
        !skipped.iter().any(|s| s.contains("translation")),
        "{skipped:#?}"
    );
    assert_eq!(
        form.notices
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "survey: some texts have no ar translation: the en text is used",
            "survey: some texts have no fr translation: the en text is used"
        ]
    );
}

#[test]
fn a_broken_workbook_is_refused_with_every_problem() {
    let mut workbook = household();
    let survey = workbook.sheets.get_mut("survey").unwrap();
    survey[4][1] = "Age".into(); // not an id
    survey[6][0] = "select_one missing_list".into();
    survey[12][0] = "end repeat".into(); // closes a group opened with begin group
    let problems: Vec<String> = convert(&workbook, &options())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    for expected in [
        "survey row 5, column name: \"Age\" is not a Caseward id",
        "survey row 7, column type: the list \"missing_list\" is not in the choices sheet",
        "survey row 13, column type: \"end repeat\" does not close the group or repeat opened last",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "{expected}\n{problems:#?}"
        );
    }
    let mut no_survey = household();
    no_survey.sheets.remove("survey");
    assert_eq!(
        convert(&no_survey, &options()).unwrap_err()[0].to_string(),
        "survey: the workbook has no survey sheet"
    );
    let mut unlabelled = household();
    unlabelled.sheets.get_mut("survey").unwrap()[0][2] = "label::English".into();
    let problems = convert(&unlabelled, &options()).unwrap_err();
    assert!(
        problems[0]
            .to_string()
            .contains("column label::english: the column names no language code"),
        "{problems:?}"
    );
}
