//! A team's history for the quality metrics: the portable SQL of `portable/supervision.rs`.

type Db = sqlx::Sqlite;
type DbPool = sqlx::SqlitePool;

include!("../portable/supervision.rs");
