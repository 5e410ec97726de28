//! The working-day calendar (`[calendar]`) and the timeline rules (`[deadlines]`, and `limit`
//! on a `[[stage]]`). Each table may be declared once, in any file; without it, the defaults.

use super::file::{CalendarFile, DeadlinesFile, StageFile};
use super::{Loader, Origin, origin};
use crate::calendar::{CalendarError, WorkingCalendar};
use crate::deadlines::{DeadlineRules, StageLimit};
use chrono::{NaiveDate, Weekday};
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

/// The longest limit or delay in days: a year.
const MAX_DAYS: u32 = 365;
/// The longest emergency limit in hours: a year.
const MAX_HOURS: u32 = 24 * 365;

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// A table that may be declared once in the whole configuration, and where it was.
pub(super) type Single<T> = Option<(Origin, T)>;

impl Loader<'_> {
    /// Keeps the first declaration of a once-only table (`key`), reporting any later one.
    pub(super) fn single<T>(
        &mut self,
        slot: &mut Single<T>,
        file: usize,
        item: Option<Spanned<T>>,
        key: &str,
    ) {
        let Some(item) = item else { return };
        let at = origin(file, item.span());
        if let Some((first, _)) = slot {
            let first = self.describe(*first);
            self.error(
                at,
                key,
                format!("[{key}] declared twice (first at {first})"),
            );
        } else {
            *slot = Some((at, item.into_inner()));
        }
    }

    pub(super) fn calendar(&mut self, table: Single<CalendarFile>) -> WorkingCalendar {
        let Some((at, table)) = table else {
            return WorkingCalendar::default();
        };
        let errors_before = self.errors.len();
        let weekend = match table.weekend {
            Some(names) => self.weekend(at, names),
            None => WorkingCalendar::default().weekend().collect(),
        };
        let mut holidays: HashMap<NaiveDate, Origin> = HashMap::new();
        for (i, text) in table.holidays.into_iter().enumerate() {
            let text_at = origin(at.file, text.span());
            let text = text.into_inner();
            let key = format!("calendar.holidays[{i}]");
            let Some(date) = iso_date(&text) else {
                self.error(
                    text_at,
                    key,
                    format!("\"{text}\" is not a date (expected YYYY-MM-DD, e.g. 2026-12-25)"),
                );
                continue;
            };
            if let Some(first) = holidays.get(&date) {
                let first = self.describe(*first);
                self.error(
                    text_at,
                    key,
                    format!("duplicate holiday {text} (first listed at {first})"),
                );
            } else {
                holidays.insert(date, text_at);
            }
        }
        match WorkingCalendar::new(weekend, holidays.into_keys()) {
            Ok(calendar) if self.errors.len() == errors_before => calendar,
            Ok(_) => WorkingCalendar::default(),
            Err(CalendarError::NoWorkingDay) => {
                self.error(
                    at,
                    "calendar.weekend",
                    "the weekend cannot be the whole week: no day would be a working day",
                );
                WorkingCalendar::default()
            }
        }
    }

    fn weekend(&mut self, at: Origin, names: Vec<Spanned<String>>) -> Vec<Weekday> {
        let mut days = Vec::new();
        for (i, name) in names.into_iter().enumerate() {
            let name_at = origin(at.file, name.span());
            let name = name.into_inner();
            let key = format!("calendar.weekend[{i}]");
            match WEEKDAYS.iter().find(|(n, _)| *n == name) {
                Some((_, day)) if days.contains(day) => {
                    self.error(name_at, key, format!("\"{name}\" is listed twice"));
                }
                Some((_, day)) => days.push(*day),
                None => {
                    let known: Vec<_> = WEEKDAYS.iter().map(|(n, _)| *n).collect();
                    self.error(
                        name_at,
                        key,
                        format!(
                            "unknown day \"{name}\" (expected one of {})",
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        days
    }

    /// The limit a stage declares, checked; `key` is the stage's (`stage[0]`).
    pub(super) fn stage_limit(
        &mut self,
        file: usize,
        key: &str,
        stage: &StageFile,
    ) -> Option<StageLimit> {
        let limit = stage.limit.as_ref()?;
        let at = origin(file, limit.span());
        let limit = limit.get_ref();
        let errors_before = self.errors.len();
        let key = format!("{key}.limit");
        if stage.terminal {
            self.error(
                at,
                &key,
                "a terminal stage has no limit: no case work remains in it",
            );
        }
        match (limit.working_days, limit.days, limit.emergency_hours) {
            (Some(_), Some(_), _) => self.error(at, &key, "give working_days or days, not both"),
            (None, None, None) => self.error(
                at,
                &key,
                "a limit needs working_days, days or emergency_hours",
            ),
            _ => {}
        }
        self.bounded(
            at,
            &format!("{key}.working_days"),
            limit.working_days,
            MAX_DAYS,
            "days",
        );
        self.bounded(at, &format!("{key}.days"), limit.days, MAX_DAYS, "days");
        self.bounded(
            at,
            &format!("{key}.emergency_hours"),
            limit.emergency_hours,
            MAX_HOURS,
            "hours",
        );
        (self.errors.len() == errors_before).then_some(StageLimit {
            working_days: limit.working_days,
            days: limit.days,
            emergency_hours: limit.emergency_hours,
        })
    }

    pub(super) fn deadline_rules(
        &mut self,
        table: Single<DeadlinesFile>,
        stage_limits: BTreeMap<String, StageLimit>,
    ) -> DeadlineRules {
        let mut rules = DeadlineRules::with_stage_limits(stage_limits);
        let Some((at, table)) = table else {
            return rules;
        };
        for (name, given, rule) in [
            (
                "follow_up_days",
                table.follow_up_days,
                &mut rules.follow_up_days,
            ),
            (
                "approval_working_days",
                table.approval_working_days,
                &mut rules.approval_working_days,
            ),
            (
                "transfer_acknowledgement_working_days",
                table.transfer_acknowledgement_working_days,
                &mut rules.transfer_acknowledgement_working_days,
            ),
            (
                "escalate_after_working_days",
                table.escalate_after_working_days,
                &mut rules.escalate_after_working_days,
            ),
        ] {
            if self.bounded(at, &format!("deadlines.{name}"), given, MAX_DAYS, "days")
                && let Some(given) = given
            {
                *rule = given;
            }
        }
        rules
    }

    /// Reports a given value outside `1..=max`; true when it is absent or within.
    fn bounded(&mut self, at: Origin, key: &str, value: Option<u32>, max: u32, unit: &str) -> bool {
        match value {
            Some(value) if value == 0 || value > max => {
                self.error(at, key, format!("must be 1 to {max} {unit}"));
                false
            }
            _ => true,
        }
    }
}

/// A date written exactly `YYYY-MM-DD`.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    (date.format("%Y-%m-%d").to_string() == text).then_some(date)
}
