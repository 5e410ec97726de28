//! Reassignment, the assignment history and caseloads on PostgreSQL: the portable SQL of
//! `portable/assignments.rs`.

use super::cases::fetch_record;
use super::next_change_seq;

type BackendStore = super::PostgresStore;
type Db = sqlx::Postgres;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;

include!("../portable/assignments.rs");
