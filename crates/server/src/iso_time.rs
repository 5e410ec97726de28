//! Dates and times written into JSON as chrono writes them, digit by digit: chrono's own way
//! reads a format description (or goes through `fmt`) for each one, and a case read writes a
//! few of them (its dates, its creation and last change). Years outside 0–9999 and leap
//! seconds are left to chrono.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};
use serde::{Serialize, Serializer};

/// Up to `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
struct Text {
    bytes: [u8; 30],
    len: usize,
}

impl Text {
    fn new() -> Self {
        Self {
            bytes: [0; 30],
            len: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    /// `value` in exactly `digits` decimal digits (`value` has no more).
    fn digits(&mut self, value: u32, digits: u32) {
        for place in (0..digits).rev() {
            self.push(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation are pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    /// `YYYY-MM-DD`; `None` for a year outside 0–9999.
    fn date(date: NaiveDate) -> Option<Self> {
        let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
        let mut text = Self::new();
        text.digits(year, 4);
        text.push(b'-');
        text.digits(date.month(), 2);
        text.push(b'-');
        text.digits(date.day(), 2);
        Some(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS`, then the fraction as `digits` wants it, then `Z`; `None` for a
    /// year outside 0–9999 or a leap second.
    fn instant(at: &DateTime<Utc>, digits: fn(u32) -> u32) -> Option<Self> {
        let nanos = at.nanosecond();
        if nanos >= 1_000_000_000 {
            return None;
        }
        let mut text = Self::date(at.date_naive())?;
        text.push(b'T');
        text.digits(at.hour(), 2);
        text.push(b':');
        text.digits(at.minute(), 2);
        text.push(b':');
        text.digits(at.second(), 2);
        let shown = digits(nanos);
        if shown > 0 {
            text.push(b'.');
            text.digits(nanos / 10u32.pow(9 - shown), shown);
        }
        text.push(b'Z');
        Some(text)
    }
}

/// The fraction's digits as chrono's `SecondsFormat::AutoSi` writes them: none, 3, 6 or 9.
fn auto_si(nanos: u32) -> u32 {
    match nanos {
        0 => 0,
        n if n % 1_000_000 == 0 => 3,
        n if n % 1_000 == 0 => 6,
        _ => 9,
    }
}

/// A date as `YYYY-MM-DD` (chrono's `%Y-%m-%d`).
pub fn serialize_date<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    match Text::date(*date) {
        Some(text) => serializer.serialize_str(text.as_str()),
        None => serializer.collect_str(&date.format("%Y-%m-%d")),
    }
}

/// A time to the second, in UTC (`to_rfc3339_opts(SecondsFormat::Secs, true)`).
pub fn serialize_seconds<S: Serializer>(
    at: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match Text::instant(at, |_| 0) {
        Some(text) => serializer.serialize_str(text.as_str()),
        None => serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
}

/// A time as chrono's `Serialize` writes it (RFC 3339 in UTC, the fraction to the
/// millisecond, microsecond or nanosecond it needs); for `#[serde(serialize_with)]`.
pub fn serialize_instant<S: Serializer>(
    at: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match Text::instant(at, auto_si) {
        Some(text) => serializer.serialize_str(text.as_str()),
        None => at.serialize(serializer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<F>(write: F) -> String
    where
        F: FnOnce(&mut serde_json::Serializer<&mut Vec<u8>>) -> Result<(), serde_json::Error>,
    {
        let mut out = Vec::new();
        write(&mut serde_json::Serializer::new(&mut out)).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Every kind of fraction, the edges of the years written digit by digit, the years and
    /// the leap second left to chrono: the same text as chrono's.
    #[test]
    fn times_and_dates_read_as_chronos() {
        let seconds = [
            -62_167_219_200, // 0000-01-01T00:00:00
            -62_135_596_801, // 0000-12-31T23:59:59
            -1,
            0,
            951_782_400, // 2000-02-29
            1_773_133_260,
            4_102_444_799,
            253_402_300_799,  // 9999-12-31T23:59:59
            253_402_300_800,  // 10000-01-01
            -62_167_219_201,  // -0001-12-31
            -100_000_000_000, // about -1200
        ];
        let nanos = [
            0,
            1,
            999,
            1_000,
            120_000,
            123_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
            1_000_000_000, // a leap second
            1_500_000_000,
        ];
        for s in seconds {
            for n in nanos {
                let Some(at) = DateTime::<Utc>::from_timestamp(s, n) else {
                    continue;
                };
                assert_eq!(
                    json(|w| serialize_instant(&at, w)),
                    serde_json::to_string(&at).unwrap(),
                    "{s} {n}"
                );
                assert_eq!(
                    json(|w| serialize_seconds(&at, w)),
                    serde_json::to_string(&at.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap(),
                    "{s} {n}"
                );
                let date = at.date_naive();
                assert_eq!(
                    json(|w| serialize_date(&date, w)),
                    format!("\"{}\"", date.format("%Y-%m-%d")),
                    "{date:?}"
                );
            }
        }
        // Every day of a leap year and of its neighbours.
        let mut date = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        while date.year() < 2026 {
            assert_eq!(
                json(|w| serialize_date(&date, w)),
                format!("\"{}\"", date.format("%Y-%m-%d"))
            );
            date = date.succ_opt().unwrap();
        }
    }
}
