//! Every configuration mistake is reported with its file, line and key, and all mistakes are
//! reported at once.

use caseward_domain::access::Permission;
use caseward_domain::config::{ConfigError, SourceFile, load};
use caseward_domain::user::Role;

const INSTANCE: &str = r#"
[instance]
version = 1
default_language = "en"
languages = ["en", "fr"]

[[stage]]
id = "identification"
label = { en = "Identification", fr = "Identification" }

[[stage]]
id = "closed"
label = { en = "Closed" }
terminal = true

[[option_list]]
id = "sex"
option = [
  { id = "female", label = { en = "Female" } },
  { id = "male", label = { en = "Male" } },
]
"#;

fn case_type(body: &str) -> String {
    format!(
        r#"[case_type]
id = "child_protection"
code = "CP"
name = {{ en = "Child protection" }}
domain = "child_protection"
default_intensity = 2
recommended_caseload = 20
maximum_caseload = 25
review_frequency_days = 30
stages = ["identification", "closed"]
{body}"#
    )
}

const GOOD_SECTION: &str = r#"
[[section]]
id = "identification"
label = { en = "Identification" }
stage = "identification"

[[section.field]]
id = "child_name"
type = "short_text"
label = { en = "Name" }
required = true
classification = "restricted"
"#;

fn errors(case_type_file: &str) -> Vec<ConfigError> {
    let sources = vec![
        SourceFile {
            name: "instance.toml".into(),
            text: INSTANCE.into(),
        },
        SourceFile {
            name: "case_types/cp.toml".into(),
            text: case_type_file.into(),
        },
    ];
    match load(&sources) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0,
    }
}

fn one_error(case_type_file: &str) -> ConfigError {
    let errors = errors(case_type_file);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect("needle")]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn a_good_configuration_loads() {
    assert!(errors(&case_type(GOOD_SECTION)).is_empty());
}

#[test]
fn malformed_toml_names_the_line() {
    let text = case_type("\n[[section]]\nid = \"x\nlabel = 1\n");
    let error = one_error(&text);
    assert_eq!(error.file, "case_types/cp.toml");
    assert_eq!(error.line, Some(line_of(&text, "id = \"x")));
    assert_eq!(error.key, "(file)");
}

#[test]
fn an_unknown_key_is_an_error_not_ignored() {
    let text = case_type(&GOOD_SECTION.replace("required = true", "requierd = true"));
    let error = one_error(&text);
    assert!(error.problem.contains("requierd"), "{error}");
    assert_eq!(error.line, Some(line_of(&text, "requierd")));
}

#[test]
fn an_unknown_option_list_is_named() {
    let text = case_type(&format!(
        "{GOOD_SECTION}\n[[section.field]]\nid = \"gender\"\ntype = \"single_select\"\nlabel = {{ en = \"Gender\" }}\noption_list = \"genders\"\nclassification = \"standard\"\n"
    ));
    let error = one_error(&text);
    assert_eq!(error.key, "section[0].field[1].option_list");
    assert!(
        error.problem.contains("unknown option list \"genders\""),
        "{error}"
    );
    assert_eq!(
        error.line,
        Some(line_of(&text, "id = \"gender\"") - 1),
        "the line of the field's table"
    );
}

#[test]
fn a_duplicate_field_id_names_both_places() {
    let text = case_type(&format!(
        "{GOOD_SECTION}{}",
        GOOD_SECTION.replace("id = \"identification\"", "id = \"more\"")
    ));
    let error = one_error(&text);
    assert_eq!(error.key, "section[1].field[0].id");
    assert!(
        error.problem.contains("duplicate field id \"child_name\""),
        "{error}"
    );
    assert!(
        error.problem.contains("case_types/cp.toml:"),
        "points at the first declaration: {error}"
    );
}

#[test]
fn a_section_at_a_stage_the_case_type_lacks_is_refused() {
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("stage = \"identification\"", "stage = \"assessment\""),
    ));
    assert_eq!(error.key, "section[0].stage");
    assert!(error.problem.contains("assessment"), "{error}");
}

