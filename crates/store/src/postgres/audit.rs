//! The audit trail on PostgreSQL: the portable SQL of `portable/audit.rs`.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type Db = sqlx::Postgres;
type DbConnection = sqlx::PgConnection;

include!("../portable/audit.rs");
