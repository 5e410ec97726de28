//! Background work, alerts and case timelines: the portable SQL of `portable/work.rs`.

type BackendStore = super::SqliteStore;
type Db = sqlx::Sqlite;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;
type DbRow = sqlx::sqlite::SqliteRow;
/// One writer at a time: a claim in a write transaction sees no row another holds.
const SKIP_LOCKED: &str = "";

include!("../portable/work.rs");
