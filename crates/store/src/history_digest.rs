//! A case's history digest: its moves, contacts and care plan versions — times and states,
//! never content — as one compact value kept on the case's row (`cases.history_digest`,
//! migration 0027). The supervisor's dashboard reads its teams' cases with their digests,
//! and the deadline sweep every open case's (`portable/work.rs`), instead of seeking into
//! three history tables once a case; the rows stay the record.
//!
//! The digest is rewritten from the case's rows in the transaction of every write to them
//! (`portable/history_digests.rs`), so it never says other than the rows. A case without one
//! (of an instance upgraded, until the server has written it) has its rows read instead.
//!
//! The form: a format byte, the counts of moves, contacts and plan versions, then their
//! entries. Counts and lengths are LEB128; a time is its seconds (8 bytes) and nanoseconds
//! (4 bytes), little-endian, so that it reads back exactly as stored. The counts come first,
//! so that a team's digests are decoded into lists of their exact size, each grown once.

use crate::team_records::{TeamContact, TeamPlanVersion, TeamRecords};
use crate::{CaseId, Result, StoreError};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::quality::Move;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

/// The digest's form; another form reads as corrupt.
const FORMAT: u8 = 1;

/// The digest of one case's history rows (each of the case).
pub(crate) fn encode(
    moves: &[&Move],
    contacts: &[&TeamContact],
    plans: &[&TeamPlanVersion],
) -> Vec<u8> {
    let mut out = Writer(Vec::with_capacity(
        8 + moves.len() * 40 + contacts.len() * 33 + plans.len() * 32,
    ));
    out.0.push(FORMAT);
    out.count(moves.len());
    out.count(contacts.len());
    out.count(plans.len());
    for step in moves {
        out.text(&step.from);
        out.text(&step.to);
        out.time(step.at);
    }
    for contact in contacts {
        out.0.extend_from_slice(contact.note.as_bytes());
        out.time(contact.written_at);
        match contact.next_contact_on {
            Some(day) => {
                out.0.push(1);
                out.0
                    .extend_from_slice(&day.num_days_from_ce().to_le_bytes());
            }
            None => out.0.push(0),
        }
    }
    for plan in plans {
        out.0.extend_from_slice(&plan.version.to_le_bytes());
        out.text(plan.status.as_str());
        out.0.push(u8::from(plan.objectives_and_timelines));
        out.time(plan.written_at);
    }
    out.0
}

/// The digests of a team's cases, as their rows are read.
#[derive(Default)]
pub(crate) struct Digests(Vec<(CaseId, Vec<u8>)>);

impl Digests {
    pub(crate) fn push(&mut self, case: CaseId, digest: Vec<u8>) {
        self.0.push((case, digest));
    }

    /// Add the history in every digest to `records`, each list grown once.
    pub(crate) fn decode_into(self, records: &mut TeamRecords) -> Result<()> {
        let mut counts = [0usize; 3];
        for (_, digest) in &self.0 {
            for (total, count) in counts.iter_mut().zip(Reader::new(digest)?.counts()?) {
                *total += count;
            }
        }
        records.moves.reserve_exact(counts[0]);
        records.contacts.reserve_exact(counts[1]);
        records.plans.reserve_exact(counts[2]);
        for (case, digest) in &self.0 {
            decode_into(*case, digest, records)?;
        }
        Ok(())
    }
}

