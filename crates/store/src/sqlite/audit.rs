//! The audit trail on SQLite: the portable SQL of `portable/audit.rs`.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;
type Db = sqlx::Sqlite;
type DbConnection = sqlx::SqliteConnection;
/// SQLite has no data-modifying `WITH`; its one writer holds no lock others wait for anyway.
const HEAD_WITH_LAST_INSERT: bool = false;

include!("../portable/audit.rs");
