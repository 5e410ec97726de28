//! Case documents in a compact binary form, written since the twelfth session: decoding the
//! JSON form (`codec.rs`, still read) was a tenth of the server's time on an audited read.
//!
//! ```text
//! document := MARKER body
//! body     := count (key value)*            keys in strictly increasing order
//! key      := text
//! value    := 1 text | 2 f64 | 3 days | 4 seconds nanos | 5 yes/no byte | 6 text
//!           | 7 count text* | 8 text | 9 count body*
//! text     := count utf8-bytes              count: unsigned LEB128
//! ```
//! Numbers are little-endian: f64, days since 1 January of year 1 (i32), seconds since the Unix
//! epoch (i64) and nanoseconds (u32). The marker cannot begin JSON (nor sealed content).

use crate::StoreError;
use caseward_domain::case::{CaseFields, FieldValue, GroupItem};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The first byte of a binary document.
pub(crate) const MARKER: u8 = 0xB1;

/// How deep groups may nest (the configuration allows groups of plain fields only).
const MAX_DEPTH: usize = 4;

const TEXT: u8 = 1;
const NUMBER: u8 = 2;
const DATE: u8 = 3;
const DATE_TIME: u8 = 4;
const YES_NO: u8 = 5;
const CHOICE: u8 = 6;
const CHOICES: u8 = 7;
const LOCATION: u8 = 8;
const GROUP: u8 = 9;

pub(crate) fn encode(fields: &CaseFields) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(MARKER);
    body(&mut out, fields);
    out
}

