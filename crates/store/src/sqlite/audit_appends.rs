//! The audit trail's own appends on SQLite (reads, lists, refusals, logins: what the server's
//! group commit hands over; and the entries of a batch of case edits), on the rusqlite write
//! connection (`write_thread.rs`): each batch of entries one job, its statements prepared once.
//!
//! Through sqlx each of an append's five statements (begin, lock the head, insert, move the
//! head, commit) was a hand-off to the write connection's worker thread and back. Under load the
//! two cores are busy with requests, and each hand-off waited its turn for a core: an append
//! of twenty entries took 4–6 ms, of which the disk's sync is a fraction, and since every read
//! waits for its append, that was the ceiling of audited reads. Here a batch is one hand-off.

use crate::{Result, StoreError};
use caseward_domain::audit::{AuditEntry, AuditEvent};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, TransactionBehavior, params};

const INSERT: &str = "INSERT INTO audit_entries (seq, at, actor_id, actor_role, action, outcome, case_id, subject_id, fields, reason, request_id, client, prev_hash, hash)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// Text of a time as sqlx writes it (and `columns.rs` reads it back).
pub(super) fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Append `events`, each at its own time, in one durable transaction; the entries written.
pub(super) fn append(
    connection: &mut Connection,
    events: Vec<(AuditEvent, DateTime<Utc>)>,
) -> Result<Vec<AuditEntry>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let entries = append_in(&tx, events)?;
    tx.commit()?;
    Ok(entries)
}

/// Append `events`, each at its own time, inside the caller's transaction.
pub(super) fn append_in(
    tx: &rusqlite::Transaction<'_>,
    events: Vec<(AuditEvent, DateTime<Utc>)>,
) -> Result<Vec<AuditEntry>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    // Each statement prepared once for the connection (prepared anew for every append, they
    // took 7 % of this thread's time).
    let (seq, hash): (i64, Vec<u8>) = tx
        .prepare_cached("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let hash: [u8; 32] = hash
        .try_into()
        .map_err(|_| StoreError::Corrupt("audit head hash is not 32 bytes".into()))?;
    let entries = crate::audit_links::link(seq, hash, events)?;
    {
        let mut insert = tx.prepare_cached(INSERT)?;
        for entry in &entries {
            let event = &entry.event;
            insert.execute(params![
                entry.seq,
                time_text(entry.at),
                event.actor.map(|id| id.into_bytes()),
                event.actor_role,
                event.action.as_str(),
                event.outcome.as_str(),
                event.case_id.map(|id| id.into_bytes()),
                event.subject.map(|id| id.into_bytes()),
                event.fields.join("\n"),
                event.reason,
                event.request_id,
                event.client,
                &entry.prev_hash[..],
                &entry.hash[..],
            ])?;
        }
    }
    let (seq, hash) = crate::audit_links::head_after(&entries, seq, hash);
    tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")?
        .execute(params![seq, &hash[..]])?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_sqlx_writes_them() {
        let at = DateTime::from_timestamp(1_800_000_000, 123_456_000).unwrap();
        assert_eq!(time_text(at), "2027-01-15T08:00:00.123456+00:00");
        let back = crate::sqlite::micros_since_epoch(time_text(at).as_bytes())
            .and_then(DateTime::from_timestamp_micros);
        assert_eq!(back, Some(at));
    }
}
