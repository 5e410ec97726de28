//! The audit trail on SQLite: the portable SQL of `portable/audit.rs`.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;
type Db = sqlx::Sqlite;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/audit.rs");
