//! Report dimensions on PostgreSQL: the portable SQL of `portable/dimensions.rs`.

type DbConnection = sqlx::PgConnection;
type Db = sqlx::Postgres;
type DbPool = sqlx::PgPool;

include!("../portable/dimensions.rs");
