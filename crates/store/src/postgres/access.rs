//! Teams, shares, field grants and consents on PostgreSQL: the portable SQL of
//! `portable/access.rs`, bound to this backend's types.

type BackendStore = super::PostgresStore;
type DbRow = sqlx::postgres::PgRow;
type DbPool = sqlx::PgPool;
type DbConnection = sqlx::PgConnection;
type Db = sqlx::Postgres;

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

    fn nested_array(value: &str, from: &str) -> String {
        format!("(SELECT coalesce(json_agg({value}), '[]'::json) FROM {from})")
    }
}