#[test]
fn classification_is_required_and_checked() {
    let text = case_type(&GOOD_SECTION.replace("classification = \"restricted\"\n", ""));
    assert!(one_error(&text).problem.contains("classification"));
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("\"restricted\"", "\"secret\""),
    ));
    assert_eq!(error.key, "section[0].field[0].classification");
}

#[test]
fn only_standard_fields_can_be_report_dimensions() {
    let error = one_error(&case_type(&GOOD_SECTION.replace(
        "required = true",
        "required = true\nreport_dimension = true",
    )));
    assert_eq!(error.key, "section[0].field[0].report_dimension");
}

/// A standard field of the given type and extra keys, as the first field of the first section.
fn standard_field(field_type: &str, extra: &str) -> String {
    let list = if field_type.ends_with("select") {
        "option_list = \"sex\"\n"
    } else {
        ""
    };
    case_type(&format!(
        "\n[[section]]\nid = \"identification\"\nlabel = {{ en = \"Identification\" }}\n\n\
         [[section.field]]\nid = \"f\"\ntype = \"{field_type}\"\nlabel = {{ en = \"F\" }}\n\
         classification = \"standard\"\n{list}{extra}\n"
    ))
}

#[test]
fn report_dimensions_are_categories_stored_in_a_declared_form() {
    // Accepted: the defaults and every declared form that fits the type.
    for (field_type, extra) in [
        ("single_select", "report_dimension = true"),
        ("multi_select", "report_dimension = true"),
        ("location", "report_dimension = true"),
        ("yes_no", "report_dimension = true"),
        (
            "number",
            "report_dimension = true\nreport_as = \"age_group\"",
        ),
        ("date", "report_dimension = true"),
        ("date", "report_dimension = true\nreport_as = \"age_group\""),
        ("date_time", "report_dimension = true\nreport_as = \"year\""),
    ] {
        assert_eq!(
            errors(&standard_field(field_type, extra)),
            [],
            "{field_type} {extra}"
        );
    }
    // Free text can name a person.
    let error = one_error(&standard_field("short_text", "report_dimension = true"));
    assert_eq!(error.key, "section[0].field[0].report_dimension");
    assert!(error.problem.contains("text field"), "{}", error.problem);
    // A form that does not fit the type, an unknown one, one without a dimension.
    let error = one_error(&standard_field(
        "single_select",
        "report_dimension = true\nreport_as = \"month\"",
    ));
    assert_eq!(error.key, "section[0].field[0].report_as");
    assert!(
        error.problem.contains("expected value"),
        "{}",
        error.problem
    );
    let error = one_error(&standard_field(
        "date",
        "report_dimension = true\nreport_as = \"day\"",
    ));
    assert_eq!(error.key, "section[0].field[0].report_as");
    assert!(
        error.problem.contains("month, year, age_group"),
        "{}",
        error.problem
    );
    let error = one_error(&standard_field("date", "report_as = \"month\""));
    assert_eq!(error.key, "section[0].field[0].report_as");
}

/// A case type (child protection: no survivor decisions) with one section and the given
/// `[[transition]]` tables.
fn with_transitions(transitions: &str) -> String {
    format!(
        "{}\n[[section.field]]\nid = \"decision\"\ntype = \"single_select\"\nlabel = {{ en = \"D\" }}\n\
         option_list = \"sex\"\nclassification = \"standard\"\n{transitions}",
        case_type(GOOD_SECTION)
    )
}

