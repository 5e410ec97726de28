//! Changes to the configuration as the web app's editors make them: put (add or replace) or
//! remove one entity — a stage, an option list, a case type's attributes, a section, a field,
//! the transitions — in the newest version's files. The files are edited in place (comments
//! and layout kept, a new entity put where its kind already lives), then judged whole like
//! any proposed version. An entity's value is its table as the files write it, in JSON.

use caseward_domain::config::SourceFile;
use caseward_domain::validate::FieldError;
use serde::Deserialize;
use serde_json::Value;
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table};
use utoipa::ToSchema;

/// Which entity a change is about.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConfigEntity {
    Instance,
    Calendar,
    Deadlines,
    Stage {
        id: String,
    },
    OptionList {
        id: String,
    },
    ClosureReason {
        id: String,
    },
    Location {
        code: String,
    },
    Role {
        id: String,
    },
    /// A case type's own attributes (not its sections or transitions).
    CaseType {
        id: String,
    },
    /// A section's own attributes (`id`, `label`, `stage`); its fields stay.
    Section {
        case_type: String,
        id: String,
    },
    /// A top-level field of a section (a repeating group with its member fields).
    Field {
        case_type: String,
        section: String,
        id: String,
    },
    /// A transition of a case type, known by where it leaves from and goes to (as the file
    /// writes `from`, e.g. `["assessment"]` or `["*"]`).
    Transition {
        case_type: String,
        from: Vec<String>,
        to: String,
    },
}

/// One change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConfigChange {
    /// Add the entity, or replace it if it exists. A new stage, option list, section or field
    /// goes after the one named by `after` (default: last).
    Put {
        entity: ConfigEntity,
        #[schema(value_type = Object)]
        value: Value,
        #[serde(default)]
        after: Option<String>,
    },
    Remove {
        entity: ConfigEntity,
    },
}

/// The entities of a configuration as the editors work on them: each one's table as the
/// files write it, in JSON (the values `ConfigChange::Put` takes).
#[derive(Debug, Default, serde::Serialize, ToSchema)]
pub struct ConfigEntitiesView {
    /// The version these are from (a change is based on it).
    pub version: u32,
    #[schema(value_type = Object)]
    pub instance: Value,
    #[schema(value_type = Option<Object>)]
    pub calendar: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub deadlines: Option<Value>,
    #[schema(value_type = Vec<Object>)]
    pub stages: Vec<Value>,
    /// Each with its `option` list.
    #[schema(value_type = Vec<Object>)]
    pub option_lists: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub closure_reasons: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub locations: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub roles: Vec<Value>,
    pub case_types: Vec<CaseTypeEntitiesView>,
}

/// A case type's own attributes, its sections (each with its `field` list) and transitions.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct CaseTypeEntitiesView {
    #[schema(value_type = Object)]
    pub case_type: Value,
    #[schema(value_type = Vec<Object>)]
    pub sections: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub transitions: Vec<Value>,
}

/// The entities of `files` (which load: they are a stored version's).
pub fn entities(version: u32, files: &[SourceFile]) -> ConfigEntitiesView {
    let mut view = ConfigEntitiesView {
        version,
        ..Default::default()
    };
    let list = |table: &toml::Table, key: &str| -> Vec<Value> {
        table
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|items| items.iter().map(json_of).collect())
            .unwrap_or_default()
    };
    for file in files {
        let Ok(table) = file.text.parse::<toml::Table>() else {
            continue;
        };
        if let Some(instance) = table.get("instance") {
            view.instance = json_of(instance);
        }
        view.calendar = view.calendar.or(table.get("calendar").map(json_of));
        view.deadlines = view.deadlines.or(table.get("deadlines").map(json_of));
        view.stages.extend(list(&table, "stage"));
        view.option_lists.extend(list(&table, "option_list"));
        view.closure_reasons.extend(list(&table, "closure_reason"));
        view.locations.extend(list(&table, "location"));
        view.roles.extend(list(&table, "role"));
        if let Some(case_type) = table.get("case_type") {
            view.case_types.push(CaseTypeEntitiesView {
                case_type: json_of(case_type),
                sections: list(&table, "section"),
                transitions: list(&table, "transition"),
            });
        }
    }
    view
}

pub(crate) fn json_of(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(json_of).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.iter().map(|(k, v)| (k.clone(), json_of(v))).collect())
        }
    }
}

