//! Group commit on SQLite's one writer.
//!
//! SQLite writes one transaction at a time, and with `synchronous = FULL` each commit waits for
//! the disk (an `fsync` of the WAL). Writes that each commit on their own are as many disk
//! waits, one after another: 50 people editing cases got about 350 edits a second, the writer
//! mostly waiting. A write given to the queue runs inside a shared transaction instead: the
//! queue takes every write waiting for it (up to [`MAX_BATCH`]), runs each inside its own
//! savepoint (a write that fails, a version conflict say, is rolled back alone, and the others
//! go on), commits once, and only then answers each write. No write is answered as done before
//! it is durable; if the commit fails, every write of the batch gets the failure.

use crate::{Result, StoreError};
use futures_util::future::BoxFuture;
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes.
const MAX_BATCH: usize = 64;

/// The transaction a queued write runs in.
pub(super) type Tx = Transaction<'static, Sqlite>;

/// What a write does after its batch's commit: answer its caller.
type Answer = Box<dyn FnOnce(std::result::Result<(), String>) + Send>;

/// A queued write: run it in the batch's transaction; whether it succeeded, and its answer.
type Job = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, (bool, Answer)> + Send>;

#[derive(Clone)]
pub(super) struct WriteQueue {
    jobs: mpsc::Sender<Job>,
}

impl WriteQueue {
    /// Start the queue's task on `writer` (the pool of the one writing connection).
    pub(super) fn start(writer: SqlitePool) -> Self {
        let (jobs, waiting) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(serve(writer, waiting));
        Self { jobs }
    }

    /// Run `write` in the next batch; its result once the batch is committed.
    pub(super) async fn write<T, W>(&self, write: W) -> Result<T>
    where
        T: Send + 'static,
        W: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |tx| {
            Box::pin(async move {
                let outcome = write(tx).await;
                let succeeded = outcome.is_ok();
                let answer: Answer = Box::new(move |committed| {
                    let _ = answer.send(match committed {
                        Ok(()) => outcome,
                        Err(failure) => outcome.and(Err(StoreError::NotCommitted(failure))),
                    });
                });
                (succeeded, answer)
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::NotCommitted("the writer has stopped".into()))?;
        answered.await.map_err(|_| {
            StoreError::NotCommitted("the batch stopped before this write was committed".into())
        })?
    }
}

async fn serve(writer: SqlitePool, mut waiting: mpsc::Receiver<Job>) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(batch.len());
        let committed = run(&writer, batch, &mut answers)
            .await
            .map_err(|e| e.to_string());
        if let Err(failure) = &committed {
            tracing::error!(writes = answers.len(), %failure, "a batch of writes was not committed");
        }
        for answer in answers {
            answer(committed.clone());
        }
    }
}

/// Run `batch` in one transaction, each write in its own savepoint, and commit. A write that
/// did not run (the transaction failed before it) is dropped, and its caller told so.
async fn run(writer: &SqlitePool, batch: Vec<Job>, answers: &mut Vec<Answer>) -> Result<()> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
    for job in batch {
        sqlx::query("SAVEPOINT queued_write")
            .execute(&mut *tx)
            .await?;
        let (succeeded, answer) = job(&mut tx).await;
        answers.push(answer);
        if !succeeded {
            sqlx::query("ROLLBACK TO queued_write")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("RELEASE queued_write")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
