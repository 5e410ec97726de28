//! Keeping each case's history digest: the portable SQL of `portable/history_digests.rs`.

type BackendStore = super::SqliteStore;
type Db = sqlx::Sqlite;
type DbConnection = sqlx::SqliteConnection;

/// Whether a refresh locks the cases' rows before reading their history: not with one
/// writer, when no other transaction writes meanwhile.
const LOCKS_ROWS: bool = false;

include!("../portable/history_digests.rs");
