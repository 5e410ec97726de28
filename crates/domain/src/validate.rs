//! Validation of case values against a case type's form. Pure: "today" is passed in.

use crate::case::{CaseFields, FieldValue, GroupItem};
use crate::config::{CaseType, Configuration, Field, FieldKind};
use chrono::{DateTime, Utc};

/// One failing field, with a path (`family_members[1].age`) and a message a case worker
/// understands. Never contains the field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Validate a whole case document in `stage`: every value must fit its field, and every
/// required field of the sections collected at this stage (or at every stage) must be present.
pub fn validate_case(
    config: &Configuration,
    case_type: &CaseType,
    stage: &str,
    fields: &CaseFields,
    now: DateTime<Utc>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    // Each value at its field's position in the form, found once (a lookup in the case's
    // values for each of the form's fields was 1 % of an edit's instructions).
    let mut values: Vec<Option<&FieldValue>> = vec![None; case_type.form.field_count()];
    for (id, value) in fields {
        match case_type.form.position(id) {
            Some(position) => values[position] = Some(value),
            None => errors.push(FieldError::new(
                id,
                "unknown_field",
                format!("there is no field \"{id}\" in this form"),
            )),
        }
    }
    let top_level: Vec<&Field> = case_type.form.fields().map(|(_, f)| f).collect();
    let mut values = values.into_iter();
    for section in &case_type.form.sections {
        let required_now = section.stage.as_deref().is_none_or(|s| s == stage);
        for field in &section.fields {
            let value = values.next().flatten();
            if !is_shown(field, &top_level, fields) {
                not_asked(field, value, FieldPath::Field(&field.id), &mut errors);
                continue;
            }
            check_field(
                config,
                field,
                value,
                FieldPath::Field(&field.id),
                required_now,
                now,
                &mut errors,
            );
        }
    }
    errors
}

/// Where a value sits in a case document (`age`, `family_members[1]`,
/// `family_members[1].age`), written out only for an error: a valid case's group members
/// were each given their path as a new string (1.5 % of an edit's instructions).
#[derive(Clone, Copy)]
enum FieldPath<'a> {
    Field(&'a str),
    Item(&'a FieldPath<'a>, usize),
    Member(&'a FieldPath<'a>, &'a str),
}

impl std::fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Field(id) => f.write_str(id),
            Self::Item(parent, index) => write!(f, "{parent}[{index}]"),
            Self::Member(parent, id) => write!(f, "{parent}.{id}"),
        }
    }
}

fn is_empty(value: &FieldValue) -> bool {
    match value {
        FieldValue::Text(text) => text.trim().is_empty(),
        FieldValue::Choices(items) => items.is_empty(),
        FieldValue::Group(items) => items.is_empty(),
        FieldValue::Choice(text) | FieldValue::Location(text) => text.is_empty(),
        _ => false,
    }
}

