//! Keeping each case's history digest: the portable SQL of `portable/history_digests.rs`.

type Db = sqlx::Sqlite;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/history_digests.rs");
