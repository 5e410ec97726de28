//! WAL checkpoints off the writer's path. By default SQLite checkpoints inside the commit
//! that takes the WAL past 1,000 pages: that commit copies the WAL's pages into the database
//! file and syncs it before it returns, and under a steady stream of edits half of a batch's
//! time went there. The writer's automatic checkpoints are off; a thread of this module runs a
//! passive checkpoint (it never waits for, or blocks, a reader or the writer) on a connection
//! of its own a few times a second. When the last connection closes, SQLite checkpoints what
//! is left.
//!
//! A passive checkpoint copies frames but never starts the WAL over: SQLite writes from the
//! WAL's beginning again only when a writer begins with every frame copied and no reader
//! inside the WAL, which a steady stream of reads and writes almost never allows. Without more
//! the WAL grew for as long as the load lasted: 4.9 GB beside a 1.6 GB database after seeding,
//! 2 GB more in twenty seconds of edits. So once it holds more than [`RESTART_AFTER_FRAMES`]
//! frames the checkpoint is a RESTART: it copies what is left, waits for the readers still
//! inside the WAL to finish (holding back the writer meanwhile), and the next commit writes
//! from the WAL's beginning; the writer's `journal_size_limit` then cuts a WAL grown longer
//! back to [`WAL_SIZE_LIMIT`] bytes. The connection is rusqlite's, on a thread of its own, so
//! that its busy handler can poll every 200 µs: SQLite's own handler sleeps 1, 2, 5, 10… ms
//! between tries, and the writer stood still for all of that.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(250);

/// The WAL's size, in frames, past which a checkpoint starts it over (256 MB of 4 KB pages).
pub(super) const RESTART_AFTER_FRAMES: i64 = 65_536;

/// The size, in bytes, a WAL started over is cut back to (the writer's `journal_size_limit`).
pub(super) const WAL_SIZE_LIMIT: i64 = 256 * 1024 * 1024;

/// How long a RESTART waits between looks at the locks it needs, and how many looks it takes
/// before it gives up until the next round (about half a second).
const POLL: Duration = Duration::from_micros(200);
const POLLS: i32 = 2_500;

/// At most how many more passive checkpoints a RESTART waits for, and how few frames the last
/// of them copies for the RESTART to go ahead.
const CATCH_UP_ROUNDS: usize = 4;
const CAUGHT_UP_FRAMES: i64 = 512;

/// What a checkpoint found: the WAL's frames, and how many of them are now in the database
/// file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Checkpointed {
    pub wal_frames: i64,
    pub copied_frames: i64,
    /// How many checkpoints so far were RESTARTs.
    pub restarts: u64,
}

/// The running checkpoints; they stop when this is dropped (with the store).
pub(super) struct Checkpoints {
    _stop: Sender<()>,
    #[cfg_attr(not(test), allow(dead_code))]
    last: tokio::sync::watch::Receiver<Checkpointed>,
}

impl Checkpoints {
    /// Checkpoint the database at `path` on a thread of its own, starting the WAL over once it
    /// holds more than `restart_after_frames` frames.
    pub(super) fn start(path: &Path, restart_after_frames: i64) -> crate::Result<Self> {
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_handler(Some(poll_briefly))?;
        let (report, last) = tokio::sync::watch::channel(Checkpointed::default());
        let (stop, stopped) = channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoints".into())
            .spawn(move || {
                let mut restarts = 0;
                // Each round waits for the next tick or for the store to go away (the sender
                // dropped), whichever is first.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    let done = round(&connection, restart_after_frames).map(
                        |(wal_frames, copied_frames, restarted)| {
                            restarts += u64::from(restarted);
                            (wal_frames, copied_frames)
                        },
                    );
                    match done {
                        Ok((wal_frames, copied_frames)) => {
                            report.send_replace(Checkpointed {
                                wal_frames,
                                copied_frames,
                                restarts,
                            });
                        }
                        Err(error) => {
                            tracing::warn!(%error, "checkpointing the SQLite WAL failed; retrying")
                        }
                    }
                }
            })?;
        Ok(Self { _stop: stop, last })
    }
}

