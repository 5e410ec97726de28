//! Care plan versions: the portable SQL of `portable/care_plans.rs`.

type BackendStore = super::SqliteStore;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;

include!("../portable/care_plans.rs");
