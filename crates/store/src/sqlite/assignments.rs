//! Reassignment, the assignment history and caseloads on SQLite: the portable SQL of
//! `portable/assignments.rs`.

use super::cases::fetch_record;
use super::next_change_seq;

type BackendStore = super::SqliteStore;
type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/assignments.rs");
