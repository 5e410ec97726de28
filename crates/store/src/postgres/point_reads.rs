//! Connections kept for the one query every case request begins with (its session and its
//! case, `cases::session_and_case`), outside the pool.
//!
//! sqlx's pool pings a connection each time it is given back (a Sync message and its answer:
//! a round trip to the server and a wake-up of its backend), to find connections left in the
//! middle of a query by a cancelled request. A read's one query was followed by that second
//! round trip. Here a connection is kept again only when its query has been answered in full;
//! a query cancelled or failed drops its connection, so none is ever kept in the middle of
//! one, and no ping is needed. At most [`KEPT`] connections are open.

use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::{Connection, Postgres};
use std::sync::{Mutex, PoisonError};
use tokio::sync::Semaphore;

/// How many point-read connections are open at most (each is a backend process of the
/// server's): queries take a fraction of a millisecond, and a few cover two cores and more.
const KEPT: usize = 4;

pub(super) struct PointReads {
    options: PgConnectOptions,
    kept: Mutex<Vec<PgConnection>>,
    open: Semaphore,
}

impl PointReads {
    pub(super) fn new(options: PgConnectOptions) -> Self {
        Self {
            options,
            kept: Mutex::new(Vec::new()),
            open: Semaphore::new(KEPT),
        }
    }

    /// The row `query` finds, if any. A kept connection that fails (the server closed it
    /// meanwhile) is dropped and the query tried once more on a new one.
    pub(super) async fn fetch_optional<'q>(
        &self,
        query: impl Fn() -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<Option<PgRow>> {
        let _open = self
            .open
            .acquire()
            .await
            .map_err(|_| crate::StoreError::Corrupt("point reads closed".into()))?;
        let kept = self.lock().pop();
        if let Some(mut connection) = kept
            && let Ok(row) = query().fetch_optional(&mut connection).await
        {
            self.lock().push(connection);
            return Ok(row);
        }
        let mut connection = PgConnection::connect_with(&self.options).await?;
        let row = query().fetch_optional(&mut connection).await?;
        self.lock().push(connection);
        Ok(row)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PgConnection>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
