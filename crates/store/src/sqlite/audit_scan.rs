//! The audit trail read for `audit verify` through a connection of its own (rusqlite, on a
//! blocking thread): sqlx hands every row from its connection's worker thread to the caller,
//! a few microseconds each, which made verifying a long trail take minutes. Each page is a
//! read transaction of its own, so a verification does not hold back the server's WAL
//! checkpoints.

use crate::Result;
use crate::audit_scan::{AuditPage, AuditScan, PAGE_ENTRIES, PAGES_AHEAD, corrupt_entry, required};
use caseward_domain::audit::{CanonicalEntry, CanonicalFields};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::time::Duration;

const PAGE_QUERY: &str = "SELECT seq, at, actor_id, actor_role, action, outcome, case_id, \
     subject_id, fields, reason, request_id, client, prev_hash, hash FROM audit_entries \
     WHERE seq > ?1 ORDER BY seq LIMIT ?2";

/// Start reading the entries after `after_seq` from the database file at `path`.
pub(super) fn scan(path: PathBuf, after_seq: i64) -> AuditScan {
    let (pages, scan) = tokio::sync::mpsc::channel(PAGES_AHEAD);
    tokio::task::spawn_blocking(move || {
        let connection = match open(&path) {
            Ok(connection) => connection,
            Err(error) => {
                let _ = pages.blocking_send(Err(error));
                return;
            }
        };
        let mut after = after_seq;
        loop {
            let page = read_page(&connection, after);
            let last = page.as_ref().ok().and_then(AuditPage::last_seq);
            let full = page.as_ref().is_ok_and(|p| p.len() >= PAGE_ENTRIES);
            // The verifier stopped listening (it found a break): stop reading.
            if pages.blocking_send(page).is_err() || !full {
                return;
            }
            after = last.unwrap_or(after);
        }
    });
    scan
}

fn open(path: &std::path::Path) -> Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "query_only", true)?;
    Ok(connection)
}

fn read_page(connection: &Connection, after: i64) -> Result<AuditPage> {
    let mut statement = connection.prepare_cached(PAGE_QUERY)?;
    let mut rows = statement.query((after, PAGE_ENTRIES as i64))?;
    let mut page = AuditPage::new();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let corrupt = |what: &str| corrupt_entry(seq, what);
        let text = |i: usize| -> Result<Option<&str>> {
            match row.get_ref(i)? {
                ValueRef::Null => Ok(None),
                ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| corrupt("a text is not UTF-8")),
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
        let at = required(text(1)?, seq)?;
        let at = chrono::DateTime::parse_from_rfc3339(at)
            .map_err(|_| corrupt("its time is not RFC 3339"))?;
        let entry = CanonicalEntry {
            seq,
            at_micros: at.timestamp_micros(),
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
