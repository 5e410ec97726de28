//! A projected case (the access policy's view of it for one user) as JSON: the values the user
//! may see, and the paths of those withheld from them.

use crate::values::value_to_json;
use caseward_domain::access::projection::Projected;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `(fields, restricted)`: visible values by field id, and withheld paths such as
/// `safety_plan` or `contacts[0].phone`.
pub fn projection_to_json(
    projected: &BTreeMap<String, Projected>,
) -> (Map<String, Value>, Vec<String>) {
    let mut fields = Map::new();
    let mut restricted = Vec::new();
    for (id, value) in projected {
        match value {
            Projected::Value(value) => {
                fields.insert(id.clone(), value_to_json(value));
            }
            Projected::Restricted => restricted.push(id.clone()),
            Projected::Group(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let mut entry = Map::new();
                    for (member, value) in item {
                        match value {
                            Projected::Value(value) => {
                                entry.insert(member.clone(), value_to_json(value));
                            }
                            _ => restricted.push(format!("{id}[{index}].{member}")),
                        }
                    }
                    entries.push(Value::Object(entry));
                }
                fields.insert(id.clone(), Value::Array(entries));
            }
        }
    }
    (fields, restricted)
}
