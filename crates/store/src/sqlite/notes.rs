//! Case notes: the portable SQL of `portable/notes.rs`.

type BackendStore = super::SqliteStore;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/notes.rs");
