//! Listing and changing users on PostgreSQL: the portable SQL of `portable/user_admin.rs`.

type BackendStore = super::PostgresStore;
type DbPool = sqlx::PgPool;

include!("../portable/user_admin.rs");
