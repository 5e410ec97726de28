//! Case data keys on SQLite: the portable SQL of `portable/case_keys.rs`.

type BackendStore = super::SqliteStore;
type Db = sqlx::Sqlite;
type DbConnection = sqlx::SqliteConnection;
type DbPool = sqlx::SqlitePool;

include!("../portable/case_keys.rs");
