//! The writers of one SQLite database in this process, in turn: the one sqlx write connection
//! (most changes, in their transactions) and the rusqlite write connection (`write_thread.rs`:
//! the audit trail's own appends and the case edits' batches). SQLite lets one connection
//! write at a time; each waits here, in order, rather than on SQLite's lock. (SQLite's own
//! busy handler, which the sqlx connection waits with, sleeps 1, 2, 5, 10… ms between tries.)
//!
//! A transaction of the sqlx connection holds the turn only while it begins: once it holds
//! SQLite's lock, a job of the write thread that comes next waits for the lock itself,
//! polling briefly on its own thread. A job holds the turn until it has committed, so that
//! the sqlx connection never begins while one is under way.

use crate::Result;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::sync::Arc;
use tokio::sync::{Mutex, MutexGuard};

/// The write connection's pool (of one) and the turn its transactions share with the appends.
#[derive(Clone)]
pub(super) struct Writer {
    pub pool: SqlitePool,
    turn: Arc<Mutex<()>>,
}

impl Writer {
    pub(super) fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// Begin a write transaction that holds SQLite's write lock from its first statement.
    pub(super) async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        let _turn = self.turn.lock().await;
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The turn to write, for as long as the guard is held.
    pub(super) async fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().await
    }
}
