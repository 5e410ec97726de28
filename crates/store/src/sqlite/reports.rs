//! Report tallies on SQLite: the portable SQL of `portable/reports.rs`.

use crate::Result;

type BackendStore = super::SqliteStore;

type Db = sqlx::Sqlite;
type DbPool = sqlx::SqlitePool;

/// Times are stored as RFC 3339 text: the month is its first seven characters.
const OPENED_MONTH: &str = "substr(c.created_at, 1, 7)";

include!("../portable/reports.rs");
