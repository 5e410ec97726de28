// Configuration versions: portable SQL, included by `sqlite/config_versions.rs` and
// `postgres/config_versions.rs` (see `portable/access.rs`). A version is added once, after the
// newest one the change was judged against, with its audit entries in the same transaction.

use crate::config_versions::{
    ConfigSource, ConfigVersionRecord, ConfigVersionSummary, NewConfigVersion, decode_changes,
    decode_files, encode_changes, encode_files,
};
use crate::{Result, StoreError};
use sqlx::Row;

const COLUMNS: &str = "v.version, v.created_at, v.source, v.restored_from, v.fingerprint, v.changes,
     u.id AS by_id, u.username AS by_username, u.display_name AS by_display_name";
const FROM: &str = "config_versions v LEFT JOIN users u ON u.id = v.author";

pub(super) async fn add(store: &BackendStore, new: NewConfigVersion) -> Result<ConfigVersionSummary> {
    let mut tx = store.begin_write().await?;
    let newest: Option<i32> = sqlx::query_scalar("SELECT MAX(version) FROM config_versions")
        .fetch_one(&mut *tx)
        .await?;
    let newest = newest.map(|v| v as u32);
    if newest != new.previous {
        return Err(StoreError::Conflict {
            expected: new.previous.map_or(0, i64::from),
            current: newest.map_or(0, i64::from),
        });
    }
    sqlx::query(
        "INSERT INTO config_versions (version, created_at, author, source, restored_from, fingerprint, files, changes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new.version as i32)
    .bind(new.now)
    .bind(new.author)
    .bind(new.source.as_str())
    .bind(new.restored_from.map(|v| v as i32))
    .bind(&new.fingerprint)
    .bind(encode_files(&new.files))
    .bind(encode_changes(&new.changes))
    .execute(&mut *tx)
    .await
    .map_err(|e| match &e {
        // Another node added the same number first.
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
            expected: new.previous.map_or(0, i64::from),
            current: i64::from(new.version),
        },
        _ => StoreError::from(e),
    })?;
    super::audit::append_in(&mut tx, &new.audit, new.now).await?;
    let summary = summaries(&mut tx, Some(new.version)).await?.pop();
    tx.commit().await?;
    summary.ok_or(StoreError::NotFound)
}

/// Every version, newest first, or only `version`.
async fn summaries(
    conn: &mut DbConnection,
    only: Option<u32>,
) -> Result<Vec<ConfigVersionSummary>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE ($1 IS NULL OR v.version = $1) ORDER BY v.version DESC"
    ))
    .bind(only.map(|v| v as i32))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(summary).collect()
}

fn summary(row: &DbRow) -> Result<ConfigVersionSummary> {
    let version: i32 = row.try_get("version")?;
    let restored_from: Option<i32> = row.try_get("restored_from")?;
    let source: String = row.try_get("source")?;
    let author_id: Option<uuid::Uuid> = row.try_get("by_id")?;
    Ok(ConfigVersionSummary {
        version: version as u32,
        created_at: row.try_get("created_at")?,
        author: match author_id {
            Some(_) => Some(super::access::user_ref(row, "by")?),
            None => None,
        },
        source: ConfigSource::parse(&source)
            .ok_or_else(|| StoreError::Corrupt(format!("configuration source {source}")))?,
        restored_from: restored_from.map(|v| v as u32),
        fingerprint: row.try_get("fingerprint")?,
        changes: decode_changes(&row.try_get::<String, _>("changes")?)?,
    })
}

pub(super) async fn list(pool: &DbPool) -> Result<Vec<ConfigVersionSummary>> {
    let mut conn = pool.acquire().await?;
    summaries(&mut conn, None).await
}

/// One version with its files; `None` for the newest.
pub(super) async fn get(pool: &DbPool, version: Option<u32>) -> Result<Option<ConfigVersionRecord>> {
    let mut conn = pool.acquire().await?;
    let version: Option<i32> = match version {
        Some(v) => Some(v as i32),
        None => sqlx::query_scalar("SELECT MAX(version) FROM config_versions")
            .fetch_one(&mut *conn)
            .await?,
    };
    let Some(version) = version else {
        return Ok(None);
    };
    let Some(summary) = summaries(&mut conn, Some(version as u32)).await?.pop() else {
        return Ok(None);
    };
    let files: String = sqlx::query_scalar("SELECT files FROM config_versions WHERE version = $1")
        .bind(version)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(ConfigVersionRecord {
        summary,
        files: decode_files(&files)?,
    }))
}

/// The newest version's number, cheaply (nodes poll it).
pub(super) async fn newest(pool: &DbPool) -> Result<Option<u32>> {
    let newest: Option<i32> = sqlx::query_scalar("SELECT MAX(version) FROM config_versions")
        .fetch_one(pool)
        .await?;
    Ok(newest.map(|v| v as u32))
}

/// Cases by case type and stage (purged cases are gone from `cases`).
pub(super) async fn usage(pool: &DbPool) -> Result<Vec<(String, String, u64)>> {
    let rows = sqlx::query(
        "SELECT case_type, stage, COUNT(*) AS n FROM cases GROUP BY case_type, stage",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let n: i64 = row.try_get("n")?;
            Ok((row.try_get("case_type")?, row.try_get("stage")?, n as u64))
        })
        .collect()
}

/// A case type's case ids after `after`, in id order, at most `limit`: a cursor that no write
/// moves (a migration walks a case type with it while cases change).
pub(super) async fn case_ids(
    pool: &DbPool,
    case_type: &str,
    after: Option<uuid::Uuid>,
    limit: u32,
) -> Result<Vec<uuid::Uuid>> {
    let rows = sqlx::query(
        "SELECT id FROM cases WHERE case_type = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3",
    )
    .bind(case_type)
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
}