/// Add the history in `case`'s digest to `records`.
pub(crate) fn decode_into(case: CaseId, bytes: &[u8], records: &mut TeamRecords) -> Result<()> {
    let mut input = Reader::new(bytes)?;
    let [moves, contacts, plans] = input.counts()?;
    for _ in 0..moves {
        let from = input.text()?;
        let to = input.text()?;
        let at = input.time()?;
        records.moves.push(Move { case, from, to, at });
    }
    for _ in 0..contacts {
        let note = Uuid::from_bytes(input.array()?);
        let written_at = input.time()?;
        let next_contact_on = match input.byte()? {
            0 => None,
            1 => Some(
                NaiveDate::from_num_days_from_ce_opt(i32::from_le_bytes(input.array()?))
                    .ok_or_else(corrupt)?,
            ),
            _ => return Err(corrupt()),
        };
        records.contacts.push(TeamContact {
            case,
            note,
            written_at,
            next_contact_on,
        });
    }
    for _ in 0..plans {
        let version = i64::from_le_bytes(input.array()?);
        let status = CarePlanStatus::parse(&input.text()?).ok_or_else(corrupt)?;
        let objectives_and_timelines = match input.byte()? {
            0 => false,
            1 => true,
            _ => return Err(corrupt()),
        };
        let written_at = input.time()?;
        records.plans.push(TeamPlanVersion {
            case,
            version,
            status,
            objectives_and_timelines,
            written_at,
        });
    }
    if input.0.is_empty() {
        Ok(())
    } else {
        Err(corrupt())
    }
}

fn corrupt() -> StoreError {
    StoreError::Corrupt("history digest".into())
}

struct Writer(Vec<u8>);