/// The files with the changes applied, or every change that could not be (by its index).
pub fn apply(
    files: &[SourceFile],
    changes: &[ConfigChange],
) -> Result<Vec<SourceFile>, Vec<FieldError>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match file.text.parse::<DocumentMut>() {
            Ok(doc) => docs.push((file.name.clone(), doc)),
            Err(_) => errors.push(FieldError::new(
                file.name.clone(),
                "invalid_configuration",
                "the stored file does not parse",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut editor = Editor { docs };
    for (i, change) in changes.iter().enumerate() {
        if let Err(problem) = editor.apply(change) {
            errors.push(FieldError::new(
                format!("changes[{i}]"),
                "cannot_apply",
                problem,
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(editor
        .docs
        .into_iter()
        .map(|(name, doc)| SourceFile {
            name,
            text: doc.to_string(),
        })
        .collect())
}

struct Editor {
    docs: Vec<(String, DocumentMut)>,
}

/// Where entities of a kind live: the array's key and the key of their id.
fn array_of(entity: &ConfigEntity) -> Option<(&'static str, &'static str, &str, &'static str)> {
    // (array key, id key, id, default file)
    match entity {
        ConfigEntity::Stage { id } => Some(("stage", "id", id, "instance.toml")),
        ConfigEntity::OptionList { id } => {
            Some(("option_list", "id", id, "option_lists/common.toml"))
        }
        ConfigEntity::ClosureReason { id } => Some(("closure_reason", "id", id, "instance.toml")),
        ConfigEntity::Location { code } => Some(("location", "code", code, "locations.toml")),
        ConfigEntity::Role { id } => Some(("role", "id", id, "roles.toml")),
        _ => None,
    }
}

fn id_of<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Item::as_str)
}

impl Editor {
    fn apply(&mut self, change: &ConfigChange) -> Result<(), String> {
        let (entity, value, after) = match change {
            ConfigChange::Put {
                entity,
                value,
                after,
            } => (entity, Some(value), after.as_deref()),
            ConfigChange::Remove { entity } => (entity, None, None),
        };
        let table = value.map(to_table).transpose()?;
        match entity {
            ConfigEntity::Instance | ConfigEntity::Calendar | ConfigEntity::Deadlines => {
                let key = match entity {
                    ConfigEntity::Instance => "instance",
                    ConfigEntity::Calendar => "calendar",
                    _ => "deadlines",
                };
                let index = self
                    .docs
                    .iter()
                    .position(|(_, d)| d.contains_key(key))
                    .unwrap_or_else(|| self.file("instance.toml"));
                let doc = &mut self.docs[index].1;
                match table {
                    Some(table) => put_table(doc, key, table),
                    None if key == "instance" => return Err("[instance] cannot be removed".into()),
                    None => {
                        doc.remove(key);
                    }
                }
                Ok(())
            }
            ConfigEntity::CaseType { id } => {
                let index = match self.case_type_file(id) {
                    Some(index) => index,
                    None if table.is_some() => self.file(&format!("case_types/{id}.toml")),
                    None => return Err(format!("there is no case type `{id}`")),
                };
                let doc = &mut self.docs[index].1;
                match table {
                    Some(table) => {
                        check_id(&table, "id", id)?;
                        put_table(doc, "case_type", table);
                    }
                    None => {
                        // The case type goes with its sections and transitions; anything else
                        // the file holds stays, and an emptied file goes.
                        for key in ["case_type", "section", "transition"] {
                            doc.remove(key);
                        }
                        if doc.is_empty() {
                            self.docs.remove(index);
                        }
                    }
                }
                Ok(())
            }
            ConfigEntity::Section { case_type, id } => {
                let index = self.require_case_type(case_type)?;
                let sections = array(&mut self.docs[index].1, "section");
                let found = position(sections, "id", id);
                match (table, found) {
                    (Some(mut table), Some(at)) => {
                        check_id(&table, "id", id)?;
                        let old = sections.get_mut(at).expect("found");
                        if let Some(fields) = old.remove("field") {
                            table.insert("field", fields);
                        }
                        replace(old, table);
                    }
                    (Some(table), None) => {
                        check_id(&table, "id", id)?;
                        insert_after(sections, table, "id", after)?;
                    }
                    (None, Some(at)) => sections.remove(at),
                    (None, None) => {
                        return Err(format!("case type `{case_type}` has no section `{id}`"));
                    }
                }
                Ok(())
            }
            ConfigEntity::Field {
                case_type,
                section,
                id,
            } => {
                let index = self.require_case_type(case_type)?;
                let sections = array(&mut self.docs[index].1, "section");
                let at = position(sections, "id", section)
                    .ok_or_else(|| format!("case type `{case_type}` has no section `{section}`"))?;
                let section_table = sections.get_mut(at).expect("found");
                if !section_table.contains_key("field") {
                    section_table.insert("field", Item::ArrayOfTables(ArrayOfTables::new()));
                }
                let fields = section_table
                    .get_mut("field")
                    .and_then(Item::as_array_of_tables_mut)
                    .ok_or_else(|| {
                        format!("section `{section}`: `field` is not a list of tables")
                    })?;
                let found = position(fields, "id", id);
                match (table, found) {
                    (Some(table), Some(at)) => {
                        check_id(&table, "id", id)?;
                        replace(fields.get_mut(at).expect("found"), table);
                    }
                    (Some(table), None) => {
                        check_id(&table, "id", id)?;
                        insert_after(fields, table, "id", after)?;
                    }
                    (None, Some(at)) => fields.remove(at),
                    (None, None) => {
                        return Err(format!("section `{section}` has no field `{id}`"));
                    }
                }
                Ok(())
            }
            ConfigEntity::Transition {
                case_type,
                from,
                to,
            } => {
                let index = self.require_case_type(case_type)?;
                let transitions = array(&mut self.docs[index].1, "transition");
                let same = |t: &Table| {
                    t.get("to").and_then(Item::as_str) == Some(to.as_str())
                        && t.get("from").and_then(Item::as_array).is_some_and(|a| {
                            a.iter()
                                .map(|v| v.as_str())
                                .eq(from.iter().map(|f| Some(f.as_str())))
                        })
                };
                let found = transitions.iter().position(same);
                match (table, found) {
                    (Some(table), found) => {
                        if !same(&table) {
                            return Err("the value's `from` and `to` must be the entity's".into());
                        }
                        match found {
                            Some(at) => replace(transitions.get_mut(at).expect("found"), table),
                            None => transitions.push(ordered(table, None)),
                        }
                    }
                    (None, Some(at)) => transitions.remove(at),
                    (None, None) => {
                        return Err(format!(
                            "case type `{case_type}` has no transition from {from:?} to `{to}`"
                        ));
                    }
                }
                Ok(())
            }
            ConfigEntity::Stage { .. }
            | ConfigEntity::OptionList { .. }
            | ConfigEntity::ClosureReason { .. }
            | ConfigEntity::Location { .. }
            | ConfigEntity::Role { .. } => {
                let (key, id_key, id, default) = array_of(entity).expect("an array entity");
                let holder = self.docs.iter().position(|(_, d)| {
                    d.get(key)
                        .and_then(Item::as_array_of_tables)
                        .is_some_and(|a| a.iter().any(|t| id_of(t, id_key) == Some(id)))
                });
                match (table, holder) {
                    (Some(table), Some(index)) => {
                        check_id(&table, id_key, id)?;
                        let items = array(&mut self.docs[index].1, key);
                        let at = position(items, id_key, id).expect("held");
                        replace(items.get_mut(at).expect("found"), table);
                    }
                    (Some(table), None) => {
                        check_id(&table, id_key, id)?;
                        let index = self
                            .docs
                            .iter()
                            .position(|(_, d)| d.contains_key(key))
                            .unwrap_or_else(|| self.file(default));
                        insert_after(array(&mut self.docs[index].1, key), table, id_key, after)?;
                    }
                    (None, Some(index)) => {
                        let items = array(&mut self.docs[index].1, key);
                        let at = position(items, id_key, id).expect("held");
                        items.remove(at);
                    }
                    (None, None) => return Err(format!("there is no {key} `{id}`")),
                }
                Ok(())
            }
        }
    }

    /// The index of the file named `name`, created empty if there is none.
    fn file(&mut self, name: &str) -> usize {
        if let Some(index) = self.docs.iter().position(|(n, _)| n == name) {
            return index;
        }
        self.docs.push((name.to_string(), DocumentMut::new()));
        self.docs.sort_by(|a, b| a.0.cmp(&b.0));
        self.docs
            .iter()
            .position(|(n, _)| n == name)
            .expect("just added")
    }

    fn case_type_file(&self, id: &str) -> Option<usize> {
        self.docs.iter().position(|(_, d)| {
            d.get("case_type")
                .and_then(Item::as_table)
                .is_some_and(|t| id_of(t, "id") == Some(id))
        })
    }

    fn require_case_type(&self, id: &str) -> Result<usize, String> {
        self.case_type_file(id)
            .ok_or_else(|| format!("there is no case type `{id}`"))
    }
}

/// Put a top-level table (`[instance]`, `[case_type]`): in place of the one there, if any.
fn put_table(doc: &mut DocumentMut, key: &str, table: Table) {
    match doc.get_mut(key).and_then(Item::as_table_mut) {
        Some(old) => replace(old, table),
        None => {
            doc.insert(key, Item::Table(ordered(table, None)));
        }
    }
}

/// Replace a table's keys, keeping where it stands, the comments above it and the order of
/// the keys it had.
fn replace(old: &mut Table, new: Table) {
    let mut new = ordered(new, Some(old));
    *new.decor_mut() = old.decor().clone();
    new.set_position(old.position().unwrap_or_default());
    *old = new;
}

/// `table`'s keys in the order of `like`'s, then the rest (identifying keys first).
fn ordered(mut table: Table, like: Option<&Table>) -> Table {
    let mut keys: Vec<String> = like
        .map(|l| l.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default();
    for first in ["id", "code", "from", "to", "type"] {
        if !keys.iter().any(|k| k == first) {
            keys.push(first.to_string());
        }
    }
    let mut out = Table::new();
    for key in keys {
        if let Some((key, item)) = table.remove_entry(&key) {
            out.insert_formatted(&key, item);
        }
    }
    for (key, item) in table.into_iter() {
        out.insert(&key, item);
    }
    out
}

/// The array of tables under `key`, created if absent.
fn array<'a>(doc: &'a mut DocumentMut, key: &str) -> &'a mut ArrayOfTables {
    if !doc.get(key).is_some_and(Item::is_array_of_tables) {
        doc.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    doc.get_mut(key)
        .and_then(Item::as_array_of_tables_mut)
        .expect("just made")
}

fn position(items: &ArrayOfTables, id_key: &str, id: &str) -> Option<usize> {
    items.iter().position(|t| id_of(t, id_key) == Some(id))
}

fn check_id(table: &Table, id_key: &str, id: &str) -> Result<(), String> {
    match id_of(table, id_key) {
        Some(given) if given == id => Ok(()),
        _ => Err(format!("the value's `{id_key}` must be \"{id}\"")),
    }
}

/// Insert `table` after the item whose id is `after` (last when none is named).
fn insert_after(
    items: &mut ArrayOfTables,
    table: Table,
    id_key: &str,
    after: Option<&str>,
) -> Result<(), String> {
    let mut all: Vec<Table> = items.iter().cloned().collect();
    let at = match after {
        None => all.len(),
        Some(after) => {
            position(items, id_key, after).ok_or_else(|| format!("`after`: no `{after}` here"))? + 1
        }
    };
    all.insert(at, ordered(table, None));
    items.clear();
    for table in all {
        items.push(table);
    }
    Ok(())
}

/// A JSON object as a TOML table: nested objects inline (`label = { en = "…" }`), arrays of
/// objects as arrays of tables (`[[section.field]]`), `null` as absence.
fn to_table(value: &Value) -> Result<Table, String> {
    let Value::Object(map) = value else {
        return Err("the value is an object".into());
    };
    let mut table = Table::new();
    for (key, value) in map {
        match value {
            Value::Null => {}
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
                let mut list = ArrayOfTables::new();
                for item in items {
                    list.push(to_table(item)?);
                }
                table.insert(key, Item::ArrayOfTables(list));
            }
            other => {
                table.insert(key, Item::Value(to_value(other)?));
            }
        }
    }
    Ok(table)
}

fn to_value(value: &Value) -> Result<toml_edit::Value, String> {
    Ok(match value {
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().ok_or("a number out of range")?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => {
            let mut array = toml_edit::Array::new();
            for item in items {
                array.push(to_value(item)?);
            }
            toml_edit::Value::Array(array)
        }
        Value::Object(map) => {
            let mut inline = InlineTable::new();
            for (key, value) in map {
                if !value.is_null() {
                    inline.insert(key, to_value(value)?);
                }
            }
            toml_edit::Value::InlineTable(inline)
        }
        Value::Null => return Err("null inside a list".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files() -> Vec<SourceFile> {
        vec![
            SourceFile {
                name: "instance.toml".into(),
                text: "# Stages\n[[stage]]\nid = \"a\"\nlabel = { en = \"A\" }\n\n[[stage]]\nid = \"c\"\nlabel = { en = \"C\" }\n".into(),
            },
            SourceFile {
                name: "case_types/gbv.toml".into(),
                text: "[case_type]\nid = \"gbv\"\n\n# The first section\n[[section]]\nid = \"s\"\nlabel = { en = \"S\" }\n\n[[section.field]]\nid = \"x\"\ntype = \"yes_no\"\n".into(),
            },
        ]
    }

    fn change(value: Value) -> ConfigChange {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_stage_goes_where_stages_are_after_the_one_named_and_comments_stay() {
        let out = apply(
            &files(),
            &[change(json!({
                "op": "put", "after": "a",
                "entity": { "kind": "stage", "id": "b" },
                "value": { "id": "b", "label": { "en": "B", "fr": "B fr" } }
            }))],
        )
        .unwrap();
        let text = &out.iter().find(|f| f.name == "instance.toml").unwrap().text;
        assert!(text.starts_with("# Stages\n"), "{text}");
        let (a, b, c) = (
            text.find("\"a\"").unwrap(),
            text.find("\"b\"").unwrap(),
            text.find("\"c\"").unwrap(),
        );
        assert!(a < b && b < c, "{text}");
        assert!(
            text.contains("label = { en = \"B\", fr = \"B fr\" }"),
            "{text}"
        );
    }

    #[test]
    fn a_field_is_added_replaced_and_removed_in_its_section() {
        let put = |id: &str, kind: &str| {
            change(json!({
                "op": "put",
                "entity": { "kind": "field", "case_type": "gbv", "section": "s", "id": id },
                "value": { "id": id, "type": kind, "help": null }
            }))
        };
        let out = apply(&files(), &[put("y", "short_text"), put("x", "date")]).unwrap();
        let text = &out[1].text;
        assert_eq!(out[1].name, "case_types/gbv.toml");
        assert!(text.contains("# The first section"), "{text}");
        assert!(
            text.contains("[[section.field]]\nid = \"x\"\ntype = \"date\""),
            "{text}"
        );
        assert!(
            text.contains("[[section.field]]\nid = \"y\"\ntype = \"short_text\""),
            "{text}"
        );
        assert!(!text.contains("help"), "{text}");
        let removed = apply(
            &out,
            &[change(json!({
                "op": "remove",
                "entity": { "kind": "field", "case_type": "gbv", "section": "s", "id": "x" }
            }))],
        )
        .unwrap();
        assert!(!removed[1].text.contains("\"x\""), "{}", removed[1].text);
    }

    #[test]
    fn changes_that_cannot_apply_are_named_by_index() {
        let errors = apply(
            &files(),
            &[
                change(json!({ "op": "remove", "entity": { "kind": "stage", "id": "zzz" } })),
                change(json!({
                    "op": "put",
                    "entity": { "kind": "section", "case_type": "nope", "id": "s" },
                    "value": { "id": "s" }
                })),
                change(json!({
                    "op": "put",
                    "entity": { "kind": "stage", "id": "b" },
                    "value": { "id": "other" }
                })),
            ],
        )
        .unwrap_err();
        let said: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        assert_eq!(
            said,
            vec![
                "changes[0]: there is no stage `zzz`",
                "changes[1]: there is no case type `nope`",
                "changes[2]: the value's `id` must be \"b\"",
            ]
        );
    }

    #[test]
    fn removing_a_case_type_keeps_what_else_its_file_holds() {
        let mut files = files();
        files[1].text.push_str("\n[[option_list]]\nid = \"kept\"\n");
        let out = apply(
            &files,
            &[change(
                json!({ "op": "remove", "entity": { "kind": "case_type", "id": "gbv" } }),
            )],
        )
        .unwrap();
        let text = &out[1].text;
        assert!(text.contains("id = \"kept\""), "{text}");
        assert!(
            !text.contains("case_type") && !text.contains("section"),
            "{text}"
        );
        let gone = apply(
            &self::files(),
            &[change(
                json!({ "op": "remove", "entity": { "kind": "case_type", "id": "gbv" } }),
            )],
        )
        .unwrap();
        assert_eq!(gone.len(), 1, "an emptied file goes");
    }

    #[test]
    fn a_new_case_type_gets_its_own_file() {
        let out = apply(
            &files(),
            &[change(json!({
                "op": "put",
                "entity": { "kind": "case_type", "id": "elderly" },
                "value": { "id": "elderly", "code": "EL", "stages": ["a"] }
            }))],
        )
        .unwrap();
        let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "case_types/elderly.toml",
                "case_types/gbv.toml",
                "instance.toml"
            ]
        );
    }
}
