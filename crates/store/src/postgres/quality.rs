//! Quality reviews, supervision notes and discussion marks: the portable SQL of
//! `portable/quality.rs`.

type BackendStore = super::PostgresStore;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;

include!("../portable/quality.rs");
