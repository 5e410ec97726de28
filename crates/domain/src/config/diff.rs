//! A readable difference between two configurations, entity by entity: a stage, an option, a
//! field of a section of a case type, wherever the files put them. Moving an entity to another
//! file, reordering files or changing comments is no change; a changed key is shown with its
//! value before and after.

use super::load::SourceFile;
use std::collections::BTreeMap;
use std::fmt;
use toml::{Table, Value};

/// What happened to one entity of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    /// A key of the entity (`classification`, `label.fr`) changed; `None`: absent on that side.
    Changed {
        key: String,
        before: Option<String>,
        after: Option<String>,
    },
}

/// One change, e.g. ``case type `gbv` › section `safety` › field `safe_shelter` ``: added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub entity: String,
    pub kind: ChangeKind,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ChangeKind::Added => write!(f, "{}: added", self.entity),
            ChangeKind::Removed => write!(f, "{}: removed", self.entity),
            ChangeKind::Changed { key, before, after } => write!(
                f,
                "{}: {key}: {} → {}",
                self.entity,
                before.as_deref().unwrap_or("(none)"),
                after.as_deref().unwrap_or("(none)")
            ),
        }
    }
}

/// The changes from `before` to `after`, in the order of the entities' names. A file of
/// `after` that is not valid TOML counts as unchanged (the loader reports it).
pub fn diff(before: &[SourceFile], after: &[SourceFile]) -> Vec<Change> {
    let old = entities(before);
    let readable: Vec<SourceFile> = after
        .iter()
        .filter_map(|file| {
            if file.text.parse::<Table>().is_ok() {
                Some(file.clone())
            } else {
                before.iter().find(|b| b.name == file.name).cloned()
            }
        })
        .collect();
    let new = entities(&readable);
    let mut changes = Vec::new();
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        match (old.get(name), new.get(name)) {
            (None, Some(_)) => changes.push(Change {
                entity: name.clone(),
                kind: ChangeKind::Added,
            }),
            (Some(_), None) => changes.push(Change {
                entity: name.clone(),
                kind: ChangeKind::Removed,
            }),
            (Some(a), Some(b)) => {
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    let (x, y) = (a.get(key), b.get(key));
                    if x != y {
                        changes.push(Change {
                            entity: name.clone(),
                            kind: ChangeKind::Changed {
                                key: key.clone(),
                                before: x.cloned(),
                                after: y.cloned(),
                            },
                        });
                    }
                }
            }
            (None, None) => {}
        }
    }
    changes
}

/// Every entity's own keys, flattened (`label.en`), rendered as TOML values.
type Entities = BTreeMap<String, BTreeMap<String, String>>;

/// Arrays of tables that are entities of their own, and how they are named.
const NESTED: [(&str, &str, &str); 8] = [
    ("stage", "stage", "id"),
    ("option_list", "option list", "id"),
    ("option", "option", "id"),
    ("closure_reason", "closure reason", "id"),
    ("location", "location", "code"),
    ("role", "role", "id"),
    ("section", "section", "id"),
    ("field", "field", "id"),
];

fn entities(files: &[SourceFile]) -> Entities {
    let mut out = Entities::new();
    for file in files {
        let Ok(table) = file.text.parse::<Table>() else {
            continue;
        };
        // Sections and transitions belong to the file's case type.
        let case_type = table
            .get("case_type")
            .and_then(|t| t.get("id"))
            .and_then(Value::as_str)
            .map(|id| format!("case type `{id}`"));
        for singleton in ["instance", "calendar", "deadlines"] {
            if let Some(Value::Table(t)) = table.get(singleton) {
                add(&mut out, format!("[{singleton}]"), t);
            }
        }
        if let (Some(name), Some(Value::Table(t))) = (&case_type, table.get("case_type")) {
            add(&mut out, name.clone(), t);
        }
        let scope = case_type.clone().unwrap_or_else(|| "(no case type)".into());
        for transition in tables(&table, "transition") {
            let from = transition
                .get("from")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let to = transition.get("to").and_then(Value::as_str).unwrap_or("?");
            add(
                &mut out,
                format!("{scope} › transition `{from} → {to}`"),
                transition,
            );
        }
        for key in ["stage", "option_list", "closure_reason", "location", "role"] {
            nested(&mut out, None, &table, key);
        }
        nested(&mut out, Some(&scope), &table, "section");
    }
    out
}

