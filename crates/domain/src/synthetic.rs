//! Realistic synthetic cases, made from the configuration itself, for demos, benchmarks and
//! load tests. Deterministic: the caller passes a seeded random source and the current time.
//! Every case made here passes [`crate::validate::validate_case`].

use crate::case::{CaseFields, FieldValue, GroupItem};
use crate::config::{CaseType, Configuration, Field, FieldKind, Intensity, LocationLevel};
use crate::validate::validate_case;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::seq::SliceRandom;

const GIVEN_NAMES: &[&str] = &[
    "Amina", "Kofi", "Fatima", "Yusuf", "Mariam", "Jean", "Aisha", "Ibrahim", "Grace", "Omar",
    "Nadia", "Samuel", "Hawa", "Moussa", "Esther", "Ali", "Zainab", "Pierre", "Halima", "David",
    "Khadija", "Emmanuel", "Rania", "Joseph",
];
const FAMILY_NAMES: &[&str] = &[
    "Diallo",
    "Mensah",
    "Haddad",
    "Okafor",
    "Traoré",
    "Nkurunziza",
    "Mahamat",
    "Kamara",
    "Abdi",
    "Mugisha",
    "Bello",
    "Sesay",
    "Nasser",
    "Coulibaly",
    "Osman",
    "Ndayishimiye",
    "Keita",
    "Farah",
    "Mbeki",
    "Sow",
];
const NARRATIVE: &[&str] = &[
    "Met the client at the community centre with a trusted adult present.",
    "The client reports feeling safer since the last visit.",
    "Home visit conducted; the caregiver was cooperative and engaged.",
    "Referred to the health partner for a medical check-up.",
    "Follow-up call made; the client asked to meet next week instead.",
    "School enrolment discussed with the head teacher.",
    "Psychosocial support session held; the client participated actively.",
    "The family tracing request was shared with the tracing focal point.",
    "Discussed the safety plan and agreed on a code word with the client.",
    "The client missed the appointment; a new visit was scheduled.",
];
const SHORT_TEXT: &[&str] = &[
    "Community volunteer",
    "Local clinic",
    "Host family",
    "Primary school",
    "Women's centre",
    "Camp management",
    "Legal aid desk",
    "Mobile team",
    "Youth club",
    "Health post",
];

/// A synthetic case: where it stands and what it holds.
#[derive(Debug, Clone)]
pub struct SyntheticCase {
    pub stage: String,
    pub intensity: Intensity,
    pub fields: CaseFields,
}

/// A realistic spread of stages: most cases in implementation, few just identified.
fn pick_stage(case_type: &CaseType, rng: &mut impl Rng) -> String {
    let weight = |stage: &str| match stage {
        "identification" => 10,
        "assessment" => 15,
        "care_plan" => 12,
        "implementation" => 35,
        "case_review" => 10,
        "closed" => 10,
        "referral_only" => 4,
        "paused" => 2,
        _ => 1,
    };
    let total: u32 = case_type.stages.iter().map(|s| weight(s)).sum();
    let mut roll = rng.gen_range(0..total);
    for stage in &case_type.stages {
        let w = weight(stage);
        if roll < w {
            return stage.clone();
        }
        roll -= w;
    }
    case_type.initial_stage().to_string()
}

/// Make one case of `case_type`. Fields of the sections up to the case's stage are filled
/// (required ones always, others mostly), as a case worker would have by then.
pub fn synthetic_case(
    config: &Configuration,
    case_type: &CaseType,
    rng: &mut impl Rng,
    now: DateTime<Utc>,
) -> SyntheticCase {
    let stage = pick_stage(case_type, rng);
    let reached = case_type
        .stages
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(0);
    let person = Person::new(case_type, rng);
    let mut fields = CaseFields::new();
    for section in &case_type.form.sections {
        let section_reached = match &section.stage {
            None => true,
            Some(s) => case_type
                .stages
                .iter()
                .position(|x| x == s)
                .is_some_and(|i| i <= reached),
        };
        if !section_reached {
            continue;
        }
        for field in section.fields.iter().filter(|f| !f.retired) {
            if field.required || rng.gen_bool(0.85) {
                fields.insert(
                    field.id.clone(),
                    value_for(config, field, &person, rng, now),
                );
            }
        }
    }
    // Drop anything the rules refuse (a pattern we could not guess), keeping required fields.
    for error in validate_case(config, case_type, &stage, &fields, now) {
        let top = error
            .field
            .split(['[', '.'])
            .next()
            .unwrap_or(&error.field)
            .to_string();
        fields.remove(&top);
    }
    let intensity = match rng.gen_range(0..10) {
        0..=2 => Intensity::Low,
        3..=7 => Intensity::Medium,
        _ => Intensity::High,
    };
    SyntheticCase {
        stage,
        intensity,
        fields,
    }
}

/// One person, so that a case's name, age and date of birth agree.
struct Person {
    given: &'static str,
    family: &'static str,
    age: u32,
}

