//! The two reads every case request makes — its session, and the case with the facts the
//! access policy needs — on rusqlite connections used on the calling thread.
//!
//! Through sqlx each was a round trip to the worker thread of a pooled connection: a channel
//! message and a thread wake-up each way, for the query and for every row (thread wake-ups
//! and context switches were a third of the samples in issue 4's profiles; with SQLite's
//! shared page-cache mutex gone too, reads are 1.29 times as fast). Both reads are one
//! indexed row each, tens of microseconds in the page cache and never waiting on the writer
//! (WAL readers do not), so they run where the request is, as a blocking call shorter than any
//! hand-off. Connections are kept for the next read; as many are open as reads run at once
//! (one a runtime thread).

use crate::columns::{Columns, NamedRow, column_names};
use crate::sealing::{Sealing, wrapped_from_columns};
use crate::{CaseAccess, CaseRecord, Result};
use rusqlite::{Connection, OpenFlags, Params};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;
use uuid::Uuid;

/// How many connections are kept between reads.
const KEPT: usize = 8;

/// Each point-read connection's page cache, in KiB (SQLite's default is 2 MiB): at a million
/// cases the index pages a read walks did not stay in 2 MiB and were copied back from the
/// kernel on every read. With at most [`KEPT`] connections kept, at most 128 MiB between
/// reads (two connections on a machine of two cores).
const CACHE_KIB: u32 = 16 * 1024;

pub(super) struct PointReads {
    path: PathBuf,
    kept: Mutex<Vec<Connection>>,
    /// The column names of the session query and of the case query, read from their first
    /// statements (each query's are the same on every connection).
    session_columns: OnceLock<Vec<String>>,
    case_columns: OnceLock<Vec<String>>,
}

/// A session's row: its user, the times that end it, and its stage.
pub(super) struct StoredSession {
    pub user: crate::User,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub stage: String,
}

impl PointReads {
    pub(super) fn new(path: PathBuf) -> Self {
        Self {
            path,
            kept: Mutex::new(Vec::new()),
            session_columns: OnceLock::new(),
            case_columns: OnceLock::new(),
        }
    }

    /// Run `read` on a kept connection (or a new one), and keep the connection again.
    fn with<T>(&self, read: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let kept = self.lock().pop();
        let connection = match kept {
            Some(connection) => connection,
            None => {
                let connection = open_reader(&self.path)?;
                connection.pragma_update(None, "cache_size", -i64::from(CACHE_KIB))?;
                connection
            }
        };
        let result = read(&connection);
        let mut kept = self.lock();
        if kept.len() < KEPT {
            kept.push(connection);
        }
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session whose token has `digest`, with its user.
    pub(super) fn session(&self, digest: &[u8; 32]) -> Result<Option<StoredSession>> {
        self.with(|connection| {
            one(
                connection,
                super::users::session_query(),
                &self.session_columns,
                [&digest[..]],
                |row| {
                    Ok(StoredSession {
                        user: super::users::user_from_row(row)?,
                        last_seen_at: row.time("last_seen_at")?,
                        expires_at: row.time("expires_at")?,
                        stage: row.text("stage")?,
                    })
                },
            )
        })
    }

    /// A case with its access facts, opened.
    pub(super) fn case_with_access(
        &self,
        sealing: &Sealing,
        id: Uuid,
    ) -> Result<Option<(CaseRecord, CaseAccess)>> {
        self.with(|connection| {
            one(
                connection,
                super::cases::case_with_access_query(),
                &self.case_columns,
                [id.as_bytes().as_slice()],
                |row| {
                    let record = super::cases::record_from_row(row, sealing)?;
                    let wrapped = wrapped_from_columns(
                        row.opt_int("master_key_id")?,
                        row.opt_blob("wrapped")?,
                    )?;
                    let access = crate::access_json::opened_case_access(
                        sealing,
                        id,
                        wrapped.as_ref(),
                        [
                            &row.text("granted")?,
                            &row.text("consents")?,
                            &row.text("teams")?,
                        ],
                    )?;
                    Ok((record, access))
                },
            )
        })
    }
}

/// The one row `query` finds, decoded by `decode`, or `None`; `columns` keeps the query's
/// column names once read.
fn one<T>(
    connection: &Connection,
    query: &str,
    columns: &OnceLock<Vec<String>>,
    params: impl Params,
    decode: impl FnOnce(&NamedRow<'_, '_>) -> Result<T>,
) -> Result<Option<T>> {
    let mut statement = connection.prepare_cached(query)?;
    let names = columns.get_or_init(|| column_names(&statement));
    let mut rows = statement.query(params)?;
    rows.next()?
        .map(|row| decode(&NamedRow::new(row, names)))
        .transpose()
}

/// A connection of the store's own that only reads (`audit verify`'s scan, the point reads).
pub(super) fn open_reader(path: &Path) -> Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "query_only", true)?;
    Ok(connection)
}
