//! The audit trail's own appends on SQLite (reads, lists, refusals, logins: what the server's
//! group commit hands over), each batch one transaction on a connection of its own, run on a
//! thread of its own.
//!
//! Through sqlx each of an append's five statements (begin, lock the head, insert, move the
//! head, commit) was a hand-off to the write connection's worker thread and back. Under load the
//! two cores are busy with requests, and each hand-off waited its turn for a core: an append
//! of twenty entries took 4–6 ms, of which the disk's sync is a fraction, and since every read
//! waits for its append, that was the ceiling of audited reads. Here a batch is one hand-off.
//!
//! The caller holds the store's one sqlx write connection meanwhile (`SqliteStore::
//! append_audit`), so that no writer of this process waits on SQLite's lock for another: the
//! lock is only ever contended by other processes (a command run beside the server), and then
//! it is polled briefly, as the checkpoints poll it.

use crate::{Result, StoreError};
use caseward_domain::audit::{AuditEntry, AuditEvent};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;
use tokio::sync::oneshot;

/// How long an append waits between looks at a write lock another process holds, and how many
/// looks it takes before it fails (10 s, as long as the sqlx connections wait).
const POLL: Duration = Duration::from_micros(200);
const POLLS: i32 = 50_000;

const INSERT: &str = "INSERT INTO audit_entries (seq, at, actor_id, actor_role, action, outcome, case_id, subject_id, fields, reason, request_id, client, prev_hash, hash)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

struct Job {
    events: Vec<(AuditEvent, DateTime<Utc>)>,
    done: oneshot::Sender<Result<Vec<AuditEntry>>>,
}

/// The appending thread; it stops when this is dropped (with the store).
pub(super) struct AuditAppends {
    jobs: Sender<Job>,
}

impl AuditAppends {
    /// Append to the trail of the database at `path`, on a thread of its own.
    pub(super) fn start(path: &Path) -> Result<Self> {
        let mut connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_handler(Some(poll_briefly))?;
        // As the sqlx writer: durable at each commit; checkpoints are the checkpoint thread's
        // (`checkpoints.rs`), and a WAL started over is cut back to the same size.
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "wal_autocheckpoint", 0)?;
        connection.pragma_update(
            None,
            "journal_size_limit",
            super::checkpoints::WAL_SIZE_LIMIT,
        )?;
        let (jobs, incoming) = channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-audit".into())
            .spawn(move || {
                for job in incoming {
                    let _ = job.done.send(append(&mut connection, job.events));
                }
            })?;
        Ok(Self { jobs })
    }

    /// Append `events`, each at its own time, in one durable transaction; the entries written.
    pub(super) async fn append(
        &self,
        events: Vec<(AuditEvent, DateTime<Utc>)>,
    ) -> Result<Vec<AuditEntry>> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Job { events, done })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Corrupt("the audit trail's appending thread has stopped".into())
}

fn poll_briefly(tries: i32) -> bool {
    if tries >= POLLS {
        return false;
    }
    std::thread::sleep(POLL);
    true
}

/// Text of a time as sqlx writes it (and `columns.rs` reads it back).
fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn append(
    connection: &mut Connection,
    events: Vec<(AuditEvent, DateTime<Utc>)>,
) -> Result<Vec<AuditEntry>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
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
    tx.commit()?;
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
