//! Quality reviews, supervision notes and discussion marks: the portable SQL of
//! `portable/quality.rs`.

type BackendStore = super::SqliteStore;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/quality.rs");
