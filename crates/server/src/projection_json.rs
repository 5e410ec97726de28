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
