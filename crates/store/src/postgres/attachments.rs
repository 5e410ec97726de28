//! Attachments on PostgreSQL: the portable SQL of `portable/attachments.rs`.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;

include!("../portable/attachments.rs");
