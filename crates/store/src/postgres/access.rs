//! Teams, shares, field grants and consents on PostgreSQL: the portable SQL of
//! `portable/access.rs`, bound to this backend's types.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;
type Db = sqlx::Postgres;

include!("../portable/access.rs");
