// Agencies: portable SQL, included by `sqlite/agencies.rs` and `postgres/agencies.rs` (see
// `portable/access.rs`).

use crate::{Agency, NewAgency, Result, StoreError};
use sqlx::Row;
use uuid::Uuid;

fn agency_from_row(row: &DbRow) -> Result<Agency> {
    Ok(Agency {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) async fn list_agencies(pool: &DbPool) -> Result<Vec<Agency>> {
    let rows = sqlx::query("SELECT id, name, version, created_at FROM agencies ORDER BY lower(name)")
        .fetch_all(pool)
        .await?;
    rows.iter().map(agency_from_row).collect()
}

pub(super) async fn create_agency(store: &BackendStore, agency: NewAgency) -> Result<Agency> {
    let mut tx = store.begin_write().await?;
    sqlx::query("INSERT INTO agencies (id, name, version, created_at, updated_at) VALUES ($1, $2, 1, $3, $4)")
        .bind(agency.id)
        .bind(&agency.name)
        .bind(agency.now)
        .bind(agency.now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "name"))?;
    super::audit::append_in(&mut tx, &agency.audit, agency.now).await?;
    tx.commit().await?;
    Ok(Agency {
        id: agency.id,
        name: agency.name,
        version: 1,
        created_at: agency.now,
    })
}

pub(super) async fn rename_agency(
    store: &BackendStore,
    id: Uuid,
    expected_version: i64,
    name: &str,
    audit: &[caseward_domain::audit::AuditEvent],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Agency> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE agencies SET name = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
    )
    .bind(name)
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "name"))?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM agencies WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            Some(current) => StoreError::Conflict {
                expected: expected_version,
                current,
            },
            None => StoreError::NotFound,
        });
    }
    let row = sqlx::query("SELECT id, name, version, created_at FROM agencies WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let agency = agency_from_row(&row)?;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(agency)
}
