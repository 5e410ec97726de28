//! Field projection: a case's values as one actor may see them. Every output path (case read,
//! list, search, and later export, print, sync, transfer) goes through [`project`].

use super::{Actor, CaseAction, CaseFacts, FieldAccess, FieldPolicy, may};
use crate::case::{CaseFields, FieldValue};
use crate::config::{CaseType, Field, FieldKind};
use std::collections::BTreeMap;

/// One field as the actor sees it, borrowing the case's values (a view is written out once,
/// so nothing is copied on the way).
#[derive(Debug, Clone, PartialEq)]
pub enum Projected<'a> {
    Value(&'a FieldValue),
    /// A value exists but is withheld from this actor ("[Restricted]").
    Restricted,
    /// A repeating group the actor sees, some of whose member values are withheld.
    Group(Vec<BTreeMap<&'a str, Projected<'a>>>),
}

/// The fields of a case as `actor` may see them. An actor who may not read the case gets
/// nothing at all (not even which fields exist).
pub fn project<'a>(
    actor: Actor,
    facts: &CaseFacts,
    case_type: &CaseType,
    fields: &'a CaseFields,
) -> BTreeMap<&'a str, Projected<'a>> {
    // The fields come in order: the view is built from them at once, not searched for each.
    let mut out = Vec::with_capacity(fields.len());
    let policy = FieldPolicy::new(actor, facts);
    if !policy.may_read() {
        return BTreeMap::new();
    }
    for (id, value) in fields {
        // A stored value whose field left the form is kept out of every view.
        let Some(field) = case_type.form.field(id) else {
            continue;
        };
        let projected = match policy.field(field) {
            FieldAccess::Hidden => Projected::Restricted,
            FieldAccess::ReadWrite => match (&field.kind, value) {
                (
                    FieldKind::RepeatingGroup {
                        fields: members, ..
                    },
                    FieldValue::Group(items),
                ) => {
                    let hidden: Vec<&str> = members
                        .iter()
                        .filter(|m| policy.member(field, m) == FieldAccess::Hidden)
                        .map(|m| m.id.as_str())
                        .collect();
                    if hidden.is_empty() {
                        Projected::Value(value)
                    } else {
                        Projected::Group(
                            items
                                .iter()
                                .map(|item| {
                                    item.iter()
                                        .map(|(k, v)| {
                                            let p = if hidden.contains(&k.as_str()) {
                                                Projected::Restricted
                                            } else {
                                                Projected::Value(v)
                                            };
                                            (k.as_str(), p)
                                        })
                                        .collect()
                                })
                                .collect(),
                        )
                    }
                }
                _ => Projected::Value(value),
            },
        };
        out.push((id.as_str(), projected));
    }
    BTreeMap::from_iter(out)
}

/// The fields among `changed` that `actor` may not write: hidden fields, and repeating groups
/// with a hidden member (writing a group replaces the whole of it). Empty means all allowed.
pub fn forbidden_writes<'a>(
    actor: Actor,
    facts: &CaseFacts,
    case_type: &CaseType,
    changed: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let may_update = may(actor, facts, CaseAction::Update);
    let policy = FieldPolicy::new(actor, facts);
    changed
        .into_iter()
        .filter(|id| {
            case_type
                .form
                .field(id)
                .is_some_and(|field| withheld(&policy, may_update, field))
        })
        .map(str::to_string)
        .collect()
}

/// Every field of the form that `actor` may not write, in the form's order: what
/// [`forbidden_writes`] says of all of them, without looking each up.
pub fn withheld_fields(actor: Actor, facts: &CaseFacts, case_type: &CaseType) -> Vec<String> {
    let may_update = may(actor, facts, CaseAction::Update);
    let policy = FieldPolicy::new(actor, facts);
    case_type
        .form
        .fields()
        .filter(|(_, field)| withheld(&policy, may_update, field))
        .map(|(_, field)| field.id.clone())
        .collect()
}

/// Whether `field` is one the actor may not write.
fn withheld(policy: &FieldPolicy<'_>, may_update: bool, field: &Field) -> bool {
    if !may_update || policy.field(field) == FieldAccess::Hidden {
        return true;
    }
    match &field.kind {
        FieldKind::RepeatingGroup { fields, .. } => fields
            .iter()
            .any(|m| policy.member(field, m) == FieldAccess::Hidden),
        _ => false,
    }
}
