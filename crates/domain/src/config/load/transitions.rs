//! The workflow's transitions (`[[transition]]` in a case type's file): between the type's own
//! stages, each guard naming fields and options the form has.

use super::file::TransitionFile;
use super::{Loader, Scope, origin};
use crate::access::survivor_controlled;
use crate::config::{CaseDomain, FieldKind, FieldPath, Form, Transition};
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn transitions(
        &mut self,
        files: Vec<Spanned<TransitionFile>>,
        stages: &[String],
        form: &Form,
        domain: Option<CaseDomain>,
        has_care_plan: bool,
        scope: &Scope,
    ) -> Vec<Transition> {
        let mut transitions: Vec<Transition> = Vec::new();
        for (i, item) in files.into_iter().enumerate() {
            let at = origin(scope.file, item.span());
            let item = item.into_inner();
            let key = format!("transition[{i}]");
            let errors_before = self.errors.len();
            let label = self.text(
                at,
                &format!("{key}.label"),
                item.label,
                scope.languages,
                true,
            );
            let in_type = |stage: &str| stages.iter().any(|s| s == stage);
            if !in_type(&item.to) {
                self.error(
                    at,
                    format!("{key}.to"),
                    format!("\"{}\" is not one of this case type's stages", item.to),
                );
            }
            let from: Vec<String> = if item.from == ["*"] {
                stages
                    .iter()
                    .filter(|s| {
                        **s != item.to && !scope.stages.iter().any(|t| &t.id == *s && t.terminal)
                    })
                    .cloned()
                    .collect()
            } else {
                for (j, stage) in item.from.iter().enumerate() {
                    if !in_type(stage) {
                        self.error(
                            at,
                            format!("{key}.from[{j}]"),
                            format!("\"{stage}\" is not one of this case type's stages (or use [\"*\"] alone for every stage that is not terminal)"),
                        );
                    } else if *stage == item.to {
                        self.error(
                            at,
                            format!("{key}.from[{j}]"),
                            "a transition leads to another stage",
                        );
                    }
                }
                item.from.clone()
            };
            if from.is_empty() {
                self.error(at, format!("{key}.from"), "name the stages it leaves from");
            }
            if item.survivor_decision && !domain.is_some_and(survivor_controlled) {
                self.error(
                    at,
                    format!("{key}.survivor_decision"),
                    "only a case type whose survivors control their case (GBV) has survivor decisions",
                );
            }
            if item.approved_care_plan && !has_care_plan {
                self.error(
                    at,
                    format!("{key}.approved_care_plan"),
                    "this case type keeps no care plan: set case_type.intervention_types first",
                );
            }
            if item.panel_review && item.survivor_decision {
                self.error(
                    at,
                    format!("{key}.panel_review"),
                    "a survivor's decision is theirs alone: it needs no panel",
                );
            }
            let mut require = Vec::new();
            for (j, path) in item.require.iter().enumerate() {
                if let Some(path) = self.field_path(at, &format!("{key}.require[{j}]"), path, form)
                {
                    require.push(path);
                }
            }
            let mut require_value = Vec::new();
            for (path, values) in &item.require_value {
                let key = format!("{key}.require_value.{path}");
                let Some(parsed) = self.field_path(at, &key, path, form) else {
                    continue;
                };
                let kind = field_kind(form, &parsed);
                let list = match kind {
                    Some(
                        FieldKind::SingleSelect { option_list }
                        | FieldKind::MultiSelect { option_list, .. },
                    ) => scope.option_lists.get(option_list),
                    _ => {
                        self.error(at, key, "only a single or multiple choice field can be required to hold given options");
                        continue;
                    }
                };
                if values.is_empty() {
                    self.error(at, &key, "name at least one option");
                }
                for value in values {
                    if !list.is_some_and(|l| l.contains(value)) {
                        self.error(at, &key, format!("\"{value}\" is not an option of {path}"));
                    }
                }
                require_value.push((parsed, values.clone()));
            }
            if self.errors.len() > errors_before {
                continue;
            }
            // One worker's move and one survivor's decision at most between two stages.
            if let Some(twice) = transitions.iter().find(|t| {
                t.to == item.to
                    && t.survivor_decision == item.survivor_decision
                    && t.from.iter().any(|f| from.contains(f))
            }) {
                self.error(
                    at,
                    format!("{key}.from"),
                    format!(
                        "a transition to \"{}\" from one of these stages is declared already ({})",
                        twice.to,
                        twice.from.join(", ")
                    ),
                );
                continue;
            }
            transitions.push(Transition {
                from,
                to: item.to,
                label,
                reason: item.reason,
                survivor_decision: item.survivor_decision,
                require,
                require_value,
                approved_care_plan: item.approved_care_plan,
                panel_review: item.panel_review,
            });
        }
        transitions
    }

    /// A top-level field, or `group.member` for a member of a repeating group.
    fn field_path(
        &mut self,
        at: super::Origin,
        key: &str,
        path: &str,
        form: &Form,
    ) -> Option<FieldPath> {
        let (field, member) = match path.split_once('.') {
            Some((field, member)) => (field, Some(member)),
            None => (path, None),
        };
        let parsed = FieldPath {
            field: field.to_string(),
            member: member.map(str::to_string),
        };
        if field_kind(form, &parsed).is_none() {
            self.error(
                at,
                key,
                format!(
                    "\"{path}\" is not a field of this form (a top-level field, or group.member)"
                ),
            );
            return None;
        }
        Some(parsed)
    }
}

/// The kind of the field a path names, if the form has it.
fn field_kind<'f>(form: &'f Form, path: &FieldPath) -> Option<&'f FieldKind> {
    let field = form.field(&path.field)?;
    match (&path.member, &field.kind) {
        (None, kind) => Some(kind),
        (Some(member), FieldKind::RepeatingGroup { fields, .. }) => {
            fields.iter().find(|f| &f.id == member).map(|f| &f.kind)
        }
        (Some(_), _) => None,
    }
}
