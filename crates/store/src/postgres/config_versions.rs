//! Configuration versions: the portable SQL of `portable/config_versions.rs`.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;

include!("../portable/config_versions.rs");
