//! Working days: which UTC dates count (not a weekend day, not a holiday), and deadlines
//! counted in them. Configured as `[calendar]`; the timeline rules ([`crate::deadlines`])
//! count in it.
//!
//! Every instant is UTC and every day a UTC date. A deadline `n` working days after an
//! instant falls at the same time of day on the `n`-th working day after the instant's date,
//! so a report at 15:00 on a Friday, two working days on, is due at 15:00 on Tuesday. An
//! instant on a day that is not a working day counts as 00:00 on the next working day: a
//! report on a Saturday, one working day on, is due at 00:00 on Tuesday, i.e. at the end of
//! Monday. Zero working days after an instant is the instant itself.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday, WeekdaySet};
use std::collections::BTreeSet;

/// A calendar that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Every day of the week is a weekend day: no deadline could ever fall.
    #[error("every day of the week is a weekend day: a calendar needs at least one working day")]
    NoWorkingDay,
}

/// The days on which work is done: every UTC date that is neither a weekend day nor a
/// holiday. Always has at least one working weekday, so counting working days ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    weekend: WeekdaySet,
    holidays: BTreeSet<NaiveDate>,
}

impl Default for WorkingCalendar {
    /// Saturday and Sunday off, no holidays.
    fn default() -> Self {
        Self {
            weekend: WeekdaySet::from_array([Weekday::Sat, Weekday::Sun]),
            holidays: BTreeSet::new(),
        }
    }
}

impl WorkingCalendar {
    /// A calendar with these weekend days and holidays (repeats are ignored); refused when
    /// the weekend is the whole week.
    pub fn new(
        weekend: impl IntoIterator<Item = Weekday>,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let weekend: WeekdaySet = weekend.into_iter().collect();
        if weekend == WeekdaySet::ALL {
            return Err(CalendarError::NoWorkingDay);
        }
        Ok(Self {
            weekend,
            holidays: holidays.into_iter().collect(),
        })
    }

