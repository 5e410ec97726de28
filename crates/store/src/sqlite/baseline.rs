//! The raw batched insert rate: the portable SQL of `portable/baseline.rs`.

type DbPool = sqlx::SqlitePool;

const BASELINE_TABLE: &str = "CREATE TABLE caseward_insert_baseline (id BLOB PRIMARY KEY NOT NULL, payload BLOB NOT NULL) STRICT";

type DbConnection = sqlx::SqliteConnection;

const STORAGE_BYTES: &str =
    "SELECT p.page_count * s.page_size FROM pragma_page_count() p, pragma_page_size() s";

include!("../portable/baseline.rs");
