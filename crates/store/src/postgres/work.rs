//! Background work, alerts and case timelines: the portable SQL of `portable/work.rs`.

type BackendStore = super::PostgresStore;
type Db = sqlx::Postgres;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;
type DbRow = sqlx::postgres::PgRow;
/// Rows another node is claiming are skipped, not waited for.
const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";
/// A sweep's alerts go straight to the insert, whose `ON CONFLICT DO NOTHING` probes the
/// unique index and locks nothing another writer waits for. A read first would only be fast
/// with the table's statistics: without them (before `ANALYZE`, or with autovacuum off) the
/// planner takes 500 case ids to match most of the table and scans all of it, 100 ms a page
/// at a million cases, 150–210 s a sweep instead of about 16.
const LOOK_UP_RECORDED_ALERTS: bool = false;

include!("../portable/work.rs");
