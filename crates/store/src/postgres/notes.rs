//! Case notes: the portable SQL of `portable/notes.rs`.

type BackendStore = super::PostgresStore;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;

include!("../portable/notes.rs");
