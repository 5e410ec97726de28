//! Teams, shares, field grants and consents on SQLite: the portable SQL of
//! `portable/access.rs`, bound to this backend's types.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;
type Db = sqlx::Sqlite;

include!("../portable/access.rs");
