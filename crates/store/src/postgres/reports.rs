//! Report tallies on PostgreSQL: the portable SQL of `portable/reports.rs`.

use crate::Result;

type BackendStore = super::PostgresStore;

type Db = sqlx::Postgres;
type DbPool = sqlx::PgPool;

/// The month in UTC (`report_month`, migration 0026).
const OPENED_MONTH: &str = "report_month(c.created_at)";

include!("../portable/reports.rs");
