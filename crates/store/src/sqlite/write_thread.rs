//! The process's rusqlite write connection, on a thread of its own: the writes that run many
//! statements under load, each batch of them one job (the audit trail's appends,
//! `audit_appends.rs`; the case edits' group commits, `case_edits.rs`).
//!
//! Through sqlx each statement is a hand-off to the write connection's worker thread and back.
//! Under load the two cores are busy with requests, and each hand-off waits its turn for a
//! core: a batch of 25 case edits took 12–15 ms of hand-offs and statements before its commit,
//! with the worker threads busy about a quarter of the time. Here a batch is one hand-off, and its
//! statements run one after the other on this thread, each prepared once.
//!
//! The caller holds the writers' turn meanwhile (`writer.rs`), so that the sqlx write
//! connection does not begin while a job writes: SQLite's lock is only ever contended by a
//! transaction the sqlx connection began before, or by another process (a command run beside
//! the server), and then it is polled briefly, as the checkpoints poll it.
//!
//! A job that panics fails alone: its open transaction is rolled back, its caller gets an
//! error, and the thread goes on with the next job. Without that, one panic would stop every
//! later write of the process.

use crate::{Result, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;
use tokio::sync::oneshot;

/// How long a job waits between looks at a write lock another connection holds, and how many
/// looks it takes before it fails (10 s, as long as the sqlx connections wait).
const POLL: Duration = Duration::from_micros(200);
const POLLS: i32 = 50_000;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The writing thread; it stops when this is dropped (with the store).
pub(super) struct WriteThread {
    jobs: Sender<Job>,
}

impl WriteThread {
    /// Write to the database at `path` on a thread of its own.
    pub(super) fn start(path: &Path) -> Result<Self> {
        let mut connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_handler(Some(poll_briefly))?;
        // As the sqlx writer: durable at each commit; checkpoints are the checkpoint thread's
        // (`checkpoints.rs`), and a WAL started over is cut back to the same size. SQLite's
        // default 2 MB of pages: at a million cases the sqlx writer's 8 MB made the edits'
        // batches no faster (3,173 and 3,178 edits/s against 3,220 and 2,466, alternating),
        // and the server's memory under load is near its bound. Foreign keys are not
        // enforced, as they never were for the appends: no job writes a column that
        // references another table (an edit changes a case's version, times and content, its
        // data key, search tokens and dimensions).
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "wal_autocheckpoint", 0)?;
        connection.pragma_update(
            None,
            "journal_size_limit",
            super::checkpoints::WAL_SIZE_LIMIT,
        )?;
        let (jobs, incoming) = channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writes".into())
            .spawn(move || {
                for job in incoming {
                    run_alone(job, &mut connection);
                }
            })?;
        Ok(Self { jobs })
    }

    /// Run `work` on the writing connection; its outcome. The caller holds the writers' turn.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(move |connection: &mut Connection| {
                // The caller may have gone (its request cancelled); what was written stands.
                let _ = done.send(work(connection));
            }))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| failed())?
    }
}

/// Run one job; if it panics, roll back whatever it left open, so that the next job begins
/// afresh. (A rusqlite `Transaction` rolls back as it unwinds; a `BEGIN` of its own does not.)
/// The caller learns of the panic by its answer's sender being dropped unsent.
fn run_alone(job: Job, connection: &mut Connection) {
    if catch_unwind(AssertUnwindSafe(|| job(connection))).is_err() && !connection.is_autocommit() {
        // If even the rollback fails, the next job's `BEGIN` fails and says why.
        let _ = connection.execute_batch("ROLLBACK");
    }
}

fn stopped() -> StoreError {
    StoreError::Corrupt("the SQLite writing thread has stopped".into())
}

fn failed() -> StoreError {
    StoreError::NotCommitted("the write failed on the SQLite writing thread".into())
}

fn poll_briefly(tries: i32) -> bool {
    if tries >= POLLS {
        return false;
    }
    std::thread::sleep(POLL);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> std::path::PathBuf {
        let file = dir.join("writes.db");
        let connection = Connection::open(&file).unwrap();
        connection
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE notes (body TEXT NOT NULL);")
            .unwrap();
        file
    }

    fn notes(file: &Path) -> Vec<String> {
        let connection = Connection::open(file).unwrap();
        let mut select = connection.prepare("SELECT body FROM notes").unwrap();
        select
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// A job that panics inside a transaction of its own making fails alone: what it wrote is
    /// rolled back and the next job writes.
    #[tokio::test]
    async fn a_job_that_panics_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = database(dir.path());
        let writes = WriteThread::start(&file).unwrap();
        let panicked = writes
            .run(|connection| {
                connection.execute_batch("BEGIN; INSERT INTO notes VALUES ('half written');")?;
                panic!("a job that panics mid-transaction");
                #[allow(unreachable_code)]
                Ok(())
            })
            .await;
        assert!(
            matches!(panicked, Err(StoreError::NotCommitted(_))),
            "{panicked:?}"
        );
        writes
            .run(|connection| {
                let transaction = connection.transaction()?;
                transaction.execute("INSERT INTO notes VALUES ('kept')", [])?;
                transaction.commit()?;
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(notes(&file), vec!["kept".to_string()]);
    }
}