#[test]
fn transitions_name_the_type_s_stages_and_the_form_s_fields() {
    let good = "[[transition]]\nfrom = [\"identification\"]\nto = \"closed\"\nlabel = { en = \"Close\" }\n\
                reason = true\nrequire = [\"child_name\"]\nrequire_value = { \"decision\" = [\"female\"] }\n";
    assert_eq!(errors(&with_transitions(good)), []);
    for (bad, key, words) in [
        (
            good.replace("to = \"closed\"", "to = \"archived\""),
            "transition[0].to",
            "not one of this case type's stages",
        ),
        (
            good.replace("[\"identification\"]", "[\"nowhere\"]"),
            "transition[0].from[0]",
            "not one of this case type's stages",
        ),
        (
            good.replace("[\"identification\"]", "[\"closed\"]"),
            "transition[0].from[0]",
            "another stage",
        ),
        (
            good.replace("[\"child_name\"]", "[\"nickname\"]"),
            "transition[0].require[0]",
            "not a field of this form",
        ),
        (
            good.replace("\"decision\" =", "\"child_name\" ="),
            "transition[0].require_value.child_name",
            "single or multiple choice",
        ),
        (
            good.replace("[\"female\"]", "[\"unknown\"]"),
            "transition[0].require_value.decision",
            "not an option",
        ),
        (
            good.replace("reason = true", "survivor_decision = true"),
            "transition[0].survivor_decision",
            "(GBV)",
        ),
    ] {
        let error = one_error(&with_transitions(&bad));
        assert_eq!(error.key, key, "{bad}");
        assert!(error.problem.contains(words), "{}", error.problem);
        assert_eq!(
            error.line,
            Some(line_of(&with_transitions(&bad), "[[transition]]")),
            "the table's line"
        );
    }
    let twice = format!("{good}{}", good.replace("reason = true", "reason = false"));
    let error = one_error(&with_transitions(&twice));
    assert_eq!(error.key, "transition[1].from");
    assert!(
        error.problem.contains("declared already"),
        "{}",
        error.problem
    );
}

#[test]
fn the_attachments_grant_id_is_reserved() {
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("id = \"child_name\"", "id = \"attachments\""),
    ));
    assert_eq!(error.key, "section[0].field[0].id");
}

#[test]
fn age_bands_start_at_zero_and_increase() {
    let text = standard_field(
        "number",
        "report_dimension = true\nreport_as = \"age_group\"",
    );
    for bands in ["[6, 12]", "[0, 12, 12]", "[]"] {
        let sources = vec![
            SourceFile {
                name: "instance.toml".into(),
                text: INSTANCE.replace(
                    "languages = [\"en\", \"fr\"]",
                    &format!("languages = [\"en\", \"fr\"]\nage_bands = {bands}"),
                ),
            },
            SourceFile {
                name: "case_types/cp.toml".into(),
                text: text.clone(),
            },
        ];
        let errors = load(&sources).expect_err(bands).0;
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(
            (errors[0].file.as_str(), errors[0].key.as_str()),
            ("instance.toml", "instance.age_bands")
        );
    }
}

#[test]
fn a_report_shows_counts_of_two_or_more() {
    for count in ["0", "1"] {
        let sources = vec![
            SourceFile {
                name: "instance.toml".into(),
                text: INSTANCE.replace(
                    "languages = [\"en\", \"fr\"]",
                    &format!("languages = [\"en\", \"fr\"]\nminimum_cell_count = {count}"),
                ),
            },
            SourceFile {
                name: "case_types/cp.toml".into(),
                text: case_type(GOOD_SECTION),
            },
        ];
        let errors = load(&sources).expect_err(count).0;
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(
            (errors[0].file.as_str(), errors[0].key.as_str()),
            ("instance.toml", "instance.minimum_cell_count")
        );
    }
}

#[test]
fn keys_of_another_field_type_are_refused() {
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("required = true", "required = true\noption_list = \"sex\""),
    ));
    assert_eq!(error.key, "section[0].field[0].option_list");
    assert!(
        error
            .problem
            .contains("does not apply to a short_text field"),
        "{error}"
    );
}

#[test]
fn invalid_patterns_and_ranges_are_refused() {
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("required = true", "required = true\npattern = \"[a-\""),
    ));
    assert_eq!(error.key, "section[0].field[0].pattern");
    let error = one_error(&case_type(&GOOD_SECTION.replace(
        "required = true",
        "required = true\nmin_length = 10\nmax_length = 5",
    )));
    assert_eq!(error.key, "section[0].field[0].min_length");
}

