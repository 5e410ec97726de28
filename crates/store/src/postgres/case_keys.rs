//! Case data keys on PostgreSQL: the portable SQL of `portable/case_keys.rs`.

type BackendStore = super::PostgresStore;
type Db = sqlx::Postgres;
type DbConnection = sqlx::PgConnection;
type DbPool = sqlx::PgPool;

include!("../portable/case_keys.rs");
