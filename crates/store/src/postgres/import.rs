//! Bulk import of cases with their history: the portable SQL of `portable/import.rs`.

type BackendStore = super::PostgresStore;
type Db = sqlx::Postgres;
type DbConnection = sqlx::PgConnection;
/// The column types of `cases.intensity` and `cases.config_version`.
type SmallInt = i16;
type Int = i32;

include!("../portable/import.rs");