#[test]
fn case_type_attributes_are_checked() {
    let text = case_type(GOOD_SECTION)
        .replace("code = \"CP\"", "code = \"cp1\"")
        .replace("default_intensity = 2", "default_intensity = 4")
        .replace("maximum_caseload = 25", "maximum_caseload = 10")
        .replace("domain = \"child_protection\"", "domain = \"space\"")
        .replace(
            "stages = [\"identification\", \"closed\"]",
            "stages = [\"identification\", \"limbo\"]",
        );
    let mut keys: Vec<String> = errors(&text).into_iter().map(|e| e.key).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "case_type.code",
            "case_type.default_intensity",
            "case_type.domain",
            "case_type.maximum_caseload",
            "case_type.stages[1]",
        ]
    );
}

#[test]
fn labels_need_the_default_language_and_known_languages() {
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("label = { en = \"Name\" }", "label = { fr = \"Nom\" }"),
    ));
    assert_eq!(error.key, "section[0].field[0].label");
    let error = one_error(&case_type(&GOOD_SECTION.replace(
        "label = { en = \"Name\" }",
        "label = { en = \"Name\", de = \"Name\" }",
    )));
    assert_eq!(error.key, "section[0].field[0].label.de");
}

#[test]
fn nested_repeating_groups_are_refused() {
    let group = r#"
[[section.field]]
id = "family"
type = "repeating_group"
label = { en = "Family" }
classification = "restricted"

[[section.field.field]]
id = "children"
type = "repeating_group"
label = { en = "Children" }
classification = "restricted"

[[section.field.field.field]]
id = "name"
type = "short_text"
label = { en = "Name" }
classification = "restricted"
"#;
    let errors = errors(&case_type(&format!("{GOOD_SECTION}{group}")));
    assert!(
        errors
            .iter()
            .any(|e| e.key == "section[0].field[1].field[0].type" && e.problem.contains("nested")),
        "{errors:#?}"
    );
}

#[test]
fn group_members_cannot_be_less_protected_than_their_group() {
    let group = r#"
[[section.field]]
id = "perpetrators"
type = "repeating_group"
label = { en = "Perpetrators" }
classification = "confidential"

[[section.field.field]]
id = "name"
type = "short_text"
label = { en = "Name" }
classification = "standard"
"#;
    let error = one_error(&case_type(&format!("{GOOD_SECTION}{group}")));
    assert_eq!(error.key, "section[0].field[1].field[0].classification");
}

#[test]
fn a_missing_instance_is_reported() {
    let sources = vec![SourceFile {
        name: "cp.toml".into(),
        text: case_type(GOOD_SECTION),
    }];
    let errors = load(&sources).unwrap_err().0;
    assert!(errors[0].problem.contains("[instance]"), "{errors:?}");
}

#[test]
fn errors_print_as_file_line_key_problem() {
    let error = one_error(&case_type(
        &GOOD_SECTION.replace("stage = \"identification\"", "stage = \"assessment\""),
    ));
    let shown = error.to_string();
    assert!(shown.starts_with("case_types/cp.toml:"), "{shown}");
    assert!(shown.contains(": section[0].stage: "), "{shown}");
}

#[test]
fn custom_roles_load_as_permission_sets() {
    let text = case_type(&format!(
        "{GOOD_SECTION}\n[[role]]\nid = \"me_officer\"\nlabel = {{ en = \"M&E officer\" }}\npermissions = [\"view_aggregate_reports\"]\n"
    ));
    let sources = [
        SourceFile {
            name: "instance.toml".into(),
            text: INSTANCE.into(),
        },
        SourceFile {
            name: "case_types/cp.toml".into(),
            text,
        },
    ];
    let config = load(&sources).unwrap_or_else(|e| panic!("{e}"));
    let officer = Role::parse("me_officer").unwrap();
    let definition = config.roles.get(&officer).expect("declared");
    assert_eq!(definition.label.get("en", "en"), "M&E officer");
    assert!(config.roles.has(&officer, Permission::ViewAggregateReports));
    assert!(!config.roles.has(&officer, Permission::HoldCases));
    assert!(
        config
            .roles
            .has(&Role::SUPERVISOR, Permission::ViewTeamCases)
    );
}

