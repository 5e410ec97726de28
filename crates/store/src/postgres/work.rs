//! Background work, alerts and case timelines: the portable SQL of `portable/work.rs`.

type BackendStore = super::PostgresStore;
type Db = sqlx::Postgres;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;
type DbRow = sqlx::postgres::PgRow;
/// Rows another node is claiming are skipped, not waited for.
const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";

include!("../portable/work.rs");
