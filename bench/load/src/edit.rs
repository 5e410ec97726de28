//! Which field an edit changes, and to what: an optional short or long text field of a
//! section the case has reached (a section without a stage is collected at every stage, a
//! staged one from its stage on, in the case type's order), with no pattern, no skip logic and
//! no other field's skip logic depending on it, that the user may write. Such a change
//! validates in any synthetic case, whatever its other values.

use crate::api::ConfigDoc;
use rand::Rng;
use rand::seq::SliceRandom;
use std::collections::{HashMap, HashSet};

/// A text field an edit may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub long: bool,
    pub max_length: u32,
    /// The section's stage (`None`: every stage).
    section_stage: Option<String>,
}

#[derive(Debug, Default)]
struct CaseTypeRules {
    stages: Vec<String>,
    candidates: Vec<Candidate>,
}

/// The candidates of every case type, from `GET /api/v1/config`.
#[derive(Debug, Default)]
pub struct EditRules {
    types: HashMap<String, CaseTypeRules>,
}

const SHORT: &[&str] = &[
    "Home visit",
    "Phone follow-up",
    "Partner referral",
    "Team meeting",
    "Office visit",
];
const LONG: &[&str] = &[
    "Follow-up visit planned with the caregiver for next week.",
    "Phone call made; the next contact was agreed.",
    "Progress reviewed at the team meeting; no change to the plan.",
    "The partner confirmed the referral and an appointment date.",
    "Office visit held; the family was informed of the next steps.",
];

impl EditRules {
    pub fn from_config(config: &ConfigDoc) -> Self {
        let mut types = HashMap::new();
        for case_type in &config.case_types {
            let controlling: HashSet<&str> = case_type
                .sections
                .iter()
                .flat_map(|s| &s.fields)
                .filter_map(|f| f.show_when.as_ref().map(|w| w.field.as_str()))
                .collect();
            let mut candidates = Vec::new();
            for section in &case_type.sections {
                for field in &section.fields {
                    let long = match field.field_type.as_str() {
                        "short_text" => false,
                        "long_text" => true,
                        _ => continue,
                    };
                    let max_length = field.max_length.unwrap_or(if long { 2000 } else { 200 });
                    let shortest = if long { LONG } else { SHORT }
                        .iter()
                        .map(|t| t.chars().count().min(max_length as usize))
                        .min()
                        .unwrap_or(0) as u32;
                    if field.required
                        || field.retired
                        || field.show_when.is_some()
                        || field.pattern.is_some()
                        || controlling.contains(field.id.as_str())
                        || field.min_length.is_some_and(|min| min > shortest)
                        || max_length == 0
                    {
                        continue;
                    }
                    candidates.push(Candidate {
                        id: field.id.clone(),
                        long,
                        max_length,
                        section_stage: section.stage.clone(),
                    });
                }
            }
            types.insert(
                case_type.id.clone(),
                CaseTypeRules {
                    stages: case_type.stages.clone(),
                    candidates,
                },
            );
        }
        Self { types }
    }

    /// The fields an edit of a case of `case_type` at `stage` may change, leaving out those the
    /// user may not write (`unwritable`).
    pub fn candidates(
        &self,
        case_type: &str,
        stage: &str,
        unwritable: &[String],
    ) -> Vec<&Candidate> {
        let Some(rules) = self.types.get(case_type) else {
            return Vec::new();
        };
        let position = |s: &str| rules.stages.iter().position(|x| x == s);
        let reached = position(stage);
        rules
            .candidates
            .iter()
            .filter(|c| match &c.section_stage {
                None => true,
                Some(s) => matches!((position(s), reached), (Some(i), Some(r)) if i <= r),
            })
            .filter(|c| !unwritable.contains(&c.id))
            .collect()
    }

    /// One candidate at random, or `None` when the case offers none.
    pub fn pick<'a>(
        &'a self,
        case_type: &str,
        stage: &str,
        unwritable: &[String],
        rng: &mut impl Rng,
    ) -> Option<&'a Candidate> {
        self.candidates(case_type, stage, unwritable)
            .choose(rng)
            .copied()
    }
}

/// A neutral text for `candidate`, within its maximum length.
pub fn new_value(candidate: &Candidate, rng: &mut impl Rng) -> String {
    let texts = if candidate.long { LONG } else { SHORT };
    let text = texts.choose(rng).copied().unwrap_or("Home visit");
    text.chars().take(candidate.max_length as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rules() -> EditRules {
        let config: ConfigDoc = serde_json::from_value(serde_json::json!({
            "case_types": [{
                "id": "cp",
                "stages": ["identification", "assessment", "implementation", "closed"],
                "sections": [
                    { "stage": "identification", "fields": [
                        { "id": "name", "type": "short_text", "required": true },
                        { "id": "notes", "type": "long_text", "max_length": 5000 },
                        { "id": "phone", "type": "short_text", "pattern": "[0-9]+" },
                        { "id": "age", "type": "number" },
                        { "id": "old", "type": "long_text", "retired": true },
                        { "id": "kind", "type": "short_text" },
                        { "id": "why", "type": "long_text", "show_when": { "field": "kind", "values": ["x"] } },
                        { "id": "long_min", "type": "long_text", "min_length": 500 }
                    ]},
                    { "fields": [ { "id": "contact", "type": "short_text", "max_length": 4 } ] },
                    { "stage": "implementation", "fields": [ { "id": "progress", "type": "long_text" } ] }
                ]
            }]
        }))
        .unwrap();
        EditRules::from_config(&config)
    }

    fn ids(found: Vec<&Candidate>) -> Vec<&str> {
        found.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn only_optional_plain_text_fields_of_reached_sections() {
        let rules = rules();
        assert_eq!(
            ids(rules.candidates("cp", "identification", &[])),
            ["notes", "contact"]
        );
        assert_eq!(
            ids(rules.candidates("cp", "assessment", &[])),
            ["notes", "contact"]
        );
        assert_eq!(
            ids(rules.candidates("cp", "closed", &[])),
            ["notes", "contact", "progress"]
        );
        // A stage the case type does not list reaches only the sections of every stage.
        assert_eq!(ids(rules.candidates("cp", "elsewhere", &[])), ["contact"]);
        assert!(rules.candidates("other", "identification", &[]).is_empty());
    }

    #[test]
    fn leaves_out_what_the_user_may_not_write() {
        let rules = rules();
        let withheld = vec!["notes".to_string()];
        assert_eq!(
            ids(rules.candidates("cp", "implementation", &withheld)),
            ["contact", "progress"]
        );
    }

    #[test]
    fn values_fit_the_maximum_length() {
        let rules = rules();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let contact = &rules.candidates("cp", "closed", &[])[1];
        for _ in 0..20 {
            let value = new_value(contact, &mut rng);
            assert!(!value.is_empty() && value.chars().count() <= 4);
        }
    }
}