fn role_errors(role_tables: &str) -> (String, Vec<ConfigError>) {
    let text = case_type(&format!("{GOOD_SECTION}\n{role_tables}"));
    let errors = errors(&text);
    (text, errors)
}

#[test]
fn a_custom_role_naming_an_unknown_permission_is_refused_at_its_line() {
    let (text, errors) = role_errors(
        "[[role]]\nid = \"lead\"\nlabel = { en = \"Lead\" }\npermissions = [\n  \"hold_cases\",\n  \"see_everything\",\n]\n",
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].key, "role[0].permissions[1]");
    assert_eq!(errors[0].line, Some(line_of(&text, "\"see_everything\"")));
    assert!(
        errors[0].problem.contains("see_everything"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].problem.contains("hold_cases"),
        "lists the known ones"
    );
}

#[test]
fn a_custom_role_may_not_mix_case_work_and_administration() {
    let (text, errors) = role_errors(
        "[[role]]\nid = \"super_user\"\nlabel = { en = \"Super user\" }\npermissions = [\"hold_cases\", \"manage_teams\"]\n",
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].key, "role[0].permissions");
    assert_eq!(errors[0].line, Some(line_of(&text, "[[role]]")));
    assert!(
        errors[0].problem.contains("hold_cases and manage_teams"),
        "{}",
        errors[0]
    );
}

#[test]
fn custom_role_mistakes_are_all_reported() {
    let (_, errors) = role_errors(concat!(
        "[[role]]\nid = \"supervisor\"\nlabel = { en = \"Boss\" }\npermissions = [\"manage_users\"]\n",
        "[[role]]\nid = \"lead\"\nlabel = { en = \"Lead\" }\npermissions = [\"reassign_within_team\", \"hold_cases\"]\n",
        "[[role]]\nid = \"lead\"\nlabel = { en = \"Lead again\" }\npermissions = [\"hold_cases\"]\n",
        "[[role]]\nid = \"Nobody\"\nlabel = { fr = \"Personne\" }\npermissions = []\n",
    ));
    let keys: Vec<_> = errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "role[0].id",
            "role[1].permissions",
            "role[2].id",
            "role[3].id",
            "role[3].label",
            "role[3].permissions"
        ],
        "{errors:#?}"
    );
    assert!(errors[0].problem.contains("built-in role"), "{}", errors[0]);
    assert!(
        errors[1]
            .problem
            .contains("reassign_within_team does nothing without view_team_cases"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].problem.contains("duplicate role id \"lead\""),
        "{}",
        errors[2]
    );
    assert!(
        errors[5].problem.contains("at least one permission"),
        "{}",
        errors[5]
    );
}

#[test]
fn only_top_level_short_text_is_searchable() {
    let text = case_type(
        &GOOD_SECTION.replace("required = true\n", "required = true\nsearchable = true\n"),
    );
    assert!(errors(&text).is_empty(), "{:?}", errors(&text));
    let section = "\n[[section]]\nid = \"more\"\nlabel = { en = \"More\" }\n\n[[section.field]]\nid = \"age\"\ntype = \"number\"\nlabel = { en = \"Age\" }\nclassification = \"standard\"\nsearchable = true\n";
    let text = case_type(&format!("{GOOD_SECTION}{section}"));
    let error = one_error(&text);
    assert_eq!(error.key, "section[1].field[0].searchable");
    assert_eq!(error.line, Some(line_of(&text, "id = \"age\"") - 1));
}

/// The errors of this instance file beside a good case type.
fn instance_errors(instance: &str) -> Vec<ConfigError> {
    let sources = [
        SourceFile {
            name: "instance.toml".into(),
            text: instance.into(),
        },
        SourceFile {
            name: "case_types/cp.toml".into(),
            text: case_type(GOOD_SECTION),
        },
    ];
    match load(&sources) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0,
    }
}