impl Person {
    fn new(case_type: &CaseType, rng: &mut impl Rng) -> Self {
        let child = case_type.domain == crate::config::CaseDomain::ChildProtection;
        Self {
            given: GIVEN_NAMES.choose(rng).copied().unwrap_or("Amina"),
            family: FAMILY_NAMES.choose(rng).copied().unwrap_or("Diallo"),
            age: if child {
                rng.gen_range(1..18)
            } else {
                rng.gen_range(16..65)
            },
        }
    }
}

/// The options of a list still offered (not retired).
fn offered<'a>(config: &'a Configuration, list: &str) -> Vec<&'a crate::config::OptionItem> {
    config.option_lists[list]
        .options
        .iter()
        .filter(|o| !o.retired)
        .collect()
}

fn value_for(
    config: &Configuration,
    field: &Field,
    person: &Person,
    rng: &mut impl Rng,
    now: DateTime<Utc>,
) -> FieldValue {
    let id = field.id.as_str();
    match &field.kind {
        FieldKind::ShortText { max_length, .. } => {
            let text = if id.contains("initials") || id.contains("code") {
                format!("{}.{}.", &person.given[..1], &person.family[..1])
            } else if id.contains("name") {
                format!("{} {}", person.given, person.family)
            } else if id.contains("phone") || id.contains("contact") {
                format!(
                    "+000 7{:02} {:03} {:03}",
                    rng.gen_range(0..100),
                    rng.gen_range(0..1000),
                    rng.gen_range(0..1000)
                )
            } else {
                SHORT_TEXT
                    .choose(rng)
                    .copied()
                    .unwrap_or("Community volunteer")
                    .to_string()
            };
            FieldValue::Text(text.chars().take(*max_length as usize).collect())
        }
        FieldKind::LongText { max_length, .. } => {
            let count = rng.gen_range(1..4);
            let text: Vec<&str> = NARRATIVE.choose_multiple(rng, count).copied().collect();
            FieldValue::Text(text.join(" ").chars().take(*max_length as usize).collect())
        }
        FieldKind::Number { min, max, integer } => {
            let (low, high) = (
                min.unwrap_or(0.0),
                max.unwrap_or(100.0).max(min.unwrap_or(0.0)),
            );
            let value = if id.contains("age") {
                f64::from(person.age).clamp(low, high)
            } else {
                rng.gen_range(low..=high)
            };
            FieldValue::Number(if *integer {
                value.round().clamp(low.ceil(), high.floor())
            } else {
                (value * 10.0).round() / 10.0
            })
        }
        FieldKind::Date { .. } => {
            let days = if id.contains("birth") {
                i64::from(person.age) * 365 + rng.gen_range(0..365)
            } else {
                rng.gen_range(1..720)
            };
            FieldValue::Date((now - Duration::days(days)).date_naive())
        }
        FieldKind::DateTime { .. } => {
            FieldValue::DateTime(now - Duration::minutes(rng.gen_range(60..1_000_000)))
        }
        FieldKind::YesNo => FieldValue::YesNo(rng.gen_bool(0.5)),
        FieldKind::SingleSelect { option_list } => {
            let options = offered(config, option_list);
            FieldValue::Choice(
                options
                    .choose(rng)
                    .map(|o| o.id.clone())
                    .unwrap_or_default(),
            )
        }
        FieldKind::MultiSelect {
            option_list,
            max_choices,
        } => {
            let options = offered(config, option_list);
            let most = max_choices
                .unwrap_or(3)
                .min(3)
                .min(options.len() as u32)
                .max(1) as usize;
            let count = rng.gen_range(1..=most);
            FieldValue::Choices(
                options
                    .choose_multiple(rng, count)
                    .map(|o| o.id.clone())
                    .collect(),
            )
        }
        FieldKind::Location { min_level } => {
            let candidates: Vec<_> = config
                .locations
                .iter()
                .filter(|l| l.level >= *min_level)
                .collect();
            let preferred: Vec<_> = candidates
                .iter()
                .filter(|l| l.level == LocationLevel::Village)
                .collect();
            let chosen = preferred
                .choose(rng)
                .map(|l| **l)
                .or_else(|| candidates.choose(rng).copied());
            FieldValue::Location(chosen.map(|l| l.code.clone()).unwrap_or_default())
        }
        FieldKind::RepeatingGroup {
            fields,
            min_items,
            max_items,
        } => {
            let high = (*max_items).min(3).max(*min_items);
            let count = rng.gen_range(*min_items..=high);
            let items = (0..count)
                .map(|_| {
                    let member = Person::new_member(person, rng);
                    fields
                        .iter()
                        .map(|f| (f.id.clone(), value_for(config, f, &member, rng, now)))
                        .collect::<GroupItem>()
                })
                .collect();
            FieldValue::Group(items)
        }
    }
}

impl Person {
    /// A relative of `person`: same family name, another given name and age.
    fn new_member(person: &Person, rng: &mut impl Rng) -> Person {
        Person {
            given: GIVEN_NAMES.choose(rng).copied().unwrap_or("Grace"),
            family: person.family,
            age: rng.gen_range(1..70),
        }
    }
}
