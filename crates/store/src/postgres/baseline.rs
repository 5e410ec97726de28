//! The raw batched insert rate: the portable SQL of `portable/baseline.rs`.

type DbPool = sqlx::PgPool;

const BASELINE_TABLE: &str =
    "CREATE TABLE caseward_insert_baseline (id UUID PRIMARY KEY, payload BYTEA NOT NULL)";

type DbConnection = sqlx::PgConnection;

const STORAGE_BYTES: &str = "SELECT pg_database_size(current_database())";

include!("../portable/baseline.rs");