    /// The weekend days, Monday first.
    pub fn weekend(&self) -> impl Iterator<Item = Weekday> + '_ {
        self.weekend.iter(Weekday::Mon)
    }

    /// The holidays, earliest first.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// Neither a weekend day nor a holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !self.weekend.contains(day.weekday()) && !self.holidays.contains(&day)
    }

    /// The instant `n` working days after `from`: the same time of day on the `n`-th working
    /// day after `from`'s date. When `from`'s date is not a working day, counting starts from
    /// 00:00 on the next working day, so the result is 00:00 on the `n`-th working day after
    /// that one (a Saturday start with `n = 1` is due at 00:00 on Tuesday: all of Monday is
    /// given). `n = 0` gives `from` itself. Saturates at the last instant chrono represents.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        if n == 0 {
            return from;
        }
        let Some((start, time)) = self.start(from) else {
            return DateTime::<Utc>::MAX_UTC;
        };
        match self.nth_working_day_after(start, n) {
            Some(day) => day.and_time(time).and_utc(),
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// The whole working days elapsed from `from` to `to`: the largest `k` such that
    /// [`add_working_days`](Self::add_working_days)`(from, k) <= to`; 0 when `to <= from`.
    /// So from 15:00 on a Friday, one working day has elapsed at 15:00 on Monday, not before.
    pub fn working_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        if to <= from {
            return 0;
        }
        let Some((start, time)) = self.start(from) else {
            return 0;
        };
        // The k-th working day after `start`, at `time`, is not after `to` when the day is
        // before `to`'s date, or is that date and `time` has been reached.
        let last = if to.time() >= time {
            Some(to.date_naive())
        } else {
            to.date_naive().pred_opt()
        };
        match last {
            Some(last) if last > start => self.count_working_days(start, last),
            _ => 0,
        }
    }

    /// The working date counting starts from and the time of day deadlines fall at: `from`'s
    /// own when its date is a working day, else 00:00 on the next working day.
    fn start(&self, from: DateTime<Utc>) -> Option<(NaiveDate, NaiveTime)> {
        let date = from.date_naive();
        if self.is_working_day(date) {
            Some((date, from.time()))
        } else {
            Some((self.nth_working_day_after(date, 1)?, NaiveTime::MIN))
        }
    }

    /// The `n`-th working day after `day` (`n >= 1`), or `None` past chrono's last date.
    fn nth_working_day_after(&self, mut day: NaiveDate, n: u32) -> Option<NaiveDate> {
        let per_week = u32::from(7 - self.weekend.len());
        let mut remaining = n;
        while remaining > 0 {
            // Jump whole weeks while more than a week's working days remain; a jump counts
            // at most `remaining - 1`, so the walk below always ends the count.
            let weeks = (remaining - 1) / per_week;
            if weeks > 0 {
                let to = day.checked_add_days(Days::new(7 * u64::from(weeks)))?;
                remaining -= self.count_working_days(day, to);
                day = to;
            } else {
                day = day.succ_opt()?;
                if self.is_working_day(day) {
                    remaining -= 1;
                }
            }
        }
        Some(day)
    }

    /// The working days after `from` up to and including `to` (`from < to`).
    fn count_working_days(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let days = u32::try_from((to - from).num_days()).unwrap_or(u32::MAX);
        let per_week = u32::from(7 - self.weekend.len());
        let mut count = days / 7 * per_week;
        let mut day = from;
        for _ in 0..days % 7 {
            // Within `from..=to`, which are valid dates.
            let Some(next) = day.succ_opt() else { break };
            day = next;
            if !self.weekend.contains(day.weekday()) {
                count += 1;
            }
        }
        let holidays = self
            .holidays
            .range((
                std::ops::Bound::Excluded(from),
                std::ops::Bound::Included(to),
            ))
            .filter(|h| !self.weekend.contains(h.weekday()))
            .count();
        count.saturating_sub(u32::try_from(holidays).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Saturday and Sunday off; Friday 2026-12-25 and Friday 2027-01-01 holidays.
    fn calendar() -> WorkingCalendar {
        WorkingCalendar::new(
            [Weekday::Sat, Weekday::Sun],
            [date(2026, 12, 25), date(2027, 1, 1)],
        )
        .unwrap()
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let calendar = calendar();
        assert!(calendar.is_working_day(date(2026, 12, 24)), "Thursday");
        assert!(!calendar.is_working_day(date(2026, 12, 25)), "holiday");
        assert!(!calendar.is_working_day(date(2026, 12, 26)), "Saturday");
        assert!(!calendar.is_working_day(date(2026, 12, 27)), "Sunday");
        assert!(calendar.is_working_day(date(2026, 12, 28)), "Monday");
        let default = WorkingCalendar::default();
        assert!(default.is_working_day(date(2026, 12, 25)));
        assert_eq!(
            default.weekend().collect::<Vec<_>>(),
            [Weekday::Sat, Weekday::Sun]
        );
    }

    #[test]
    fn a_whole_week_of_weekend_is_refused() {
        let week = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        assert_eq!(
            WorkingCalendar::new(week, []),
            Err(CalendarError::NoWorkingDay)
        );
        let only_sunday_works = WorkingCalendar::new(week[..6].iter().copied(), []).unwrap();
        // 2026-11-29 is a Sunday: the next working day is a week later.
        assert_eq!(
            only_sunday_works.add_working_days(at(2026, 11, 29, 9, 0), 2),
            at(2026, 12, 13, 9, 0)
        );
    }

    #[test]
    fn working_days_skip_the_weekend() {
        let calendar = WorkingCalendar::default();
        // Monday 2026-11-30, 10:00.
        let monday = at(2026, 11, 30, 10, 0);
        assert_eq!(calendar.add_working_days(monday, 1), at(2026, 12, 1, 10, 0));
        assert_eq!(calendar.add_working_days(monday, 4), at(2026, 12, 4, 10, 0));
        assert_eq!(calendar.add_working_days(monday, 5), at(2026, 12, 7, 10, 0));
        assert_eq!(
            calendar.add_working_days(monday, 10),
            at(2026, 12, 14, 10, 0)
        );
    }

    #[test]
    fn a_friday_afternoon_start_is_due_on_a_later_afternoon() {
        let calendar = WorkingCalendar::default();
        let friday = at(2026, 12, 4, 16, 30);
        assert_eq!(
            calendar.add_working_days(friday, 1),
            at(2026, 12, 7, 16, 30)
        );
        assert_eq!(
            calendar.add_working_days(friday, 2),
            at(2026, 12, 8, 16, 30)
        );
        assert_eq!(
            calendar.working_days_between(friday, at(2026, 12, 7, 16, 29)),
            0
        );
        assert_eq!(
            calendar.working_days_between(friday, at(2026, 12, 7, 16, 30)),
            1
        );
    }

    #[test]
    fn a_holiday_on_a_friday_is_skipped() {
        let calendar = calendar();
        // Thursday 2026-12-24 at 11:00; Friday 25th is a holiday.
        let thursday = at(2026, 12, 24, 11, 0);
        assert_eq!(
            calendar.add_working_days(thursday, 1),
            at(2026, 12, 28, 11, 0)
        );
        // Through New Year's Day (Friday) as well: 28, 29, 30, 31, then 4 January.
        assert_eq!(
            calendar.add_working_days(thursday, 5),
            at(2027, 1, 4, 11, 0)
        );
        assert_eq!(
            calendar.add_working_days(thursday, 10),
            at(2027, 1, 11, 11, 0)
        );
    }

    #[test]
    fn a_start_on_a_day_off_counts_from_the_next_working_morning() {
        let calendar = calendar();
        // On the holiday, Friday 2026-12-25 at 14:00: counting starts Monday 28th 00:00.
        let holiday = at(2026, 12, 25, 14, 0);
        assert_eq!(
            calendar.add_working_days(holiday, 1),
            at(2026, 12, 29, 0, 0)
        );
        // On Saturday 2026-12-05: one working day is all of Monday the 7th.
        let saturday = at(2026, 12, 5, 9, 0);
        assert_eq!(
            calendar.add_working_days(saturday, 1),
            at(2026, 12, 8, 0, 0)
        );
        assert_eq!(
            calendar.working_days_between(saturday, at(2026, 12, 7, 23, 59)),
            0
        );
        assert_eq!(
            calendar.working_days_between(saturday, at(2026, 12, 8, 0, 0)),
            1
        );
    }

    #[test]
    fn zero_working_days_is_the_instant_itself() {
        let calendar = calendar();
        for from in [at(2026, 12, 24, 11, 0), at(2026, 12, 26, 11, 0)] {
            assert_eq!(calendar.add_working_days(from, 0), from);
            assert_eq!(calendar.working_days_between(from, from), 0);
        }
        assert_eq!(
            calendar.working_days_between(at(2026, 12, 24, 11, 0), at(2026, 12, 1, 0, 0)),
            0
        );
    }

    #[test]
    fn far_deadlines_saturate_instead_of_overflowing() {
        let calendar = WorkingCalendar::default();
        let end = DateTime::<Utc>::MAX_UTC;
        assert_eq!(calendar.add_working_days(end, 1), end);
        assert_eq!(
            calendar.add_working_days(at(2026, 1, 1, 0, 0), u32::MAX),
            end
        );
    }

    fn any_calendar() -> impl Strategy<Value = WorkingCalendar> {
        let weekend = proptest::collection::vec(0..7u8, 0..=6);
        let holidays = proptest::collection::vec(0..800u64, 0..40);
        (weekend, holidays).prop_map(|(weekend, holidays)| {
            let weekend: Vec<_> = weekend
                .into_iter()
                .map(|d| Weekday::try_from(d).unwrap())
                .collect();
            // Six distinct days at most: there is a working day.
            let weekend = if weekend.iter().copied().collect::<WeekdaySet>() == WeekdaySet::ALL {
                Vec::new()
            } else {
                weekend
            };
            let base = date(2026, 1, 1);
            WorkingCalendar::new(weekend, holidays.into_iter().map(|d| base + Days::new(d)))
                .unwrap()
        })
    }

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0..700i64 * 24 * 60)
            .prop_map(|minutes| at(2026, 1, 1, 0, 0) + chrono::Duration::minutes(minutes))
    }

    proptest! {
        #[test]
        fn a_deadline_falls_on_a_working_day(
            calendar in any_calendar(), from in any_instant(), n in 1..300u32,
        ) {
            let due = calendar.add_working_days(from, n);
            prop_assert!(calendar.is_working_day(due.date_naive()), "{due}");
            prop_assert!(due > from);
        }

        #[test]
        fn more_working_days_is_never_earlier(
            calendar in any_calendar(), from in any_instant(), n in 0..300u32,
        ) {
            prop_assert!(calendar.add_working_days(from, n) < calendar.add_working_days(from, n + 1));
        }

        #[test]
        fn counting_undoes_adding(
            calendar in any_calendar(), from in any_instant(), n in 0..300u32,
        ) {
            let due = calendar.add_working_days(from, n);
            prop_assert_eq!(calendar.working_days_between(from, due), n);
            // Any earlier instant has fewer whole working days behind it.
            if n > 0 {
                let before = due - chrono::Duration::seconds(1);
                prop_assert_eq!(calendar.working_days_between(from, before), n - 1);
            }
        }

        #[test]
        fn counting_finds_the_last_deadline_reached(
            calendar in any_calendar(), from in any_instant(), to in any_instant(),
        ) {
            let k = calendar.working_days_between(from, to);
            if to > from {
                prop_assert!(calendar.add_working_days(from, k) <= to);
                prop_assert!(calendar.add_working_days(from, k + 1) > to);
            } else {
                prop_assert_eq!(k, 0);
            }
        }

        #[test]
        fn adding_is_additive(
            calendar in any_calendar(), from in any_instant(), a in 0..150u32, b in 0..150u32,
        ) {
            prop_assert_eq!(
                calendar.add_working_days(calendar.add_working_days(from, a), b),
                calendar.add_working_days(from, a + b)
            );
        }

        #[test]
        fn jumping_agrees_with_walking(
            calendar in any_calendar(), day in 0..700u64, n in 1..300u32,
        ) {
            let start = date(2026, 1, 1) + Days::new(day);
            let mut walked = start;
            let mut left = n;
            while left > 0 {
                walked = walked.succ_opt().unwrap();
                if calendar.is_working_day(walked) {
                    left -= 1;
                }
            }
            prop_assert_eq!(calendar.nth_working_day_after(start, n), Some(walked));
        }
    }
}
