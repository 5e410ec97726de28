// Report dimensions: portable SQL, included by `sqlite/dimensions.rs` and
// `postgres/dimensions.rs` (see `portable/access.rs`). The only case values stored in
// plaintext, in the derived form the configuration declares (`domain::dimensions`).

use crate::Result;
use caseward_domain::dimensions::DimensionValue;
use sqlx::Row;
use uuid::Uuid;

/// Replace a case's dimension values, inside the caller's transaction.
pub(super) async fn replace(
    conn: &mut DbConnection,
    case: Uuid,
    values: &[DimensionValue],
) -> Result<()> {
    sqlx::query("DELETE FROM case_dimensions WHERE case_id = $1")
        .bind(case)
        .execute(&mut *conn)
        .await?;
    for value in values {
        sqlx::query(
            "INSERT INTO case_dimensions (case_id, field_id, value) VALUES ($1, $2, $3)
             ON CONFLICT (case_id, field_id, value) DO NOTHING",
        )
        .bind(case)
        .bind(&value.field)
        .bind(&value.value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many cases of a type hold each value of one dimension.
pub(super) async fn counts(
    pool: &DbPool,
    case_type: &str,
    field: &str,
) -> Result<Vec<crate::DimensionCount>> {
    let rows = sqlx::query(
        "SELECT d.value, COUNT(*) AS cases FROM case_dimensions d JOIN cases c ON c.id = d.case_id
         WHERE c.case_type = $1 AND d.field_id = $2 GROUP BY d.value ORDER BY d.value",
    )
    .bind(case_type)
    .bind(field)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(crate::DimensionCount {
                value: row.try_get("value")?,
                cases: row.try_get("cases")?,
            })
        })
        .collect()
}
