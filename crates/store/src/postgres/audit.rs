//! The audit trail on PostgreSQL: the portable SQL of `portable/audit.rs`.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type Db = sqlx::Postgres;
type DbConnection = sqlx::PgConnection;
/// The last batch of entries and the new head in one statement (a data-modifying `WITH`):
/// the head stays locked until the commit, so every round trip saved under it counts.
const HEAD_WITH_LAST_INSERT: bool = true;

include!("../portable/audit.rs");

/// Append `events` in a transaction of their own (reads, refusals, logins).
pub(super) async fn append(
    store: &BackendStore,
    events: Vec<AuditEvent>,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>> {
    crate::audit_links::refuse_case_reasons(&events)?;
    let mut tx = store.begin_write().await?;
    let entries = append_sealed_in(&mut tx, events, now).await?;
    tx.commit().await?;
    Ok(entries)
}
