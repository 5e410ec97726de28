//! Report dimensions on SQLite: the portable SQL of `portable/dimensions.rs`.

type DbConnection = sqlx::SqliteConnection;
type Db = sqlx::Sqlite;
type DbPool = sqlx::SqlitePool;

include!("../portable/dimensions.rs");
