//! The audit trail read for `audit verify` through connections of its own (rusqlite, on
//! blocking threads): sqlx hands every row from its connection's worker thread to the caller,
//! a few microseconds each, which made verifying a long trail take minutes. The entries there
//! when the scan starts are read in ranges of sequence numbers by one reader a core and one
//! more, and handed on in order; those appended meanwhile are read after them. Each page is a
//! read transaction of its own, so a verification does not hold back the server's WAL
//! checkpoints.

use crate::audit_scan::{
    AuditPage, AuditScan, PAGE_ENTRIES, PAGES_AHEAD, PagePool, corrupt_entry, page_ranges, readers,
    required,
};
use crate::{Result, StoreError};
use caseward_domain::audit::{CanonicalEntry, CanonicalFields};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Params};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

const COLUMNS: &str = "SELECT seq, at, actor_id, actor_role, action, outcome, case_id, \
     subject_id, fields, reason, request_id, client, prev_hash, hash FROM audit_entries";

/// Start reading the entries after `after_seq` from the database file at `path`.
pub(super) fn scan(path: PathBuf, after_seq: i64) -> AuditScan {
    let (pages, scan) = tokio::sync::mpsc::channel(PAGES_AHEAD);
    tokio::task::spawn_blocking(move || {
        let send = |page| pages.blocking_send(page).is_ok();
        if let Err(error) = read_all(&path, after_seq, &send) {
            send(Err(error));
        }
    });
    scan
}

