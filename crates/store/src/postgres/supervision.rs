//! A team's history for the quality metrics: the portable SQL of `portable/supervision.rs`.

type Db = sqlx::Postgres;
type DbPool = sqlx::PgPool;

include!("../portable/supervision.rs");
