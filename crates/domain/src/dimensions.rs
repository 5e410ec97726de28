//! Report dimensions: the few values of a case that are stored in plaintext, beside its
//! sealed content, so that aggregates can be counted without opening a case. Each is stored in
//! the form its field declares (`ReportAs`): an option, a month, an age group — never the
//! identifying value it was derived from.

use crate::case::{CaseFields, FieldValue};
use crate::config::{AgeBands, CaseType, Configuration, ReportAs};
use chrono::{Datelike, NaiveDate};

/// One stored dimension value: a field id and its derived value. A multiple choice gives one
/// per chosen option.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DimensionValue {
    pub field: String,
    pub value: String,
}

/// The dimension values of a case's fields, on `today` (an age group from a date of birth is
/// the age on the day the case is written). Fields that are not dimensions, and values that
/// cannot be derived (a negative age, a birth date after today), give nothing.
pub fn report_dimensions(
    config: &Configuration,
    case_type: &CaseType,
    fields: &CaseFields,
    today: NaiveDate,
) -> Vec<DimensionValue> {
    let mut values = Vec::new();
    for (_, field) in case_type.form.fields() {
        // Only a reported field's value is looked up (a lookup for each of the form's fields
        // was 1 % of an edit's instructions).
        let Some(report_as) = field.report_dimension else {
            continue;
        };
        let Some(value) = fields.get(&field.id) else {
            continue;
        };
        for value in derive(report_as, value, &config.age_bands, today) {
            values.push(DimensionValue {
                field: field.id.clone(),
                value,
            });
        }
    }
    values.sort();
    values.dedup();
    values
}

fn derive(
    report_as: ReportAs,
    value: &FieldValue,
    bands: &AgeBands,
    today: NaiveDate,
) -> Vec<String> {
    let one = |text: Option<String>| text.into_iter().collect();
    match (report_as, value) {
        (ReportAs::Value, FieldValue::Choice(code) | FieldValue::Location(code)) => {
            vec![code.clone()]
        }
        (ReportAs::Value, FieldValue::Choices(codes)) => codes.clone(),
        (ReportAs::Value, FieldValue::YesNo(yes)) => vec![if *yes { "yes" } else { "no" }.into()],
        (ReportAs::Value, FieldValue::Number(n)) => vec![n.to_string()],
        (ReportAs::Month, FieldValue::Date(d)) => vec![month(*d)],
        (ReportAs::Month, FieldValue::DateTime(t)) => vec![month(t.date_naive())],
        (ReportAs::Year, FieldValue::Date(d)) => vec![d.year().to_string()],
        (ReportAs::Year, FieldValue::DateTime(t)) => vec![t.year().to_string()],
        (ReportAs::AgeGroup, FieldValue::Number(years)) => one((years.is_finite()
            && *years >= 0.0
            && *years < f64::from(u32::MAX))
        // An age in years is truncated: 17.9 is still 17.
        .then(|| bands.group(years.trunc() as u32))),
        (ReportAs::AgeGroup, FieldValue::Date(born)) => {
            one(today.years_since(*born).map(|years| bands.group(years)))
        }
        // The loader accepts no other combination; a value of another type is not derived.
        _ => Vec::new(),
    }
}

fn month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn age_groups_cover_every_age_once() {
        let bands = AgeBands::default();
        assert_eq!(bands.group(0), "0-5");
        assert_eq!(bands.group(5), "0-5");
        assert_eq!(bands.group(6), "6-11");
        assert_eq!(bands.group(17), "12-17");
        assert_eq!(bands.group(18), "18-59");
        assert_eq!(bands.group(60), "60+");
        assert_eq!(bands.group(120), "60+");
    }

    #[test]
    fn bands_must_start_at_zero_and_increase() {
        assert!(AgeBands::new(vec![0, 18]).is_some());
        assert!(AgeBands::new(vec![0]).is_some());
        assert!(AgeBands::new(vec![]).is_none());
        assert!(AgeBands::new(vec![1, 18]).is_none());
        assert!(AgeBands::new(vec![0, 18, 18]).is_none());
        assert!(AgeBands::new(vec![0, 18, 12]).is_none());
    }

    #[test]
    fn dates_are_stored_as_month_or_year_never_the_day() {
        let bands = AgeBands::default();
        let today = date(2026, 11, 29);
        let value = FieldValue::Date(date(2026, 3, 5));
        assert_eq!(derive(ReportAs::Month, &value, &bands, today), ["2026-03"]);
        assert_eq!(derive(ReportAs::Year, &value, &bands, today), ["2026"]);
    }

    #[test]
    fn a_birth_date_becomes_the_age_group_on_the_day() {
        let bands = AgeBands::default();
        let born = FieldValue::Date(date(2014, 11, 30));
        // 11 the day before the twelfth birthday, 12 on it.
        assert_eq!(
            derive(ReportAs::AgeGroup, &born, &bands, date(2026, 11, 29)),
            ["6-11"]
        );
        assert_eq!(
            derive(ReportAs::AgeGroup, &born, &bands, date(2026, 11, 30)),
            ["12-17"]
        );
        // Born after today: nothing to derive.
        assert!(derive(ReportAs::AgeGroup, &born, &bands, date(2010, 1, 1)).is_empty());
    }

    #[test]
    fn ages_and_choices() {
        let bands = AgeBands::default();
        let today = date(2026, 11, 29);
        let group = |n: f64| derive(ReportAs::AgeGroup, &FieldValue::Number(n), &bands, today);
        assert_eq!(group(17.9), ["12-17"]);
        assert!(group(-1.0).is_empty());
        assert!(group(f64::NAN).is_empty());
        let choices = FieldValue::Choices(vec!["a".into(), "b".into()]);
        assert_eq!(derive(ReportAs::Value, &choices, &bands, today), ["a", "b"]);
        assert_eq!(
            derive(ReportAs::Value, &FieldValue::YesNo(false), &bands, today),
            ["no"]
        );
        // A text value is never a dimension, whatever the declaration says.
        let text = FieldValue::Text("Amina".into());
        assert!(derive(ReportAs::Value, &text, &bands, today).is_empty());
    }

    proptest! {
        /// Every age falls in exactly the group whose bounds hold it.
        #[test]
        fn the_group_holds_the_age(mut bounds in proptest::collection::btree_set(1u32..100, 0..6), age in 0u32..130) {
            bounds.insert(0);
            let lower: Vec<u32> = bounds.into_iter().collect();
            let bands = AgeBands::new(lower.clone()).unwrap();
            let label = bands.group(age);
            let (low, high) = match label.strip_suffix('+') {
                Some(low) => (low.parse::<u32>().unwrap(), u32::MAX),
                None => {
                    let (low, high) = label.split_once('-').unwrap();
                    (low.parse().unwrap(), high.parse().unwrap())
                }
            };
            prop_assert!(low <= age && age <= high);
            prop_assert!(lower.contains(&low));
        }
    }
}