/// The test instance with a limit on its first stage (`identification`), then `tables`.
fn with_deadlines(limit: &str, tables: &str) -> String {
    let identification = "label = { en = \"Identification\", fr = \"Identification\" }\n";
    format!(
        "{}\n{tables}",
        INSTANCE.replacen(identification, &format!("{identification}{limit}"), 1)
    )
}

const CALENDAR: &str = "[calendar]\nweekend = [\n  \"friday\",\n  \"saturday\",\n]\n\
                        holidays = [\n  \"2026-12-25\",\n  \"2027-01-01\",\n]\n";

const DEADLINES: &str = "[deadlines]\nfollow_up_days = 10\napproval_working_days = 1\n\
                         transfer_acknowledgement_working_days = 4\nescalate_after_working_days = 3\n";

/// The single error of an instance file, checked to be in it at the line of `needle`.
fn one_instance_error(text: &str, needle: &str) -> ConfigError {
    let errors = instance_errors(text);
    assert_eq!(errors.len(), 1, "{text}\n{errors:#?}");
    let error = errors.into_iter().next().unwrap();
    assert_eq!(error.file, "instance.toml");
    assert_eq!(error.line, Some(line_of(text, needle)), "{error}");
    error
}

#[test]
fn the_calendar_and_the_deadlines_load() {
    let limit = "limit = { emergency_hours = 24, working_days = 3 }\n";
    let sources = [
        SourceFile {
            name: "instance.toml".into(),
            text: with_deadlines(limit, &format!("{CALENDAR}\n{DEADLINES}")),
        },
        SourceFile {
            name: "case_types/cp.toml".into(),
            text: case_type(GOOD_SECTION),
        },
    ];
    let config = load(&sources).unwrap_or_else(|e| panic!("{e}"));
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    // Friday and Saturday off, Sunday a working day; Christmas off.
    assert!(!config.calendar.is_working_day(day(12, 4)));
    assert!(!config.calendar.is_working_day(day(12, 5)));
    assert!(config.calendar.is_working_day(day(12, 6)));
    assert!(!config.calendar.is_working_day(day(12, 25)));
    let rules = &config.deadline_rules;
    let limit = rules.stage_limits["identification"];
    assert_eq!(
        (limit.emergency_hours, limit.working_days, limit.days),
        (Some(24), Some(3), None)
    );
    assert!(!rules.stage_limits.contains_key("closed"));
    assert_eq!(
        (
            rules.follow_up_days,
            rules.approval_working_days,
            rules.transfer_acknowledgement_working_days,
            rules.escalate_after_working_days
        ),
        (10, 1, 4, 3)
    );
}

#[test]
fn without_calendar_or_deadlines_the_defaults_apply() {
    let sources = [
        SourceFile {
            name: "instance.toml".into(),
            text: INSTANCE.into(),
        },
        SourceFile {
            name: "case_types/cp.toml".into(),
            text: case_type(GOOD_SECTION),
        },
    ];
    let config = load(&sources).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        config.calendar,
        caseward_domain::calendar::WorkingCalendar::default()
    );
    // No stage declares a limit: none applies; the delays are the defaults.
    assert!(config.deadline_rules.stage_limits.is_empty());
    assert_eq!(config.deadline_rules.follow_up_days, 14);
    assert_eq!(config.deadline_rules.escalate_after_working_days, 2);
}

#[test]
fn an_unknown_weekday_is_named_at_its_line() {
    let text = with_deadlines("", &CALENDAR.replace("\"saturday\"", "\"samedi\""));
    let error = one_instance_error(&text, "\"samedi\"");
    assert_eq!(error.key, "calendar.weekend[1]");
    assert!(error.problem.contains("unknown day \"samedi\""), "{error}");
    assert!(error.problem.contains("saturday"), "lists the known days");
    let text = with_deadlines("", &CALENDAR.replace("\"saturday\"", "\"friday\""));
    let error = instance_errors(&text).remove(0);
    assert_eq!(error.key, "calendar.weekend[1]");
    assert!(error.problem.contains("listed twice"), "{error}");
}

