//! Listing and changing users on SQLite: the portable SQL of `portable/user_admin.rs`.

type BackendStore = super::SqliteStore;
type DbPool = sqlx::SqlitePool;

include!("../portable/user_admin.rs");
