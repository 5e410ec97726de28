//! Agencies on SQLite: the portable SQL of `portable/agencies.rs`.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;

include!("../portable/agencies.rs");