#[test]
fn a_weekend_of_the_whole_week_is_refused() {
    let week = "weekend = [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\", \"saturday\", \"sunday\"]";
    let text = with_deadlines("", &format!("[calendar]\n{week}\n"));
    let error = one_instance_error(&text, "[calendar]");
    assert_eq!(error.key, "calendar.weekend");
    assert!(error.problem.contains("whole week"), "{error}");
}

#[test]
fn a_malformed_holiday_is_named_at_its_line() {
    for bad in [
        "2026-13-01",
        "2026-02-30",
        "2026-1-5",
        "25/12/2026",
        "christmas",
    ] {
        let text = with_deadlines("", &CALENDAR.replace("2027-01-01", bad));
        let error = one_instance_error(&text, bad);
        assert_eq!(error.key, "calendar.holidays[1]", "{bad}");
        assert!(error.problem.contains("YYYY-MM-DD"), "{error}");
    }
}

#[test]
fn a_duplicate_holiday_names_both_places() {
    let text = with_deadlines("", &CALENDAR.replace("2027-01-01", "2026-12-25"));
    let second = text.rfind("\"2026-12-25\"").unwrap();
    let errors = instance_errors(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].key, "calendar.holidays[1]");
    assert_eq!(
        errors[0].line,
        Some(text[..second].matches('\n').count() + 1)
    );
    let first = format!("instance.toml:{}", line_of(&text, "\"2026-12-25\""));
    assert!(
        errors[0].problem.contains("duplicate holiday 2026-12-25")
            && errors[0].problem.contains(&first),
        "{}",
        errors[0]
    );
}

#[test]
fn zero_and_absurd_limits_are_refused() {
    for (limit, key) in [
        (
            "limit = { working_days = 0 }",
            "stage[0].limit.working_days",
        ),
        ("limit = { days = 366 }", "stage[0].limit.days"),
        (
            "limit = { emergency_hours = 0, days = 3 }",
            "stage[0].limit.emergency_hours",
        ),
        (
            "limit = { emergency_hours = 8761 }",
            "stage[0].limit.emergency_hours",
        ),
    ] {
        let text = with_deadlines(&format!("{limit}\n"), "");
        let error = one_instance_error(&text, "limit =");
        assert_eq!(error.key, key, "{limit}");
        assert!(error.problem.starts_with("must be 1 to"), "{error}");
    }
    // The largest are accepted.
    let text = with_deadlines("limit = { days = 365, emergency_hours = 8760 }\n", "");
    assert_eq!(instance_errors(&text), []);
}

#[test]
fn a_limit_gives_days_or_working_days_not_both_nor_nothing() {
    let text = with_deadlines("limit = { days = 5, working_days = 5 }\n", "");
    let error = one_instance_error(&text, "limit =");
    assert_eq!(error.key, "stage[0].limit");
    assert!(error.problem.contains("not both"), "{error}");
    let text = with_deadlines("limit = {}\n", "");
    let error = one_instance_error(&text, "limit =");
    assert_eq!(error.key, "stage[0].limit");
    let text = with_deadlines("limit = { hours = 5 }\n", "");
    let error = one_instance_error(&text, "hours");
    assert_eq!(error.key, "(file)");
}

#[test]
fn a_terminal_stage_has_no_limit() {
    let text = INSTANCE.replace(
        "terminal = true\n",
        "terminal = true\nlimit = { days = 30 }\n",
    );
    let error = one_instance_error(&text, "limit =");
    assert_eq!(error.key, "stage[1].limit");
    assert!(error.problem.contains("terminal"), "{error}");
}

#[test]
fn zero_and_absurd_delays_are_refused() {
    for (from, to, key) in [
        (
            "follow_up_days = 10",
            "follow_up_days = 0",
            "deadlines.follow_up_days",
        ),
        (
            "approval_working_days = 1",
            "approval_working_days = 400",
            "deadlines.approval_working_days",
        ),
        (
            "escalate_after_working_days = 3",
            "escalate_after_working_days = 0",
            "deadlines.escalate_after_working_days",
        ),
    ] {
        let text = with_deadlines("", &DEADLINES.replace(from, to));
        let error = one_instance_error(&text, "[deadlines]");
        assert_eq!(error.key, key);
    }
}

