//! A projected case (the access policy's view of it for one user) as JSON: the values the user
//! may see, and the paths of those withheld from them.
//!
//! The values are written once, straight from the case into the response's text (no
//! `serde_json::Value` copy of them in between: a case read writes every visible value).

use crate::values::{JsonItem, JsonValue};
use caseward_domain::access::projection::Projected;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A case's projection as JSON.
pub struct ProjectionJson {
    /// The visible values by field id, as a JSON object.
    pub fields: Box<RawValue>,
    /// The ids of the fields shown (in full or in part).
    pub shown: Vec<String>,
    /// Withheld paths such as `safety_plan` or `contacts[0].phone`.
    pub restricted: Vec<String>,
}

pub fn projection_to_json(projected: &BTreeMap<&str, Projected<'_>>) -> ProjectionJson {
    let mut restricted = Vec::new();
    let mut shown = Vec::new();
    for (id, value) in projected {
        match value {
            Projected::Value(_) => shown.push(id.to_string()),
            Projected::Restricted => restricted.push(id.to_string()),
            Projected::Group(items) => {
                shown.push(id.to_string());
                for (index, item) in items.iter().enumerate() {
                    for (member, value) in item {
                        if !matches!(value, Projected::Value(_)) {
                            restricted.push(format!("{id}[{index}].{member}"));
                        }
                    }
                }
            }
        }
    }
    let fields = serde_json::value::to_raw_value(&Visible(projected))
        .expect("field values always serialise");
    ProjectionJson {
        fields,
        shown,
        restricted,
    }
}

/// The visible values of a projection, written as a JSON object.
struct Visible<'p, 'a>(&'p BTreeMap<&'a str, Projected<'a>>);

impl Serialize for Visible<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (id, value) in self.0 {
            match value {
                Projected::Value(value) => map.serialize_entry(id, &JsonValue(value))?,
                Projected::Restricted => {}
                Projected::Group(items) => {
                    let items: Vec<_> = items
                        .iter()
                        .map(|item| {
                            JsonItem(item.iter().filter_map(|(member, value)| match value {
                                Projected::Value(value) => Some((*member, *value)),
                                _ => None,
                            }))
                        })
                        .collect();
                    map.serialize_entry(id, &items)?
                }
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use caseward_domain::case::{FieldValue, GroupItem};
    use chrono::{DateTime, NaiveDate};
    use serde_json::json;

    #[test]
    fn visible_values_are_written_and_withheld_ones_named() {
        let text = FieldValue::Text("in \"care\"".into());
        let number = FieldValue::Number(12.5);
        let date = FieldValue::Date(NaiveDate::from_ymd_opt(2026, 2, 3).unwrap());
        let instant = FieldValue::DateTime(DateTime::from_timestamp(1_769_853_600, 0).unwrap());
        let choices = FieldValue::Choices(vec!["a".into(), "b".into()]);
        let relation = FieldValue::Text("sister".into());
        let whole_group = FieldValue::Group(vec![GroupItem::from([(
            "name".to_string(),
            FieldValue::YesNo(true),
        )])]);
        let projected = BTreeMap::from([
            ("note", Projected::Value(&text)),
            ("age", Projected::Value(&number)),
            ("born", Projected::Value(&date)),
            ("seen", Projected::Value(&instant)),
            ("needs", Projected::Value(&choices)),
            ("safety_plan", Projected::Restricted),
            ("siblings", Projected::Value(&whole_group)),
            (
                "contacts",
                Projected::Group(vec![
                    BTreeMap::from([
                        ("relation", Projected::Value(&relation)),
                        ("phone", Projected::Restricted),
                    ]),
                    BTreeMap::from([("phone", Projected::Restricted)]),
                ]),
            ),
        ]);
        let json = projection_to_json(&projected);
        let fields: serde_json::Value = serde_json::from_str(json.fields.get()).unwrap();
        assert_eq!(
            fields,
            json!({
                "note": "in \"care\"",
                "age": 12.5,
                "born": "2026-02-03",
                "seen": "2026-01-31T10:00:00Z",
                "needs": ["a", "b"],
                "siblings": [{ "name": true }],
                "contacts": [{ "relation": "sister" }, {}],
            })
        );
        assert_eq!(
            json.restricted,
            ["contacts[0].phone", "contacts[1].phone", "safety_plan"]
        );
        assert_eq!(
            json.shown,
            [
                "age", "born", "contacts", "needs", "note", "seen", "siblings"
            ]
        );
    }
}
