//! Teams, shares, field grants and consents on PostgreSQL: the portable SQL of
//! `portable/access.rs`, bound to this backend's types.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;

include!("../portable/access.rs");

/// PostgreSQL's JSON functions, for the one-query access facts (`access_json`).
pub(super) struct Json;

impl crate::access_json::JsonSql for Json {
    fn id(column: &str) -> String {
        column.to_string()
    }

    fn object(pairs: &[(&str, String)]) -> String {
        let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("'{k}', {v}")).collect();
        format!("json_build_object({})", pairs.join(", "))
    }

    fn array(object: &str, from: &str, order: Option<&str>) -> String {
        let order = order.map(|o| format!(" ORDER BY {o}")).unwrap_or_default();
        format!("SELECT coalesce(json_agg({object}{order}), '[]'::json)::text FROM {from}")
    }
}

/// A case's access facts in one query (see `access_json`); `NotFound` when there is no such case.
pub(super) async fn case_access_at_once(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: uuid::Uuid,
) -> crate::Result<crate::CaseAccess> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(crate::access_json::case_access_sql::<Json>);
    let row = sqlx::query(sql)
        .bind(case)
        .fetch_optional(pool)
        .await?
        .ok_or(crate::StoreError::NotFound)?;
    access_from_row(&row, sealing, case)
}

/// The access facts from the three columns of `access_json::case_access_columns` and the
/// case's wrapped data key (`master_key_id`, `wrapped`), their free texts opened.
pub(super) fn access_from_row(
    row: &DbRow,
    sealing: &crate::sealing::Sealing,
    case: uuid::Uuid,
) -> crate::Result<crate::CaseAccess> {
    let mut access = crate::access_json::case_access(
        row.try_get("granted")?,
        row.try_get("consents")?,
        row.try_get("teams")?,
    )?;
    let wrapped = crate::sealing::wrapped_from_columns(
        row.try_get("master_key_id")?,
        row.try_get("wrapped")?,
    )?;
    crate::case_texts::CaseTexts::new(sealing, case, wrapped.as_ref())?.open_access(&mut access)?;
    Ok(access)
}
