//! The stored form of case fields, read back without their schema. Written in the binary form
//! of `document_bytes.rs` (since the twelfth session); documents written before are
//! self-describing JSON (each value tagged with its kind), and read here.
//!
//! JSON documents are read straight into the fields, without an intermediate
//! `serde_json::Value` tree: building the tree (a map and a string allocated for each tag and
//! value, then copied out again) was most of that work in the read profile.

use crate::StoreError;
use crate::document_bytes;
use caseward_domain::case::{CaseFields, FieldValue, GroupItem};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

pub fn encode(fields: &CaseFields) -> Vec<u8> {
    document_bytes::encode(fields)
}

pub fn decode(bytes: &[u8]) -> Result<CaseFields, StoreError> {
    if bytes.first() == Some(&document_bytes::MARKER) {
        return document_bytes::decode(bytes);
    }
    serde_json::from_slice::<Decoded>(bytes)
        .map(|decoded| decoded.0)
        .map_err(|e| {
            // serde's message may quote the value it met (case content): only where.
            StoreError::Corrupt(format!(
                "case document: {:?} error at line {}, column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })
}

/// A document (or a group item) read back.
struct Decoded(GroupItem);

impl<'de> Deserialize<'de> for Decoded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Decoded;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of tagged values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut fields = GroupItem::new();
        while let Some(key) = map.next_key::<String>()? {
            let DecodedValue(value) = map.next_value()?;
            fields.insert(key, value);
        }
        Ok(Decoded(fields))
    }
}

/// A value read back from its object of one entry.
struct DecodedValue(FieldValue);

impl<'de> Deserialize<'de> for DecodedValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = DecodedValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tagged value (an object of one entry)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DecodedValue, A::Error> {
        let tag: Tag = map
            .next_key()?
            .ok_or_else(|| de::Error::custom("untagged value"))?;
        let value = match tag {
            Tag::Text => FieldValue::Text(map.next_value()?),
            Tag::Number => FieldValue::Number(map.next_value()?),
            Tag::Date => FieldValue::Date(parsed(&map.next_value::<String>()?, "date", |s| {
                s.parse::<NaiveDate>().ok()
            })?),
            Tag::DateTime => {
                FieldValue::DateTime(parsed(&map.next_value::<String>()?, "date_time", |s| {
                    DateTime::parse_from_rfc3339(s)
                        .ok()
                        .map(|t| t.with_timezone(&Utc))
                })?)
            }
            Tag::YesNo => FieldValue::YesNo(map.next_value()?),
            Tag::Choice => FieldValue::Choice(map.next_value()?),
            Tag::Choices => FieldValue::Choices(map.next_value()?),
            Tag::Location => FieldValue::Location(map.next_value()?),
            Tag::Group => FieldValue::Group(map.next_value::<Items>()?.0),
        };
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("untagged value (more than one entry)"));
        }
        Ok(DecodedValue(value))
    }
}

fn parsed<T, E: de::Error>(
    text: &str,
    tag: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, E> {
    parse(text).ok_or_else(|| E::custom(format_args!("not a {tag}")))
}

/// The kinds of value, as tagged in documents.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Tag {
    Text,
    Number,
    Date,
    DateTime,
    YesNo,
    Choice,
    Choices,
    Location,
    Group,
}

/// A group's items read back.
struct Items(Vec<GroupItem>);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of group items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(Decoded(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Items(items))
            }
        }
        deserializer.deserialize_seq(ItemsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaf() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            ".*".prop_map(FieldValue::Text),
            (-1.0e12f64..1.0e12).prop_map(FieldValue::Number),
            (1900i32..2100, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| FieldValue::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())),
            (0i64..4_000_000_000)
                .prop_map(|s| FieldValue::DateTime(DateTime::from_timestamp(s, 0).unwrap())),
            any::<bool>().prop_map(FieldValue::YesNo),
            "[a-z_]{1,12}".prop_map(FieldValue::Choice),
            proptest::collection::vec("[a-z_]{1,12}", 0..4).prop_map(FieldValue::Choices),
            "[A-Z0-9-]{1,12}".prop_map(FieldValue::Location),
        ]
    }

    fn value() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            4 => leaf(),
            1 => proptest::collection::vec(proptest::collection::btree_map("[a-z_]{1,8}", leaf(), 0..4), 0..3)
                .prop_map(FieldValue::Group),
        ]
    }

    proptest! {
        #[test]
        fn documents_round_trip(fields in proptest::collection::btree_map("[a-z_]{1,10}", value(), 0..8)) {
            let decoded = decode(&encode(&fields)).unwrap();
            prop_assert_eq!(decoded, fields);
        }
    }

    /// Documents written as JSON by earlier versions read back (this version writes
    /// `document_bytes`, whose own test holds its form).
    #[test]
    fn json_documents_read_back() {
        let stored = concat!(
            r#"{"a":{"text":"x\"y"},"b":{"number":2.5},"c":{"date":"2026-01-31"},"#,
            r#""d":{"date_time":"2026-01-31T10:00:00+00:00"},"e":{"yes_no":true},"#,
            r#""f":{"choice":"girl"},"g":{"choices":["a","b"]},"h":{"location":"KE-01"},"#,
            r#""i":{"group":[{"j":{"text":"k"}},{}]}}"#
        );
        let fields = decode(stored.as_bytes()).unwrap();
        let expected: CaseFields = [
            ("a", FieldValue::Text("x\"y".into())),
            ("b", FieldValue::Number(2.5)),
            (
                "c",
                FieldValue::Date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()),
            ),
            (
                "d",
                FieldValue::DateTime(DateTime::from_timestamp(1_769_853_600, 0).unwrap()),
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
        .collect();
        assert_eq!(fields, expected);
        assert_eq!(decode(&encode(&fields)).unwrap(), expected);
        // A whole number reads as a number too.
        assert_eq!(
            decode(br#"{"n":{"number":3}}"#).unwrap()["n"],
            FieldValue::Number(3.0)
        );
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        for bad in [
            &b"not json"[..],
            b"[]",
            br#"{"a": 1}"#,
            br#"{"a": {"x": 1}}"#,
            br#"{"a": {"date": "2026-13-01"}}"#,
            br#"{"a": {}}"#,
            br#"{"a": {"text": "x", "choice": "y"}}"#,
            br#"{"a": {"eat": "x"}}"#,
            br#"{"a": {"group": [{"b": 1}]}}"#,
            br#"{"a": {"date_time": "yesterday"}}"#,
            br#"{"a": {"yes_no": "yes"}}"#,
            br#"{"a": {"text": "x"}"#,
        ] {
            assert!(matches!(decode(bad), Err(StoreError::Corrupt(_))));
        }
    }

    #[test]
    fn a_damaged_document_is_reported_without_its_content() {
        for bad in [
            &br#"{"a": {"yes_no": "Amina lives by the mill"}}"#[..],
            br#"{"a": {"number": "Amina lives by the mill"}}"#,
            br#"{"a": {"choices": ["x", 1]}, "b": {"text": "Amina lives by the mill"}"#,
            br#"{"a": {"date": "Amina lives by the mill"}}"#,
        ] {
            let Err(StoreError::Corrupt(message)) = decode(bad) else {
                panic!("not refused")
            };
            assert!(!message.contains("Amina"), "{message}");
            assert!(message.contains("line 1"), "{message}");
        }
    }
}
