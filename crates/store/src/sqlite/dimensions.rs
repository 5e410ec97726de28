//! Report dimensions on SQLite: the portable SQL of `portable/dimensions.rs`.

type DbConnection = sqlx::SqliteConnection;
type DbPool = sqlx::SqlitePool;

include!("../portable/dimensions.rs");
