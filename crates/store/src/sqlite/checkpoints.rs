//! WAL checkpoints off the writer's path. By default SQLite checkpoints inside the commit
//! that takes the WAL past 1,000 pages: that commit copies the WAL's pages into the database
//! file and syncs it before it returns, and under a steady stream of edits half of a batch's
//! time went there. The writer's automatic checkpoints are off; this task runs a passive
//! checkpoint (it never waits for, or blocks, a reader or the writer) on a connection of its
//! own a few times a second. When the last connection closes, SQLite checkpoints what is left.

use sqlx::SqlitePool;
use std::time::Duration;

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(250);

/// What a checkpoint found: the WAL's frames, and how many of them are now in the database
/// file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Checkpointed {
    pub wal_frames: i64,
    pub copied_frames: i64,
}

/// The running checkpoints; they stop when this is dropped (with the store).
pub(super) struct Checkpoints {
    task: tokio::task::JoinHandle<()>,
    #[cfg_attr(not(test), allow(dead_code))]
    last: tokio::sync::watch::Receiver<Checkpointed>,
}

impl Checkpoints {
    pub(super) fn start(connection: SqlitePool) -> Self {
        let (report, last) = tokio::sync::watch::channel(Checkpointed::default());
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
                    .fetch_one(&connection)
                    .await
                {
                    Ok((_, wal_frames, copied_frames)) => {
                        report.send_replace(Checkpointed {
                            wal_frames,
                            copied_frames,
                        });
                    }
                    Err(error) => {
                        tracing::warn!(%error, "checkpointing the SQLite WAL failed; retrying")
                    }
                }
            }
        });
        Self { task, last }
    }
}

impl Drop for Checkpoints {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    /// A writer without automatic checkpoints lets the WAL grow past SQLite's 1,000 pages;
    /// the checkpoints then copy all of it into the database file.
    #[tokio::test]
    async fn the_wal_is_checkpointed_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let connect = SqliteConnectOptions::new()
            .filename(dir.path().join("checkpoints.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = |options: SqliteConnectOptions| {
            SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
        };
        let writer = pool(connect.clone().pragma("wal_autocheckpoint", "0"))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE pages (content BLOB NOT NULL)")
            .execute(&writer)
            .await
            .unwrap();
        for _ in 0..1_500 {
            sqlx::query("INSERT INTO pages VALUES (zeroblob(4000))")
                .execute(&writer)
                .await
                .unwrap();
        }
        let mut checkpoints = Checkpoints::start(pool(connect).await.unwrap());
        checkpoints.last.changed().await.unwrap();
        let done = *checkpoints.last.borrow();
        assert!(
            done.wal_frames >= 1_500,
            "the writer checkpointed: {done:?}"
        );
        assert_eq!(done.copied_frames, done.wal_frames, "{done:?}");
    }
}
