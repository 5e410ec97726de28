//! The conditions of case lists on SQLite: the portable SQL of `portable/case_filter.rs`.

type Db = sqlx::Sqlite;

include!("../portable/case_filter.rs");
