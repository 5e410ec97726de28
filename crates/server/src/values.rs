//! Case field values between JSON and the domain, typed by the form.
//!
//! Parsing collects every problem (unknown field, wrong type) as a [`FieldError`] so that one
//! response lists them all. Messages never contain the submitted value.

use caseward_domain::case::{CaseFields, FieldValue, GroupItem};
use caseward_domain::config::{CaseType, Field, FieldKind};
use caseward_domain::validate::FieldError;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

/// What a request asks to do with the fields it names.
#[derive(Debug, Default)]
pub struct FieldChanges {
    pub set: CaseFields,
    /// Fields sent as `null`: to be cleared.
    pub cleared: Vec<String>,
}

/// Parse a request's `fields` object. `null` clears a field when `allow_null`, and is refused
/// otherwise.
pub fn parse_fields(
    case_type: &CaseType,
    fields: &Map<String, Value>,
    allow_null: bool,
) -> Result<FieldChanges, Vec<FieldError>> {
    let mut changes = FieldChanges::default();
    let mut errors = Vec::new();
    for (id, value) in fields {
        let Some(field) = case_type.form.field(id) else {
            errors.push(FieldError::new(
                id,
                "unknown_field",
                format!("there is no field \"{}\" in this form", truncate(id)),
            ));
            continue;
        };
        if value.is_null() {
            if allow_null {
                changes.cleared.push(id.clone());
            } else {
                errors.push(FieldError::new(
                    id,
                    "wrong_type",
                    "leave the field out instead of sending null",
                ));
            }
            continue;
        }
        match parse_value(field, value, id, &mut errors) {
            Some(parsed) => {
                changes.set.insert(id.clone(), parsed);
            }
            None => continue,
        }
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(errors)
    }
}

/// Unknown ids are echoed in messages; keep them short.
fn truncate(id: &str) -> String {
    id.chars().take(64).collect()
}

fn wrong(errors: &mut Vec<FieldError>, path: &str, expected: &str) -> Option<FieldValue> {
    errors.push(FieldError::new(
        path,
        "wrong_type",
        format!("expected {expected}"),
    ));
    None
}

fn parse_value(
    field: &Field,
    value: &Value,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<FieldValue> {
    match &field.kind {
        FieldKind::ShortText { .. } | FieldKind::LongText { .. } => match value {
            Value::String(text) => Some(FieldValue::Text(text.clone())),
            _ => wrong(errors, path, "text"),
        },
        FieldKind::Number { .. } => match value.as_f64() {
            Some(number) => Some(FieldValue::Number(number)),
            None => wrong(errors, path, "a number"),
        },
        FieldKind::Date { .. } => match value
            .as_str()
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        {
            Some(date) => Some(FieldValue::Date(date)),
            None => wrong(errors, path, "a date as YYYY-MM-DD"),
        },
        FieldKind::DateTime { .. } => match value
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            Some(instant) => Some(FieldValue::DateTime(instant.with_timezone(&Utc))),
            None => wrong(errors, path, "a date and time in RFC 3339 form"),
        },
        FieldKind::YesNo => match value {
            Value::Bool(flag) => Some(FieldValue::YesNo(*flag)),
            _ => wrong(errors, path, "true or false"),
        },
        FieldKind::SingleSelect { .. } => match value {
            Value::String(choice) => Some(FieldValue::Choice(choice.clone())),
            _ => wrong(errors, path, "an option id"),
        },
        FieldKind::MultiSelect { .. } => {
            let choices: Option<Vec<String>> = value.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect()
            });
            match choices {
                Some(choices) => Some(FieldValue::Choices(choices)),
                None => wrong(errors, path, "a list of option ids"),
            }
        }
        FieldKind::Location { .. } => match value {
            Value::String(code) => Some(FieldValue::Location(code.clone())),
            _ => wrong(errors, path, "a location code"),
        },
        FieldKind::RepeatingGroup { fields, .. } => {
            let Some(items) = value.as_array() else {
                return wrong(errors, path, "a list of entries");
            };
            let before = errors.len();
            let mut parsed = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{index}]");
                let Some(members) = item.as_object() else {
                    wrong(errors, &item_path, "an object of member fields");
                    continue;
                };
                let mut entry = GroupItem::new();
                for (id, member_value) in members {
                    let member_path = format!("{item_path}.{}", truncate(id));
                    let Some(member) = fields.iter().find(|f| &f.id == id) else {
                        errors.push(FieldError::new(
                            member_path,
                            "unknown_field",
                            "there is no such field in this group",
                        ));
                        continue;
                    };
                    if member_value.is_null() {
                        continue;
                    }
                    if let Some(v) = parse_value(member, member_value, &member_path, errors) {
                        entry.insert(id.clone(), v);
                    }
                }
                parsed.push(entry);
            }
            (errors.len() == before).then_some(FieldValue::Group(parsed))
        }
    }
}

/// One value written as JSON (see the field value table in docs/API.md), straight from the
/// case's value.
pub struct JsonValue<'a>(pub &'a FieldValue);

impl serde::Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self.0 {
            FieldValue::Text(text) => serializer.serialize_str(text),
            FieldValue::Number(number) => serializer.serialize_f64(*number),
            FieldValue::Date(date) => crate::iso_time::serialize_date(date, serializer),
            FieldValue::DateTime(instant) => {
                crate::iso_time::serialize_seconds(instant, serializer)
            }
            FieldValue::YesNo(flag) => serializer.serialize_bool(*flag),
            FieldValue::Choice(choice) | FieldValue::Location(choice) => {
                serializer.serialize_str(choice)
            }
            FieldValue::Choices(choices) => serializer.collect_seq(choices),
            FieldValue::Group(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&JsonItem(item.iter()))?;
                }
                seq.end()
            }
        }
    }
}

/// A group item (or any member list) written as a JSON object.
pub struct JsonItem<I>(pub I);

impl<'a, K, I> serde::Serialize for JsonItem<I>
where
    K: serde::Serialize + 'a,
    I: Iterator<Item = (K, &'a FieldValue)> + Clone,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.clone().map(|(k, v)| (k, JsonValue(v))))
    }
}
