//! Agencies on PostgreSQL: the portable SQL of `portable/agencies.rs`.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;

include!("../portable/agencies.rs");
