//! The raw batched insert rate: the portable SQL of `portable/baseline.rs`.

type DbPool = sqlx::SqlitePool;

const BASELINE_TABLE: &str = "CREATE TABLE caseward_insert_baseline (id BLOB PRIMARY KEY NOT NULL, payload BLOB NOT NULL) STRICT";

type DbConnection = sqlx::SqliteConnection;

/// Pages in use: a dropped table's pages stay in the file, free, and are used again first.
const STORAGE_BYTES: &str = "SELECT (p.page_count - f.freelist_count) * s.page_size
     FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s";

include!("../portable/baseline.rs");
