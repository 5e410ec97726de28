//! Reads of thousands of rows (the dashboard's team records) on threads of their own, one a
//! core, each with a rusqlite connection it keeps: the rows are decoded where SQLite steps
//! through them, and the request waits for the result alone.
//!
//! Through sqlx each row was a message from the pool's worker thread to the request's. On
//! tokio's blocking threads instead, which come and go, each new thread started its own
//! allocator heaps, and the server's resident memory under the realistic load rose past the
//! 200 MB target; threads that live as long as the store reuse theirs.

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

type Job = Box<dyn FnOnce(&Connection) + Send>;

pub(super) struct BulkReads {
    jobs: Sender<Job>,
}

impl BulkReads {
    /// Start `threads` readers of the database file at `path`. They stop when the store is
    /// dropped.
    pub(super) fn start(path: &Path, threads: usize) -> Result<Self> {
        let (jobs, waiting) = channel::<Job>();
        let waiting = Arc::new(Mutex::new(waiting));
        for _ in 0..threads.max(1) {
            let connection = super::point_reads::open_reader(path)?;
            let waiting = Arc::clone(&waiting);
            std::thread::Builder::new()
                .name("sqlite-bulk-read".into())
                .spawn(move || serve(&connection, &waiting))?;
        }
        Ok(Self { jobs })
    }

    /// Run `read` on one of the readers' connections.
    pub(super) async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |connection| {
                // The request may have gone meanwhile; nothing waits for the answer then.
                let _ = answer.send(read(connection));
            }))
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Io(std::io::Error::other("the SQLite bulk readers stopped"))
}

/// Take jobs one at a time until the store is dropped.
fn serve(connection: &Connection, waiting: &Mutex<Receiver<Job>>) {
    loop {
        let job = waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        match job {
            Ok(job) => job(connection),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More reads at once than readers: each is answered, by a connection to the file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_read_is_answered_whatever_the_readers() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bulk.db");
        Connection::open(&file)
            .unwrap()
            .execute_batch("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);")
            .unwrap();
        let reads = Arc::new(BulkReads::start(&file, 2).unwrap());
        let mut answers = Vec::new();
        for extra in 0..16i64 {
            let reads = Arc::clone(&reads);
            answers.push(tokio::spawn(async move {
                reads
                    .read(move |connection| {
                        Ok(connection
                            .query_row("SELECT sum(n) FROM t", [], |row| row.get::<_, i64>(0))?
                            + extra)
                    })
                    .await
                    .unwrap()
            }));
        }
        for (extra, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer.await.unwrap(), 6 + extra as i64);
        }
        let refused = reads
            .read(|connection| Ok(connection.execute("DELETE FROM t", [])?))
            .await;
        assert!(refused.is_err(), "the readers only read");
    }
}