fn check_field(
    config: &Configuration,
    field: &Field,
    value: Option<&FieldValue>,
    path: FieldPath<'_>,
    required_now: bool,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) {
    let value = match value {
        Some(value) if !is_empty(value) => value,
        _ => {
            if field.required && required_now {
                errors.push(FieldError::new(
                    path.to_string(),
                    "required",
                    "this field is required",
                ));
            }
            if let FieldKind::RepeatingGroup { min_items, .. } = field.kind
                && required_now
                && min_items > 0
                && !field.required
            {
                errors.push(FieldError::new(
                    path.to_string(),
                    "too_few_items",
                    format!("add at least {min_items}"),
                ));
            }
            return;
        }
    };
    let mut fail = |code: &'static str, message: String| {
        errors.push(FieldError::new(path.to_string(), code, message))
    };
    match (&field.kind, value) {
        (
            FieldKind::ShortText {
                min_length,
                max_length,
                pattern,
            },
            FieldValue::Text(text),
        ) => {
            let length = text.chars().count() as u32;
            if length > *max_length {
                fail("too_long", format!("at most {max_length} characters"));
            } else if let Some(min) = min_length
                && length < *min
            {
                fail("too_short", format!("at least {min} characters"));
            } else if text.contains(['\n', '\r']) {
                fail("wrong_type", "a single line of text".into());
            } else if let Some(pattern) = pattern
                && !pattern.regex.is_match(text)
            {
                fail("pattern", "does not have the expected format".into());
            }
        }
        (
            FieldKind::LongText {
                min_length,
                max_length,
            },
            FieldValue::Text(text),
        ) => {
            let length = text.chars().count() as u32;
            if length > *max_length {
                fail("too_long", format!("at most {max_length} characters"));
            } else if let Some(min) = min_length
                && length < *min
            {
                fail("too_short", format!("at least {min} characters"));
            }
        }
        (FieldKind::Number { min, max, integer }, FieldValue::Number(number)) => {
            if !number.is_finite() {
                fail("wrong_type", "a number".into());
            } else if *integer && number.fract() != 0.0 {
                fail("not_integer", "a whole number".into());
            } else if let Some(min) = min
                && number < min
            {
                fail("too_small", format!("at least {min}"));
            } else if let Some(max) = max
                && number > max
            {
                fail("too_large", format!("at most {max}"));
            }
        }
        (FieldKind::Date { not_in_future }, FieldValue::Date(date)) => {
            if *not_in_future && *date > now.date_naive() {
                fail("in_future", "cannot be in the future".into());
            }
        }
        (FieldKind::DateTime { not_in_future }, FieldValue::DateTime(instant)) => {
            if *not_in_future && *instant > now {
                fail("in_future", "cannot be in the future".into());
            }
        }
        (FieldKind::YesNo, FieldValue::YesNo(_)) => {}
        (FieldKind::SingleSelect { option_list }, FieldValue::Choice(choice)) => {
            if !config
                .option_lists
                .get(option_list)
                .is_some_and(|l| l.contains(choice))
            {
                fail("unknown_option", "not one of the options".into());
            }
        }
        (
            FieldKind::MultiSelect {
                option_list,
                max_choices,
            },
            FieldValue::Choices(choices),
        ) => {
            let list = config.option_lists.get(option_list);
            if choices.iter().any(|c| !list.is_some_and(|l| l.contains(c))) {
                fail(
                    "unknown_option",
                    "a choice is not one of the options".into(),
                );
            } else if choices
                .iter()
                .enumerate()
                .any(|(i, c)| choices[..i].contains(c))
            {
                fail("duplicate_option", "an option is chosen twice".into());
            } else if let Some(max) = max_choices
                && choices.len() as u32 > *max
            {
                fail("too_many_choices", format!("choose at most {max}"));
            }
        }
        (FieldKind::Location { min_level }, FieldValue::Location(code)) => {
            match config.location(code) {
                None => fail("unknown_location", "not a known location".into()),
                Some(location) if location.level < *min_level => {
                    fail(
                        "location_too_broad",
                        format!("choose at least a {}", min_level.as_str()),
                    );
                }
                Some(_) => {}
            }
        }
        (
            FieldKind::RepeatingGroup {
                fields,
                min_items,
                max_items,
            },
            FieldValue::Group(items),
        ) => {
            let count = items.len() as u32;
            if count > *max_items {
                fail("too_many_items", format!("at most {max_items}"));
            } else if count < *min_items {
                fail("too_few_items", format!("add at least {min_items}"));
            }
            for (index, item) in items.iter().enumerate() {
                check_group_item(
                    config,
                    fields,
                    item,
                    FieldPath::Item(&path, index),
                    now,
                    errors,
                );
            }
        }
        (kind, _) => fail(
            "wrong_type",
            format!("expected a value of type {}", kind.type_name()),
        ),
    }
}

fn check_group_item(
    config: &Configuration,
    members: &[Field],
    item: &GroupItem,
    path: FieldPath<'_>,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) {
    for id in item.keys() {
        if !members.iter().any(|m| &m.id == id) {
            errors.push(FieldError::new(
                format!("{path}.{id}"),
                "unknown_field",
                format!("there is no field \"{id}\" in this group"),
            ));
        }
    }
    let siblings: Vec<&Field> = members.iter().collect();
    for member in members {
        let member_path = FieldPath::Member(&path, &member.id);
        if !is_shown(member, &siblings, item) {
            not_asked(member, item.get(&member.id), member_path, errors);
            continue;
        }
        check_field(
            config,
            member,
            item.get(&member.id),
            member_path,
            true,
            now,
            errors,
        );
    }
}

