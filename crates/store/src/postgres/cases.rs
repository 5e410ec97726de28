//! Cases on PostgreSQL.

use super::{PostgresStore, next_change_seq};
use crate::sealing::{Sealing, wrapped_from_columns};
use crate::{
    CaseFilter, CaseRecord, CaseSummary, CaseUpdate, NewCase, Page, Result, StoreError, UserRef,
};
use caseward_domain::config::Intensity;
use chrono::Datelike;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

const SUMMARY_COLUMNS: &str =
    "c.id, c.case_number, c.case_type, c.stage, c.intensity, c.created_by, c.config_version,
    c.version, c.change_seq, c.created_at, c.updated_at,
    u.id AS assigned_id, u.username AS assigned_username, u.display_name AS assigned_display_name";

fn summary_from_row(row: &PgRow) -> Result<CaseSummary> {
    let intensity: i16 = row.try_get("intensity")?;
    let config_version: i32 = row.try_get("config_version")?;
    Ok(CaseSummary {
        id: row.try_get("id")?,
        case_number: row.try_get("case_number")?,
        case_type: row.try_get("case_type")?,
        stage: row.try_get("stage")?,
        intensity: Intensity::from_level(i64::from(intensity))
            .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
        assigned_to: UserRef {
            id: row.try_get("assigned_id")?,
            username: row.try_get("assigned_username")?,
            display_name: row.try_get("assigned_display_name")?,
        },
        created_by: row.try_get("created_by")?,
        config_version: config_version as u32,
        version: row.try_get("version")?,
        change_seq: row.try_get("change_seq")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn record_from_row(row: &PgRow, sealing: &Sealing) -> Result<CaseRecord> {
    let content: Vec<u8> = row.try_get("content")?;
    let summary = summary_from_row(row)?;
    let wrapped = wrapped_from_columns(row.try_get("master_key_id")?, row.try_get("wrapped")?)?;
    let fields = sealing.open(
        summary.id,
        wrapped.as_ref(),
        summary.config_version,
        &content,
    )?;
    Ok(CaseRecord { summary, fields })
}

pub(super) async fn fetch_record<'e, E>(
    executor: E,
    sealing: &Sealing,
    id: Uuid,
) -> Result<Option<CaseRecord>>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS}, cc.content, k.master_key_id, k.wrapped FROM cases c JOIN case_contents cc ON cc.case_id = c.id JOIN users u ON u.id = c.assigned_to LEFT JOIN case_keys k ON k.case_id = c.id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref()
        .map(|row| record_from_row(row, sealing))
        .transpose()
}

pub(super) async fn create_case(store: &PostgresStore, case: NewCase) -> Result<CaseRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let id = case.id;
    insert_case_in(&mut tx, sealing, case).await?;
    let record = fetch_record(&mut *tx, sealing, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(record)
}

/// Insert a case with its number, key, assignment, search tokens, dimensions and audit
/// entries, inside the caller's transaction.
async fn insert_case_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    sealing: &Sealing,
    case: NewCase,
) -> Result<()> {
    let (wrapped, sealed) = sealing.seal_new(case.id, case.config_version, &case.fields);
    let year = case.now.year();
    let sequence: i32 = sqlx::query_scalar(
        "INSERT INTO case_number_counters (case_type_code, year, last_value) VALUES ($1, $2, 1)
         ON CONFLICT (case_type_code, year) DO UPDATE SET last_value = case_number_counters.last_value + 1
         RETURNING last_value",
    )
    .bind(&case.case_type_code)
    .bind(year)
    .fetch_one(&mut **tx)
    .await?;
    let case_number = format!("{}-{year}-{sequence:05}", case.case_type_code);
    let change_seq = next_change_seq(tx).await?;
    sqlx::query(
        "INSERT INTO cases (id, case_number, case_type, stage, intensity, assigned_to, created_by, config_version,
                            version, change_seq, created_at, updated_at, history_digest)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12)",
    )
    .bind(case.id)
    .bind(&case_number)
    .bind(&case.case_type)
    .bind(&case.stage)
    .bind(i16::from(case.intensity.level()))
    .bind(case.assigned_to)
    .bind(case.created_by)
    .bind(case.config_version as i32)
    .bind(change_seq)
    .bind(case.now)
    .bind(case.now)
    // A new case has no history yet.
    .bind(crate::history_digest::encode(&[], &[], &[]))
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::unique(e, "case id"))?;
    sqlx::query("INSERT INTO case_contents (case_id, content) VALUES ($1, $2)")
        .bind(case.id)
        .bind(&sealed)
        .execute(&mut **tx)
        .await?;
    super::assignments::record_assignment(
        tx,
        super::assignments::Assignment {
            case_id: case.id,
            from: None,
            to: case.assigned_to,
            by: case.created_by,
            reason: "case opened",
            caseload_override_reason: case.caseload_override_reason.as_deref(),
            at: case.now,
            texts: &crate::case_texts::CaseTexts::new(sealing, case.id, Some(&wrapped))?,
        },
    )
    .await?;
    super::case_keys::insert_key(tx, case.id, &wrapped, case.now).await?;
    super::case_keys::insert_tokens(tx, case.id, &case.search_tokens).await?;
    super::dimensions::insert(tx, case.id, &case.dimensions).await?;
    super::audit::append_case_in(tx, sealing, &case.audit, case.now).await?;
    Ok(())
}

