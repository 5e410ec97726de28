//! Cases on SQLite.

use super::{SqliteStore, next_change_seq};
use crate::columns::Columns;
use crate::sealing::{Sealing, wrapped_from_columns};
use crate::{
    CaseFilter, CaseRecord, CaseSummary, CaseUpdate, NewCase, Page, Result, StoreError, UserRef,
};
use caseward_domain::config::Intensity;
use chrono::Datelike;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use uuid::Uuid;

pub(super) const SUMMARY_COLUMNS: &str =
    "c.id, c.case_number, c.case_type, c.stage, c.intensity, c.created_by, c.config_version,
    c.version, c.change_seq, c.created_at, c.updated_at,
    u.id AS assigned_id, u.username AS assigned_username, u.display_name AS assigned_display_name";

pub(super) fn summary_from_row(row: &impl Columns) -> Result<CaseSummary> {
    let intensity = row.int("intensity")?;
    Ok(CaseSummary {
        id: row.id("id")?,
        case_number: row.text("case_number")?,
        case_type: row.text("case_type")?,
        stage: row.text("stage")?,
        intensity: Intensity::from_level(intensity)
            .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
        assigned_to: UserRef {
            id: row.id("assigned_id")?,
            username: row.text("assigned_username")?,
            display_name: row.text("assigned_display_name")?,
        },
        created_by: row.id("created_by")?,
        config_version: u32::try_from(row.int("config_version")?)
            .map_err(|_| StoreError::Corrupt("config version".into()))?,
        version: row.int("version")?,
        change_seq: row.int("change_seq")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// A case's record from its summary columns, `content` and wrapped data key, opened.
pub(super) fn record_from_row(row: &impl Columns, sealing: &Sealing) -> Result<CaseRecord> {
    let content = row.blob("content")?;
    let summary = summary_from_row(row)?;
    let wrapped = wrapped_from_columns(row.opt_int("master_key_id")?, row.opt_blob("wrapped")?)?;
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
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS}, cc.content, k.master_key_id, k.wrapped FROM cases c JOIN case_contents cc ON cc.case_id = c.id JOIN users u ON u.id = c.assigned_to LEFT JOIN case_keys k ON k.case_id = c.id WHERE c.id = ?"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref()
        .map(|row| record_from_row(row, sealing))
        .transpose()
}

pub(super) async fn create_case(store: &SqliteStore, case: NewCase) -> Result<CaseRecord> {
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
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    sealing: &Sealing,
    case: NewCase,
) -> Result<()> {
    let (wrapped, sealed) = sealing.seal_new(case.id, case.config_version, &case.fields);
    let year = case.now.year();
    let sequence: i64 = sqlx::query_scalar(
        "INSERT INTO case_number_counters (case_type_code, year, last_value) VALUES (?, ?, 1)
         ON CONFLICT (case_type_code, year) DO UPDATE SET last_value = last_value + 1
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
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
    )
    .bind(case.id)
    .bind(&case_number)
    .bind(&case.case_type)
    .bind(&case.stage)
    .bind(i64::from(case.intensity.level()))
    .bind(case.assigned_to)
    .bind(case.created_by)
    .bind(i64::from(case.config_version))
    .bind(change_seq)
    .bind(case.now)
    .bind(case.now)
    // A new case has no history yet.
    .bind(crate::history_digest::encode(&[], &[], &[]))
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::unique(e, "case id"))?;
    sqlx::query("INSERT INTO case_contents (case_id, content) VALUES (?, ?)")
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
    pool: &SqlitePool,
    sealing: &Sealing,
    id: Uuid,
) -> Result<Option<CaseRecord>> {
    fetch_record(pool, sealing, id).await
}

/// The query of a case with its wrapped data key and access facts, by id (`$1`): what every
/// read of a case needs, in one query (run by `point_reads.rs`).
pub(super) fn case_with_access_query() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| crate::access_json::case_with_access_sql(SUMMARY_COLUMNS))
}

pub(super) async fn update_case(store: &SqliteStore, update: CaseUpdate) -> Result<CaseRecord> {
    store.case_edits.edit(update).await
}

pub(super) async fn list_cases(
    pool: &SqlitePool,
    filter: &CaseFilter,
) -> Result<Page<CaseSummary>> {
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c");
    super::case_filter::push_filter(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    let mut query = QueryBuilder::<Sqlite>::new(format!(
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
