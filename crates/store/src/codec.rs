//! The stored form of case fields: self-describing JSON (each value tagged with its kind), so
//! that a document reads back without its schema.

use crate::StoreError;
use caseward_domain::case::{CaseFields, FieldValue, GroupItem};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

pub fn encode(fields: &CaseFields) -> Vec<u8> {
    let map: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), encode_value(v)))
        .collect();
    serde_json::to_vec(&Value::Object(map)).expect("JSON maps always serialise")
}

fn encode_value(value: &FieldValue) -> Value {
    match value {
        FieldValue::Text(text) => json!({ "text": text }),
        FieldValue::Number(number) => json!({ "number": number }),
        FieldValue::Date(date) => json!({ "date": date.to_string() }),
        FieldValue::DateTime(instant) => json!({ "date_time": instant.to_rfc3339() }),
        FieldValue::YesNo(flag) => json!({ "yes_no": flag }),
        FieldValue::Choice(choice) => json!({ "choice": choice }),
        FieldValue::Choices(choices) => json!({ "choices": choices }),
        FieldValue::Location(code) => json!({ "location": code }),
        FieldValue::Group(items) => {
            let items: Vec<Value> = items
                .iter()
                .map(|item| {
                    Value::Object(
                        item.iter()
                            .map(|(k, v)| (k.clone(), encode_value(v)))
                            .collect(),
                    )
                })
                .collect();
            json!({ "group": items })
        }
    }
}

pub fn decode(bytes: &[u8]) -> Result<CaseFields, StoreError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    decode_map(&value)
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("case document: {what}"))
}

fn decode_map(value: &Value) -> Result<GroupItem, StoreError> {
    let map = value.as_object().ok_or_else(|| corrupt("not an object"))?;
    map.iter()
        .map(|(k, v)| Ok((k.clone(), decode_value(v)?)))
        .collect()
}

fn decode_value(value: &Value) -> Result<FieldValue, StoreError> {
    let map = value
        .as_object()
        .filter(|m| m.len() == 1)
        .ok_or_else(|| corrupt("untagged value"))?;
    let (tag, inner) = map.iter().next().expect("one entry");
    let text = || {
        inner
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| corrupt(tag))
    };
    Ok(match tag.as_str() {
        "text" => FieldValue::Text(text()?),
        "number" => FieldValue::Number(inner.as_f64().ok_or_else(|| corrupt(tag))?),
        "date" => FieldValue::Date(text()?.parse::<NaiveDate>().map_err(|_| corrupt(tag))?),
        "date_time" => FieldValue::DateTime(
            DateTime::parse_from_rfc3339(&text()?)
                .map_err(|_| corrupt(tag))?
                .with_timezone(&Utc),
        ),
        "yes_no" => FieldValue::YesNo(inner.as_bool().ok_or_else(|| corrupt(tag))?),
        "choice" => FieldValue::Choice(text()?),
        "choices" => FieldValue::Choices(
            inner
                .as_array()
                .ok_or_else(|| corrupt(tag))?
                .iter()
                .map(|c| c.as_str().map(str::to_string).ok_or_else(|| corrupt(tag)))
                .collect::<Result<_, _>>()?,
        ),
        "location" => FieldValue::Location(text()?),
        "group" => FieldValue::Group(
            inner
                .as_array()
                .ok_or_else(|| corrupt(tag))?
                .iter()
                .map(decode_map)
                .collect::<Result<_, _>>()?,
        ),
        _ => return Err(corrupt("unknown tag")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaf() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            ".*".prop_map(FieldValue::Text),
            (-1.0e12f64..1.0e12).prop_map(FieldValue::Number),
            (1900i32..2100, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| FieldValue::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())),
            (0i64..4_000_000_000)
                .prop_map(|s| FieldValue::DateTime(DateTime::from_timestamp(s, 0).unwrap())),
            any::<bool>().prop_map(FieldValue::YesNo),
            "[a-z_]{1,12}".prop_map(FieldValue::Choice),
            proptest::collection::vec("[a-z_]{1,12}", 0..4).prop_map(FieldValue::Choices),
            "[A-Z0-9-]{1,12}".prop_map(FieldValue::Location),
        ]
    }

    fn value() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            4 => leaf(),
            1 => proptest::collection::vec(proptest::collection::btree_map("[a-z_]{1,8}", leaf(), 0..4), 0..3)
                .prop_map(FieldValue::Group),
        ]
    }

    proptest! {
        #[test]
        fn documents_round_trip(fields in proptest::collection::btree_map("[a-z_]{1,10}", value(), 0..8)) {
            let decoded = decode(&encode(&fields)).unwrap();
            prop_assert_eq!(decoded, fields);
        }
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        for bad in [
            &b"not json"[..],
            b"[]",
            br#"{"a": 1}"#,
            br#"{"a": {"x": 1}}"#,
            br#"{"a": {"date": "2026-13-01"}}"#,
        ] {
            assert!(matches!(decode(bad), Err(StoreError::Corrupt(_))));
        }
    }
}
