//! Configuration versions: the portable SQL of `portable/config_versions.rs`.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/config_versions.rs");
