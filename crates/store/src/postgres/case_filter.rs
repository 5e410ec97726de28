//! The conditions of case lists on PostgreSQL: the portable SQL of `portable/case_filter.rs`.

type Db = sqlx::Postgres;

include!("../portable/case_filter.rs");
