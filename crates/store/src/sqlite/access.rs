//! Teams, shares, field grants and consents on SQLite: the portable SQL of
//! `portable/access.rs`, bound to this backend's types.

type BackendStore = super::SqliteStore;
type DbRow = sqlx::sqlite::SqliteRow;
type DbPool = sqlx::SqlitePool;
type DbConnection = sqlx::SqliteConnection;
type Db = sqlx::Sqlite;

include!("../portable/access.rs");

/// SQLite's JSON functions, for the one-query access facts (`access_json`).
pub(super) struct Json;

impl crate::access_json::JsonSql for Json {
    fn id(column: &str) -> String {
        // UUIDs are 16-byte blobs; `hex(NULL)` would be an empty string, not NULL.
        format!("CASE WHEN {column} IS NULL THEN NULL ELSE lower(hex({column})) END")
    }

    fn object(pairs: &[(&str, String)]) -> String {
        let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("'{k}', {v}")).collect();
        format!("json_object({})", pairs.join(", "))
    }

    fn array(object: &str, from: &str, order: Option<&str>) -> String {
        let order = order.map(|o| format!(" ORDER BY {o}")).unwrap_or_default();
        format!("SELECT json_group_array({object}{order}) FROM {from}")
    }

    fn nested_array(value: &str, from: &str) -> String {
        // `json()` marks the subquery's text as JSON, so that the object embeds the array.
        format!("json((SELECT json_group_array({value}) FROM {from}))")
    }
}