/// Whether a field is asked, given the values among which its skip logic looks (the form's
/// top-level fields, or a group item's members): its condition holds, and the field it depends
/// on is itself asked. The loader has made sure that chains end.
pub fn is_shown(field: &Field, among: &[&Field], values: &CaseFields) -> bool {
    let mut current = field;
    for _ in 0..=among.len() {
        let Some(condition) = &current.show_when else {
            return true;
        };
        let holds = match values.get(&condition.field) {
            Some(FieldValue::YesNo(yes)) => condition
                .values
                .iter()
                .any(|v| v == if *yes { "yes" } else { "no" }),
            Some(FieldValue::Choice(id)) => condition.values.contains(id),
            Some(FieldValue::Choices(ids)) => ids.iter().any(|id| condition.values.contains(id)),
            _ => false,
        };
        if !holds {
            return false;
        }
        match among.iter().find(|f| f.id == condition.field) {
            Some(next) => current = next,
            None => return false,
        }
    }
    false
}

/// A field its skip logic leaves out takes no value (nor is it required).
fn not_asked(
    field: &Field,
    value: Option<&FieldValue>,
    path: FieldPath<'_>,
    errors: &mut Vec<FieldError>,
) {
    if value.is_some_and(|v| !is_empty(v)) {
        let on = field.show_when.as_ref().map_or("", |c| c.field.as_str());
        errors.push(FieldError::new(
            path.to_string(),
            "not_asked",
            format!("this question is asked only for some answers to \"{on}\": leave it empty"),
        ));
    }
}

/// New entries into what is retired: a retired field given a value it did not hold, an option
/// chosen that is no longer offered. Values a case already holds stay as they are (`before`);
/// clearing a value is always allowed.
pub fn retired_writes(
    config: &Configuration,
    case_type: &CaseType,
    set: &CaseFields,
    before: &CaseFields,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (id, value) in set {
        let Some(field) = case_type.form.field(id) else {
            continue;
        };
        let old = before.get(id);
        if old == Some(value) {
            continue;
        }
        if let (FieldValue::Group(items), FieldKind::RepeatingGroup { fields, .. }) =
            (value, &field.kind)
        {
            let old_items: &[GroupItem] = match old {
                Some(FieldValue::Group(old)) => old,
                _ => &[],
            };
            for (i, item) in items.iter().enumerate() {
                if old_items.contains(item) {
                    continue;
                }
                for member in fields {
                    if let Some(value) = item.get(&member.id) {
                        retired_entry(
                            config,
                            member,
                            value,
                            None,
                            &format!("{id}[{i}].{}", member.id),
                            &mut errors,
                        );
                    }
                }
            }
        }
        retired_entry(config, field, value, old, id, &mut errors);
    }
    errors
}

fn retired_entry(
    config: &Configuration,
    field: &Field,
    value: &FieldValue,
    old: Option<&FieldValue>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    if field.retired {
        errors.push(FieldError::new(
            path,
            "retired_field",
            "this field is retired: it keeps the values recorded but takes no new one",
        ));
        return;
    }
    let list = match &field.kind {
        FieldKind::SingleSelect { option_list } | FieldKind::MultiSelect { option_list, .. } => {
            config.option_lists.get(option_list)
        }
        _ => None,
    };
    let Some(list) = list else { return };
    let held = |id: &str| match old {
        Some(FieldValue::Choice(o)) => o == id,
        Some(FieldValue::Choices(o)) => o.iter().any(|c| c == id),
        _ => false,
    };
    let chosen: Vec<&String> = match value {
        FieldValue::Choice(id) => vec![id],
        FieldValue::Choices(ids) => ids.iter().collect(),
        _ => Vec::new(),
    };
    for id in chosen {
        let retired = list.options.iter().any(|o| &o.id == id && o.retired);
        if retired && !held(id) {
            errors.push(FieldError::new(
                path,
                "retired_option",
                format!("the option \"{id}\" is retired: it is no longer offered"),
            ));
        }
    }
}