/// One round: a passive checkpoint; if the WAL holds more than `restart_after_frames` frames,
/// passive checkpoints again until they copy little more than the writer added meanwhile
/// (so that the RESTART, which holds back the writer, has little left to copy), then the
/// RESTART. Gives the WAL's frames, how many are copied, and whether it was started over.
fn round(connection: &Connection, restart_after_frames: i64) -> rusqlite::Result<(i64, i64, bool)> {
    let (wal_frames, mut copied) = checkpoint(connection, "PASSIVE")?;
    if wal_frames <= restart_after_frames {
        return Ok((wal_frames, copied, false));
    }
    for _ in 0..CATCH_UP_ROUNDS {
        let (frames, now_copied) = checkpoint(connection, "PASSIVE")?;
        let left = frames - copied;
        copied = now_copied;
        if left <= CAUGHT_UP_FRAMES {
            break;
        }
    }
    let (wal_frames, copied) = checkpoint(connection, "RESTART")?;
    Ok((wal_frames, copied, true))
}

/// The busy handler: look again after [`POLL`], up to [`POLLS`] times.
fn poll_briefly(tries: i32) -> bool {
    if tries >= POLLS {
        return false;
    }
    std::thread::sleep(POLL);
    true
}

/// One checkpoint in `mode`: the WAL's frames and how many of them are in the database file.
/// (A RESTART that gave up waiting reports busy in its first column; the next round tries
/// again.)
fn checkpoint(connection: &Connection, mode: &str) -> rusqlite::Result<(i64, i64)> {
    connection.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        Ok((row.get(1)?, row.get(2)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    /// A writer without automatic checkpoints (its WAL cut back to `journal_size_limit`
    /// bytes when started over), after writing `pages` rows of a page each.
    async fn writer_after(file: &Path, pages: usize, journal_size_limit: i64) -> SqlitePool {
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(file)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .pragma("wal_autocheckpoint", "0")
                    .pragma("journal_size_limit", journal_size_limit.to_string()),
            )
            .await
            .unwrap();
        sqlx::query("CREATE TABLE pages (content BLOB NOT NULL)")
            .execute(&writer)
            .await
            .unwrap();
        for _ in 0..pages {
            write_page(&writer).await;
        }
        writer
    }

    async fn write_page(writer: &SqlitePool) {
        sqlx::query("INSERT INTO pages VALUES (zeroblob(4000))")
            .execute(writer)
            .await
            .unwrap();
    }

    /// A writer without automatic checkpoints lets the WAL grow past SQLite's 1,000 pages;
    /// the checkpoints then copy all of it.
    #[tokio::test]
    async fn the_wal_is_checkpointed_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("checkpoints.db");
        let _writer = writer_after(&file, 1_500, WAL_SIZE_LIMIT).await;
        let mut checkpoints = Checkpoints::start(&file, RESTART_AFTER_FRAMES).unwrap();
        checkpoints.last.changed().await.unwrap();
        let done = *checkpoints.last.borrow();
        assert!(
            done.wal_frames >= 1_500,
            "the writer checkpointed: {done:?}"
        );
        assert_eq!(done.copied_frames, done.wal_frames, "{done:?}");
        assert_eq!(done.restarts, 0, "{done:?}");
    }

    /// Past its limit the WAL is started over: the next commit writes from its beginning and
    /// the file is cut back to the writer's `journal_size_limit`.
    #[tokio::test]
    async fn a_long_wal_is_started_over() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("restarts.db");
        let limit = 64 * 4096;
        let writer = writer_after(&file, 300, limit).await;
        let wal = dir.path().join("restarts.db-wal");
        let grown = std::fs::metadata(&wal).unwrap().len();
        assert!(grown > 300 * 4096, "the WAL holds every insert: {grown}");
        let mut checkpoints = Checkpoints::start(&file, 100).unwrap();
        tokio::time::timeout(
            Duration::from_secs(30),
            checkpoints.last.wait_for(|done| done.restarts > 0),
        )
        .await
        .expect("no checkpoint started the WAL over")
        .unwrap();
        let done = *checkpoints.last.borrow();
        assert_eq!(done.wal_frames, done.copied_frames, "{done:?}");
        write_page(&writer).await;
        let started_over = std::fs::metadata(&wal).unwrap().len();
        assert!(
            started_over <= limit as u64,
            "the WAL was started over and cut to {limit} bytes: {started_over}"
        );
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pages")
            .fetch_one(&writer)
            .await
            .unwrap();
        assert_eq!(count, 301);
    }
}