/// Read every entry after `after_seq` in order, handing each page to `send` until it says
/// stop (the verifier found a break).
fn read_all(path: &Path, after_seq: i64, send: &dyn Fn(Result<AuditPage>) -> bool) -> Result<()> {
    let connection = super::point_reads::open_reader(path)?;
    let last: i64 = connection.query_row(
        "SELECT coalesce(max(seq), 0) FROM audit_entries",
        [],
        |row| row.get(0),
    )?;
    let ranges = page_ranges(after_seq, last);
    let ranges = ranges.as_slice();
    let count = readers();
    let buffers = Arc::new(PagePool::default());
    let buffers = &buffers;
    let range_query = format!("{COLUMNS} WHERE seq > ?1 AND seq <= ?2 ORDER BY seq");
    let range_query = range_query.as_str();
    let wanted = std::thread::scope(|scope| -> Result<bool> {
        let mut received = Vec::with_capacity(count);
        for reader in 0..count {
            let (sender, receiver) = sync_channel(PAGES_AHEAD);
            received.push(receiver);
            scope.spawn(move || {
                let connection = match super::point_reads::open_reader(path) {
                    Ok(connection) => connection,
                    Err(error) => return drop(sender.send(Err(error))),
                };
                for range in ranges.iter().skip(reader).step_by(count) {
                    let page = read_page(&connection, buffers, range_query, *range);
                    // The pages are not wanted any more: stop.
                    if sender.send(page).is_err() {
                        return;
                    }
                }
            });
        }
        for range in 0..ranges.len() {
            let page = received[range % count].recv().map_err(|_| {
                StoreError::Corrupt("a reader of the audit trail stopped".to_string())
            })??;
            if !page.is_empty() && !send(Ok(page)) {
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    if !wanted {
        return Ok(());
    }
    // Entries appended since the scan began.
    let mut after = last.max(after_seq);
    let query = format!("{COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    loop {
        let page = read_page(&connection, buffers, &query, (after, PAGE_ENTRIES as i64))?;
        let full = page.len() >= PAGE_ENTRIES;
        after = page.last_seq().unwrap_or(after);
        if page.is_empty() || !send(Ok(page)) || !full {
            return Ok(());
        }
    }
}

fn read_page(
    connection: &Connection,
    buffers: &Arc<PagePool>,
    query: &str,
    params: impl Params,
) -> Result<AuditPage> {
    let mut statement = connection.prepare_cached(query)?;
    let mut rows = statement.query(params)?;
    let mut page = buffers.page();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let corrupt = |what: &str| corrupt_entry(seq, what);
        // Texts are hashed as the bytes they are stored as.
        let text = |i: usize| -> Result<Option<&[u8]>> {
            match row.get_ref(i)? {
                ValueRef::Null => Ok(None),
                ValueRef::Text(bytes) => Ok(Some(bytes)),
                _ => Err(corrupt("a text column holds another type")),
            }
        };
        let blob = |i: usize| -> Result<Option<&[u8]>> {
            match row.get_ref(i)? {
                ValueRef::Null => Ok(None),
                ValueRef::Blob(bytes) => Ok(Some(bytes)),
                _ => Err(corrupt("a binary column holds another type")),
            }
        };
        let uuid = |i: usize| -> Result<Option<&[u8]>> {
            match blob(i)? {
                Some(bytes) if bytes.len() != 16 => Err(corrupt("an id is not 16 bytes")),
                id => Ok(id),
            }
        };
        let at_micros = micros_since_epoch(required(text(1)?, seq)?)
            .ok_or_else(|| corrupt("its time is not RFC 3339"))?;
        let entry = CanonicalEntry {
            seq,
            at_micros,
            actor: uuid(2)?,
            actor_role: text(3)?,
            action: required(text(4)?, seq)?,
            outcome: required(text(5)?, seq)?,
            case_id: uuid(6)?,
            subject: uuid(7)?,
            fields: CanonicalFields::Lines(required(text(8)?, seq)?),
            reason: text(9)?,
            request_id: text(10)?,
            client: required(text(11)?, seq)?,
        };
        let prev_hash = blob(12)?.ok_or_else(|| corrupt("its previous hash is missing"))?;
        let hash = blob(13)?.ok_or_else(|| corrupt("its hash is missing"))?;
        page.push(&entry, prev_hash, hash)?;
    }
    Ok(page)
}

/// Microseconds since the Unix epoch of a time as sqlx stores it in SQLite
/// (`2026-04-26T14:00:01.162653+00:00`), read digit by digit; any other RFC 3339 form
/// through chrono.
pub(crate) fn micros_since_epoch(text: &[u8]) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        text.get(range)?.iter().try_fold(0i64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let fixed = || -> Option<i64> {
        if text.len() != 32
            || [4, 7, 10, 13, 16, 19, 26, 29].map(|i| text[i]) != *b"--T::.+:"
            || &text[27..] != b"00:00"
        {
            return None;
        }
        let date = chrono::NaiveDate::from_ymd_opt(
            i32::try_from(digits(0..4)?).ok()?,
            u32::try_from(digits(5..7)?).ok()?,
            u32::try_from(digits(8..10)?).ok()?,
        )?;
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = i64::from(chrono::Datelike::num_days_from_ce(&date)) - UNIX_EPOCH_DAYS_FROM_CE;
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second;
        Some(seconds * 1_000_000 + digits(20..26)?)
    };
    fixed().or_else(|| {
        let text = std::str::from_utf8(text).ok()?;
        Some(
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()?
                .timestamp_micros(),
        )
    })
}

/// 1970-01-01 counted as chrono's `num_days_from_ce` counts.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
    use proptest::prelude::*;

    proptest! {
        /// Every time sqlx can store reads back to the microsecond it was.
        #[test]
        fn stored_times_read_back_exactly(micros in -62_000_000_000_000_000i64..250_000_000_000_000_000) {
            let at = DateTime::<Utc>::from_timestamp_micros(micros).unwrap();
            let stored = at.to_rfc3339_opts(SecondsFormat::AutoSi, false);
            prop_assert_eq!(micros_since_epoch(stored.as_bytes()), Some(micros), "{}", stored);
        }
    }

    /// A stored row that is not what an entry is gives an error naming the entry, never a
    /// page that hashes something else.
    #[test]
    fn a_damaged_row_is_refused_naming_its_entry() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "CREATE TABLE audit_entries (seq INTEGER PRIMARY KEY, at, actor_id, actor_role,
                 action, outcome, case_id, subject_id, fields, reason, request_id, client,
                 prev_hash, hash);
                 INSERT INTO audit_entries VALUES (7, '2026-04-26T14:00:01.162653+00:00',
                 zeroblob(16), NULL, 'case.create', 'allowed', NULL, NULL, 'sex', NULL, NULL,
                 'web', zeroblob(32), zeroblob(32));",
            )
            .unwrap();
        let query = format!("{COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT ?2");
        let buffers = Arc::new(PagePool::default());
        let read = || read_page(&connection, &buffers, &query, (0, 10));
        assert_eq!(read().unwrap().len(), 1);
        for damage in [
            "actor_id = zeroblob(15)",
            "actor_id = 'an id'",
            "action = X'00'",
            "action = 'case.eat'",
            "outcome = NULL",
            "at = 'yesterday'",
            "client = NULL",
            "hash = zeroblob(31)",
            "prev_hash = NULL",
        ] {
            let tx = connection.unchecked_transaction().unwrap();
            tx.execute(&format!("UPDATE audit_entries SET {damage}"), [])
                .unwrap();
            let error = read().unwrap_err().to_string();
            assert!(error.contains("audit entry 7"), "{damage}: {error}");
            tx.rollback().unwrap();
        }
        assert_eq!(read().unwrap().len(), 1);
    }

    #[test]
    fn other_forms_go_through_chrono_and_nonsense_is_refused() {
        let at = Utc.with_ymd_and_hms(2026, 4, 26, 14, 0, 1).unwrap();
        assert_eq!(
            micros_since_epoch(b"2026-04-26T16:00:01+02:00"),
            Some(at.timestamp_micros())
        );
        assert_eq!(
            micros_since_epoch(b"2026-04-26T14:00:01.162653+00:00"),
            Some(at.timestamp_micros() + 162_653)
        );
        for bad in [
            &b"2026-02-30T14:00:01.162653+00:00"[..],
            b"2026-04-26T24:00:01.162653+00:00",
            b"2026-04-26T14:00:01.16265x+00:00",
            b"yesterday",
            b"",
        ] {
            assert_eq!(
                micros_since_epoch(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
