//! Attachments on SQLite: the portable SQL of `portable/attachments.rs`.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;

include!("../portable/attachments.rs");
