//! The raw batched insert rate: the portable SQL of `portable/baseline.rs`.

type DbPool = sqlx::SqlitePool;

const BASELINE_TABLE: &str = "CREATE TABLE caseward_insert_baseline (id BLOB PRIMARY KEY NOT NULL, payload BLOB NOT NULL) STRICT";

include!("../portable/baseline.rs");