#[test]
fn the_calendar_is_declared_once() {
    let text = case_type(&format!("{GOOD_SECTION}\n[calendar]\nholidays = []\n"));
    let sources = [
        SourceFile {
            name: "instance.toml".into(),
            text: with_deadlines("", CALENDAR),
        },
        SourceFile {
            name: "case_types/cp.toml".into(),
            text: text.clone(),
        },
    ];
    let errors = load(&sources).unwrap_err().0;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        (errors[0].file.as_str(), errors[0].key.as_str()),
        ("case_types/cp.toml", "calendar")
    );
    assert_eq!(errors[0].line, Some(line_of(&text, "[calendar]")));
    assert!(
        errors[0].problem.contains("instance.toml:"),
        "{}",
        errors[0]
    );
}

#[test]
fn care_plans_panels_and_emergencies_name_what_they_need() {
    let close = "[[transition]]\nfrom = [\"identification\"]\nto = \"closed\"\nlabel = { en = \"Close\" }\n";
    // A guard on an approved care plan needs the type to keep care plans.
    let text = with_transitions(&format!("{close}approved_care_plan = true\n"));
    let error = one_error(&text);
    assert_eq!(error.key, "transition[0].approved_care_plan");
    assert!(error.problem.contains("intervention_types"), "{error}");
    let text = with_transitions(&format!("{close}approved_care_plan = true\n"))
        .replace("stages = [", "intervention_types = \"sex\"\nstages = [");
    assert_eq!(errors(&text), []);
    // The intervention list must exist.
    let text = case_type(GOOD_SECTION).replace(
        "stages = [",
        "intervention_types = \"services\"\nstages = [",
    );
    let error = one_error(&text);
    assert_eq!(error.key, "case_type.intervention_types");
    assert_eq!(error.line, Some(line_of(&text, "[case_type]")));
    // The emergency field must be a yes/no report dimension of the form.
    for field in ["child_name", "emergency"] {
        let text = case_type(GOOD_SECTION).replace(
            "stages = [",
            &format!("emergency_field = \"{field}\"\nstages = ["),
        );
        let error = one_error(&text);
        assert_eq!(error.key, "case_type.emergency_field", "{field}");
        assert!(error.problem.contains("yes/no"), "{error}");
    }
    let emergency = "\n[[section.field]]\nid = \"emergency\"\ntype = \"yes_no\"\nlabel = { en = \"E\" }\n\
                     classification = \"standard\"\nreport_dimension = true\n";
    let text = format!("{}{emergency}", case_type(GOOD_SECTION))
        .replace("stages = [", "emergency_field = \"emergency\"\nstages = [");
    assert_eq!(errors(&text), []);
}

#[test]
fn a_terminal_stage_has_no_follow_up_or_review() {
    let text = INSTANCE.replace("terminal = true\n", "terminal = true\nfollow_up = true\n");
    let error = one_instance_error(&text, "[[stage]]\nid = \"closed\"");
    assert_eq!(error.key, "stage[1].follow_up");
    assert!(error.problem.contains("terminal"), "{error}");
}

#[test]
fn a_case_type_s_follow_up_interval_is_between_1_and_365_days() {
    for days in [0, 366] {
        let text = case_type(GOOD_SECTION).replace(
            "stages = [",
            &format!("follow_up_days = {days}\nstages = ["),
        );
        let error = one_error(&text);
        assert_eq!(error.key, "case_type.follow_up_days", "{days}");
        assert_eq!(error.line, Some(line_of(&text, "[case_type]")));
    }
    let text = case_type(GOOD_SECTION).replace("stages = [", "follow_up_days = 30\nstages = [");
    assert_eq!(errors(&text), []);
}
