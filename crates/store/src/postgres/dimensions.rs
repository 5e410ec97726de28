//! Report dimensions on PostgreSQL: the portable SQL of `portable/dimensions.rs`.

type DbConnection = sqlx::PgConnection;
type DbPool = sqlx::PgPool;

include!("../portable/dimensions.rs");
