//! Keeping each case's history digest: the portable SQL of `portable/history_digests.rs`.

type BackendStore = super::PostgresStore;
type Db = sqlx::Postgres;
type DbConnection = sqlx::PgConnection;

/// Whether a refresh locks the cases' rows before reading their history: transactions
/// write at once, each statement reading what was committed before it began.
const LOCKS_ROWS: bool = true;

include!("../portable/history_digests.rs");