impl Writer {
    fn count(&mut self, mut n: usize) {
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(low);
                return;
            }
            self.0.push(low | 0x80);
        }
    }

    fn text(&mut self, text: &str) {
        self.count(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }

    fn time(&mut self, at: DateTime<Utc>) {
        self.0.extend_from_slice(&at.timestamp().to_le_bytes());
        self.0
            .extend_from_slice(&at.timestamp_subsec_nanos().to_le_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// A digest to read, past its format byte.
    fn new(bytes: &'a [u8]) -> Result<Self> {
        let mut input = Reader(bytes);
        if input.byte()? != FORMAT {
            return Err(corrupt());
        }
        Ok(input)
    }

    /// The counts of moves, contacts and plan versions. Each entry takes at least 13 bytes,
    /// so no count is more than what is left could hold.
    fn counts(&mut self) -> Result<[usize; 3]> {
        let counts = [self.count()?, self.count()?, self.count()?];
        let entries = counts.iter().try_fold(0usize, |sum, n| sum.checked_add(*n));
        match entries {
            Some(entries) if entries <= self.0.len() / 13 => Ok(counts),
            _ => Err(corrupt()),
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if self.0.len() < n {
            return Err(corrupt());
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| corrupt())
    }

    fn count(&mut self) -> Result<usize> {
        let mut n: usize = 0;
        for shift in (0..usize::BITS).step_by(7) {
            let byte = self.byte()?;
            n |= usize::from(byte & 0x7f)
                .checked_shl(shift)
                .ok_or_else(corrupt)?;
            if byte & 0x80 == 0 {
                // No count is longer than what is left to read.
                return if n <= self.0.len() {
                    Ok(n)
                } else {
                    Err(corrupt())
                };
            }
        }
        Err(corrupt())
    }

    fn text(&mut self) -> Result<String> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| corrupt())
    }

    fn time(&mut self) -> Result<DateTime<Utc>> {
        let seconds = i64::from_le_bytes(self.array()?);
        let nanos = u32::from_le_bytes(self.array()?);
        DateTime::from_timestamp(seconds, nanos).ok_or_else(corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn time() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..4_000_000_000, 0u32..1_000_000_000)
            .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap())
    }

    fn history(case: CaseId) -> impl Strategy<Value = TeamRecords> {
        let step = ("[a-z_]{0,20}", "[a-zé_]{1,20}", time()).prop_map(move |(from, to, at)| Move {
            case,
            from,
            to,
            at,
        });
        let contact = (any::<u128>(), time(), proptest::option::of(1i32..1_000_000)).prop_map(
            move |(note, written_at, day)| TeamContact {
                case,
                note: Uuid::from_u128(note),
                written_at,
                next_contact_on: day.map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap()),
            },
        );
        let status = prop_oneof![
            Just(CarePlanStatus::Draft),
            Just(CarePlanStatus::Submitted),
            Just(CarePlanStatus::Approved),
            Just(CarePlanStatus::Returned),
        ];
        let plan = (1i64..1_000, status, any::<bool>(), time()).prop_map(
            move |(version, status, objectives_and_timelines, written_at)| TeamPlanVersion {
                case,
                version,
                status,
                objectives_and_timelines,
                written_at,
            },
        );
        (
            proptest::collection::vec(step, 0..12),
            proptest::collection::vec(contact, 0..200),
            proptest::collection::vec(plan, 0..5),
        )
            .prop_map(|(moves, contacts, plans)| TeamRecords {
                moves,
                contacts,
                plans,
                ..TeamRecords::default()
            })
    }

    fn digest(records: &TeamRecords) -> Vec<u8> {
        encode(
            &records.moves.iter().collect::<Vec<_>>(),
            &records.contacts.iter().collect::<Vec<_>>(),
            &records.plans.iter().collect::<Vec<_>>(),
        )
    }

    proptest! {
        #[test]
        fn a_digest_reads_back_as_the_history_it_was_made_of(
            written in history(Uuid::from_u128(7)),
        ) {
            let mut read = TeamRecords::default();
            decode_into(Uuid::from_u128(7), &digest(&written), &mut read).unwrap();
            prop_assert_eq!(read, written);
        }

        #[test]
        fn a_teams_digests_read_back_as_their_cases_histories(
            first in history(Uuid::from_u128(1)),
            second in history(Uuid::from_u128(2)),
        ) {
            let mut digests = Digests::default();
            digests.push(Uuid::from_u128(1), digest(&first));
            digests.push(Uuid::from_u128(2), digest(&second));
            let mut read = TeamRecords::default();
            digests.decode_into(&mut read).unwrap();
            let mut both = first.clone();
            both.moves.extend(second.moves);
            both.contacts.extend(second.contacts);
            both.plans.extend(second.plans);
            prop_assert_eq!(&read, &both);
            prop_assert_eq!(
                (read.moves.capacity(), read.contacts.capacity(), read.plans.capacity()),
                (both.moves.len(), both.contacts.len(), both.plans.len()),
                "each list grown once, to its size"
            );
        }

        #[test]
        fn a_cut_or_lengthened_digest_is_corrupt_never_a_panic(
            written in history(Uuid::from_u128(7)),
            cut in any::<prop::sample::Index>(),
        ) {
            let bytes = digest(&written);
            let short = &bytes[..cut.index(bytes.len())];
            prop_assert!(decode_into(Uuid::nil(), short, &mut TeamRecords::default()).is_err());
            let mut long = bytes.clone();
            long.push(0);
            prop_assert!(decode_into(Uuid::nil(), &long, &mut TeamRecords::default()).is_err());
        }

        #[test]
        fn any_bytes_decode_or_fail_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_into(Uuid::nil(), &bytes, &mut TeamRecords::default());
        }
    }

    #[test]
    fn a_count_beyond_what_follows_is_corrupt() {
        // Two moves said, none there: refused before anything is reserved for them.
        let bytes = [FORMAT, 2, 0, 0];
        let mut digests = Digests::default();
        digests.push(Uuid::nil(), bytes.to_vec());
        assert!(digests.decode_into(&mut TeamRecords::default()).is_err());
        let huge = [FORMAT, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0];
        assert!(decode_into(Uuid::nil(), &huge, &mut TeamRecords::default()).is_err());
    }

    #[test]
    fn another_format_is_corrupt() {
        let mut bytes = digest(&TeamRecords::default());
        assert_eq!(bytes, [FORMAT, 0, 0, 0], "an empty history");
        bytes[0] = FORMAT + 1;
        assert!(decode_into(Uuid::nil(), &bytes, &mut TeamRecords::default()).is_err());
    }
}