/// The arrays of tables under `key` (e.g. `[[stage]]`).
fn tables<'a>(table: &'a Table, key: &str) -> impl Iterator<Item = &'a Table> {
    table
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
}

fn nested(out: &mut Entities, parent: Option<&str>, table: &Table, key: &str) {
    let Some((_, noun, id_key)) = NESTED.iter().find(|(k, _, _)| *k == key) else {
        return;
    };
    for (index, item) in tables(table, key).enumerate() {
        let id = item
            .get(*id_key)
            .and_then(Value::as_str)
            .map(|id| format!("`{id}`"))
            .unwrap_or_else(|| format!("#{}", index + 1));
        let name = match parent {
            Some(parent) => format!("{parent} › {noun} {id}"),
            None => format!("{noun} {id}"),
        };
        add(out, name.clone(), item);
        for child in ["option", "field"] {
            nested(out, Some(&name), item, child);
        }
    }
}

/// Record an entity's own keys: everything but the arrays of tables that are entities.
fn add(out: &mut Entities, name: String, table: &Table) {
    let mut keys = BTreeMap::new();
    flatten(&mut keys, "", table);
    out.insert(name, keys);
}

fn flatten(keys: &mut BTreeMap<String, String>, prefix: &str, table: &Table) {
    for (key, value) in table {
        let path = format!("{prefix}{key}");
        match value {
            Value::Table(inner) => flatten(keys, &format!("{path}."), inner),
            Value::Array(items)
                if NESTED.iter().any(|(k, _, _)| k == key) && items.iter().all(Value::is_table) =>
            {
                // An entity of its own (named by `nested`), unless the array is empty.
                if items.is_empty() {
                    keys.insert(path, "[]".into());
                }
            }
            other => {
                keys.insert(path, other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<SourceFile> {
        vec![SourceFile {
            name: "a.toml".into(),
            text: text.into(),
        }]
    }

    const BASE: &str = r#"
[case_type]
id = "gbv"
stages = ["a", "b"]

[[stage]]
id = "a"
label = { en = "A" }

[[section]]
id = "s"
label = { en = "S" }

[[section.field]]
id = "x"
type = "short_text"
classification = "standard"
label = { en = "X", fr = "X fr" }
"#;

    #[test]
    fn the_same_configuration_has_no_change_whatever_the_files_or_comments() {
        let mut split = files("# a comment\n[[stage]]\nid = \"a\"\nlabel = { en = \"A\" }\n");
        split.push(SourceFile {
            name: "b.toml".into(),
            text: BASE.replace("[[stage]]\nid = \"a\"\nlabel = { en = \"A\" }\n", ""),
        });
        assert_eq!(diff(&files(BASE), &split), vec![]);
    }

    #[test]
    fn a_field_added_and_a_classification_changed_are_named_by_their_entity() {
        let after = BASE.replace("\"standard\"", "\"confidential\"")
            + "\n[[section.field]]\nid = \"y\"\ntype = \"yes_no\"\nclassification = \"standard\"\nlabel = { en = \"Y\" }\n";
        let changes: Vec<String> = diff(&files(BASE), &files(&after))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            changes,
            vec![
                "case type `gbv` › section `s` › field `x`: classification: \"standard\" → \"confidential\"",
                "case type `gbv` › section `s` › field `y`: added",
            ]
        );
    }

    #[test]
    fn removed_entities_and_keys_are_shown() {
        let after = BASE
            .replace("[[stage]]\nid = \"a\"\nlabel = { en = \"A\" }\n", "")
            .replace(", fr = \"X fr\"", "");
        let changes: Vec<String> = diff(&files(BASE), &files(&after))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            changes,
            vec![
                "case type `gbv` › section `s` › field `x`: label.fr: \"X fr\" → (none)",
                "stage `a`: removed",
            ]
        );
    }
}