pub(super) async fn case_by_id(
    pool: &PgPool,
    sealing: &Sealing,
    id: Uuid,
) -> Result<Option<CaseRecord>> {
    fetch_record(pool, sealing, id).await
}

/// The SQL of a case and its access facts, the case's id in `$1`.
fn case_with_access_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| crate::access_json::case_with_access_sql(SUMMARY_COLUMNS))
}

/// The case and its access facts read in `row` ([`case_with_access_sql`]).
fn case_with_access_from_row(
    row: &PgRow,
    sealing: &Sealing,
    id: Uuid,
) -> Result<(CaseRecord, crate::CaseAccess)> {
    Ok((
        record_from_row(row, sealing)?,
        super::access::access_from_row(row, sealing, id)?,
    ))
}

/// A case and its access facts in one query: what every read of a case needs.
pub(super) async fn case_with_access(
    pool: &PgPool,
    sealing: &Sealing,
    id: Uuid,
) -> Result<Option<(CaseRecord, crate::CaseAccess)>> {
    let row = sqlx::query(case_with_access_sql())
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|row| case_with_access_from_row(&row, sealing, id))
        .transpose()
}

/// The session whose token has `digest` and the case `id` with its access facts, in one
/// round trip (each was one before); the session is held as
/// [`session_user`](super::users::session_user) holds it, and the case opened only for a
/// session that holds and is fully logged in.
pub(super) async fn session_and_case(
    store: &PostgresStore,
    digest: &[u8; 32],
    now: chrono::DateTime<chrono::Utc>,
    idle_timeout: chrono::Duration,
    id: Uuid,
) -> Result<Option<crate::SessionCase>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "SELECT s.last_seen_at AS session_last_seen_at, s.expires_at AS session_expires_at,
                    s.stage AS session_stage, {}, x.*
             FROM sessions s JOIN users u ON u.id = s.user_id
                 LEFT JOIN ({}) x ON TRUE
             WHERE s.token_digest = $2",
            super::users::session_user_columns(&super::users::SESSION_USER_NAMES),
            case_with_access_sql()
        )
    });
    let row = store
        .point_reads
        .fetch_optional(|| sqlx::query(sql).bind(id).bind(&digest[..]))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(session) = super::users::hold_session(
        store,
        digest,
        &row,
        &super::users::SESSION_USER_NAMES,
        now,
        idle_timeout,
    )
    .await?
    else {
        return Ok(None);
    };
    let found: Option<Uuid> = row.try_get("id")?;
    let case = match (session.stage, found) {
        (crate::SessionStage::Full, Some(_)) => store
            .sealing()
            .and_then(|sealing| case_with_access_from_row(&row, sealing, id))
            .map(Some),
        _ => Ok(None),
    };
    Ok(Some(crate::SessionCase { session, case }))
}

pub(super) async fn update_case(store: &PostgresStore, update: CaseUpdate) -> Result<CaseRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    // The case's own data key (a case from before sealing gets one now).
    let sealed = match super::case_keys::wrapped_key(&mut tx, update.id).await? {
        Some(wrapped) => {
            sealing.reseal(update.id, &wrapped, update.config_version, &update.fields)?
        }
        None => {
            let (wrapped, sealed) =
                sealing.seal_new(update.id, update.config_version, &update.fields);
            super::case_keys::insert_key(&mut tx, update.id, &wrapped, update.now).await?;
            sealed
        }
    };
    let change_seq = next_change_seq(&mut tx).await?;
    let done = sqlx::query(
        "UPDATE cases SET config_version = $1, version = version + 1, change_seq = $2, updated_at = $3
         WHERE id = $4 AND version = $5",
    )
    .bind(update.config_version as i32)
    .bind(change_seq)
    .bind(update.now)
    .bind(update.id)
    .bind(update.expected_version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
            .bind(update.id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            Some(current) => StoreError::Conflict {
                expected: update.expected_version,
                current,
            },
            None => StoreError::NotFound,
        });
    }
    sqlx::query("UPDATE case_contents SET content = $1 WHERE case_id = $2")
        .bind(&sealed)
        .bind(update.id)
        .execute(&mut *tx)
        .await?;
    super::case_keys::replace_tokens(&mut tx, update.id, &update.search_tokens).await?;
    super::dimensions::replace(&mut tx, update.id, &update.dimensions).await?;
    let record = fetch_record(&mut *tx, sealing, update.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    // Last: appending locks the chain's head until the commit, and every write of every
    // node waits for that lock, so nothing else happens while it is held.
    super::audit::append_case_in(&mut tx, sealing, &update.audit, update.now).await?;
    tx.commit().await?;
    Ok(record)
}

pub(super) async fn list_cases(pool: &PgPool, filter: &CaseFilter) -> Result<Page<CaseSummary>> {
    let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM cases c");
    super::case_filter::push_filter(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    let mut query = QueryBuilder::<Postgres>::new(format!(
        "SELECT {SUMMARY_COLUMNS} FROM cases c JOIN users u ON u.id = c.assigned_to"
    ));
    super::case_filter::push_filter(&mut query, filter);
    let per_page = i64::from(filter.per_page.max(1));
    let offset = i64::from(filter.page.max(1) - 1) * per_page;
    query
        .push(" ORDER BY c.updated_at DESC, c.id DESC LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows = query.build().fetch_all(pool).await?;
    Ok(Page {
        items: rows.iter().map(summary_from_row).collect::<Result<_>>()?,
        total: total as u64,
    })
}