fn count(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn text(out: &mut Vec<u8>, text: &str) {
    count(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

fn body(out: &mut Vec<u8>, item: &GroupItem) {
    count(out, item.len());
    for (key, value) in item {
        text(out, key);
        match value {
            FieldValue::Text(t) => {
                out.push(TEXT);
                text(out, t);
            }
            FieldValue::Number(n) => {
                out.push(NUMBER);
                out.extend_from_slice(&n.to_le_bytes());
            }
            FieldValue::Date(d) => {
                out.push(DATE);
                out.extend_from_slice(&d.num_days_from_ce().to_le_bytes());
            }
            FieldValue::DateTime(t) => {
                out.push(DATE_TIME);
                out.extend_from_slice(&t.timestamp().to_le_bytes());
                out.extend_from_slice(&t.timestamp_subsec_nanos().to_le_bytes());
            }
            FieldValue::YesNo(b) => out.extend_from_slice(&[YES_NO, u8::from(*b)]),
            FieldValue::Choice(c) => {
                out.push(CHOICE);
                text(out, c);
            }
            FieldValue::Choices(choices) => {
                out.push(CHOICES);
                count(out, choices.len());
                for c in choices {
                    text(out, c);
                }
            }
            FieldValue::Location(code) => {
                out.push(LOCATION);
                text(out, code);
            }
            FieldValue::Group(items) => {
                out.push(GROUP);
                count(out, items.len());
                for item in items {
                    body(out, item);
                }
            }
        }
    }
}

/// A binary document (starting with [`MARKER`]) read back; where it is damaged, never what it
/// holds.
pub(crate) fn decode(bytes: &[u8]) -> Result<CaseFields, StoreError> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.byte()? != MARKER {
        return Err(reader.corrupt("no marker"));
    }
    let fields = reader.body(0)?;
    if reader.at != bytes.len() {
        return Err(reader.corrupt("bytes after the document"));
    }
    Ok(fields)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn corrupt(&self, what: &str) -> StoreError {
        StoreError::Corrupt(format!("case document: {what} at byte {}", self.at))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.corrupt("cut short"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, StoreError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// A count, which can be no more than the bytes left (each thing counted takes one at
    /// least): a damaged count never reserves memory.
    fn count(&mut self) -> Result<usize, StoreError> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                let left = (self.bytes.len() - self.at) as u64;
                return if n <= left {
                    Ok(n as usize)
                } else {
                    Err(self.corrupt("a count past the end"))
                };
            }
        }
        Err(self.corrupt("a count too long"))
    }

    fn text(&mut self) -> Result<String, StoreError> {
        let n = self.count()?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| self.corrupt("text not UTF-8"))
    }

    fn body(&mut self, depth: usize) -> Result<GroupItem, StoreError> {
        if depth > MAX_DEPTH {
            return Err(self.corrupt("groups nested too deep"));
        }
        let n = self.count()?;
        // The keys come in order: the map is built from them at once, not searched for each
        // (a case read decodes about a hundred). `n` is at most the bytes left.
        let mut pairs: Vec<(String, FieldValue)> = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.text()?;
            if pairs.last().is_some_and(|(last, _)| *last >= key) {
                return Err(self.corrupt("keys out of order"));
            }
            let value = self.value(depth)?;
            pairs.push((key, value));
        }
        Ok(GroupItem::from_iter(pairs))
    }

    fn value(&mut self, depth: usize) -> Result<FieldValue, StoreError> {
        Ok(match self.byte()? {
            TEXT => FieldValue::Text(self.text()?),
            NUMBER => FieldValue::Number(f64::from_le_bytes(self.array()?)),
            DATE => {
                let days = i32::from_le_bytes(self.array()?);
                FieldValue::Date(
                    NaiveDate::from_num_days_from_ce_opt(days)
                        .ok_or_else(|| self.corrupt("a date out of range"))?,
                )
            }
            DATE_TIME => {
                let seconds = i64::from_le_bytes(self.array()?);
                let nanos = u32::from_le_bytes(self.array()?);
                FieldValue::DateTime(
                    DateTime::<Utc>::from_timestamp(seconds, nanos)
                        .ok_or_else(|| self.corrupt("a time out of range"))?,
                )
            }
            YES_NO => match self.byte()? {
                0 => FieldValue::YesNo(false),
                1 => FieldValue::YesNo(true),
                _ => return Err(self.corrupt("a yes/no neither")),
            },
            CHOICE => FieldValue::Choice(self.text()?),
            CHOICES => {
                let n = self.count()?;
                let mut choices = Vec::with_capacity(n);
                for _ in 0..n {
                    choices.push(self.text()?);
                }
                FieldValue::Choices(choices)
            }
            LOCATION => FieldValue::Location(self.text()?),
            GROUP => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.body(depth + 1)?);
                }
                FieldValue::Group(items)
            }
            _ => return Err(self.corrupt("an unknown kind of value")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CaseFields {
        [
            ("a", FieldValue::Text("Amina".into())),
            ("b", FieldValue::Number(2.5)),
            (
                "c",
                FieldValue::Date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()),
            ),
            (
                "d",
                FieldValue::DateTime(DateTime::from_timestamp(1_769_853_600, 7).unwrap()),
            ),
            ("e", FieldValue::YesNo(true)),
            ("f", FieldValue::Choice("girl".into())),
            ("g", FieldValue::Choices(vec!["a".into(), "b".into()])),
            ("h", FieldValue::Location("KE-01".into())),
            (
                "i",
                FieldValue::Group(vec![
                    GroupItem::from([("j".to_string(), FieldValue::Text("k".into()))]),
                    GroupItem::new(),
                ]),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// The stored form does not change: these bytes are what this version writes, and read.
    #[test]
    fn the_stored_form_is_stable() {
        let stored: Vec<u8> = [
            &[MARKER, 9][..],
            &[1, b'a', TEXT, 5],
            b"Amina",
            &[1, b'b', NUMBER],
            &2.5f64.to_le_bytes(),
            &[1, b'c', DATE],
            &739_647i32.to_le_bytes(),
            &[1, b'd', DATE_TIME],
            &1_769_853_600i64.to_le_bytes(),
            &7u32.to_le_bytes(),
            &[1, b'e', YES_NO, 1],
            &[1, b'f', CHOICE, 4],
            b"girl",
            &[1, b'g', CHOICES, 2, 1, b'a', 1, b'b'],
            &[1, b'h', LOCATION, 5],
            b"KE-01",
            &[1, b'i', GROUP, 2, 1, 1, b'j', TEXT, 1, b'k', 0],
        ]
        .concat();
        assert_eq!(encode(&sample()), stored);
        assert_eq!(decode(&stored).unwrap(), sample());
    }

    #[test]
    fn long_counts_take_several_bytes() {
        let long = "x".repeat(300);
        let fields = CaseFields::from([("t".to_string(), FieldValue::Text(long.clone()))]);
        let bytes = encode(&fields);
        assert_eq!(&bytes[..6], &[MARKER, 1, 1, b't', TEXT, 0xAC]);
        assert_eq!(bytes[6], 0x02);
        assert_eq!(decode(&bytes).unwrap(), fields);
    }

    /// Every damage is `Corrupt`, never a panic, and its message never holds content.
    #[test]
    fn damage_is_reported_without_content() {
        let good = encode(&sample());
        let mut damaged: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
        for at in 0..good.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut bytes = good.clone();
                bytes[at] ^= flip;
                damaged.push(bytes);
            }
        }
        damaged.push([&good[..], &[0]].concat());
        damaged.push(vec![MARKER, 2, 1, b'b', YES_NO, 0, 1, b'a', YES_NO, 0]);
        damaged.push(vec![
            MARKER, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
        ]);
        let mut deep = vec![MARKER];
        for _ in 0..=MAX_DEPTH {
            deep.extend_from_slice(&[1, 1, b'g', GROUP, 1]);
        }
        deep.push(0);
        damaged.push(deep);
        for bytes in damaged {
            match decode(&bytes) {
                Ok(fields) => assert_ne!(fields, sample(), "{bytes:?}"),
                Err(StoreError::Corrupt(message)) => {
                    assert!(!message.contains("Amina"), "{message}");
                    assert!(message.starts_with("case document: "), "{message}");
                }
                Err(other) => panic!("{other:?}"),
            }
        }
    }
}
