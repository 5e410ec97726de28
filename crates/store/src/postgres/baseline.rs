//! The raw batched insert rate: the portable SQL of `portable/baseline.rs`.

type DbPool = sqlx::PgPool;

const BASELINE_TABLE: &str =
    "CREATE TABLE caseward_insert_baseline (id UUID PRIMARY KEY, payload BYTEA NOT NULL)";

include!("../portable/baseline.rs");
