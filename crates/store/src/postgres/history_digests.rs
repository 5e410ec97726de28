//! Keeping each case's history digest: the portable SQL of `portable/history_digests.rs`.

type Db = sqlx::Postgres;
type DbConnection = sqlx::PgConnection;

include!("../portable/history_digests.rs");
