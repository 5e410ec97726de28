//! Care plan versions: the portable SQL of `portable/care_plans.rs`.

type BackendStore = super::PostgresStore;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;

include!("../portable/care_plans.rs");
