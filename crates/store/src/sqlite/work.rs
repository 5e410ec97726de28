//! Background work, alerts and case timelines: the portable SQL of `portable/work.rs`.

type BackendStore = super::SqliteStore;
type Db = sqlx::Sqlite;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;
type DbRow = sqlx::sqlite::SqliteRow;
/// One writer at a time: a claim in a write transaction sees no row another holds.
const SKIP_LOCKED: &str = "";
/// A sweep's alerts recorded before are found by a read first: inserted again with `ON
/// CONFLICT DO NOTHING`, each conflict would hold the one write lock, which every audit append
/// and edit waits for.
const LOOK_UP_RECORDED_ALERTS: bool = true;

include!("../portable/work.rs");
