//! Bulk import of cases with their history: the portable SQL of `portable/import.rs`.

type BackendStore = super::SqliteStore;
type Db = sqlx::Sqlite;
type DbConnection = sqlx::SqliteConnection;
/// The column types of `cases.intensity` and `cases.config_version`.
type SmallInt = i64;
type Int = i64;

include!("../portable/import.rs");
