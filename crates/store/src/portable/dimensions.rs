// Report dimensions: portable SQL, included by `sqlite/dimensions.rs` and
// `postgres/dimensions.rs` (see `portable/access.rs`). The only case values stored in
// plaintext, in the derived form the configuration declares (`domain::dimensions`).

use crate::Result;
use caseward_domain::dimensions::DimensionValue;
use sqlx::Row;
use uuid::Uuid;

/// Bring a case's dimension values up to date, inside the caller's transaction: those no
/// longer wanted deleted, new ones inserted (`row_changes`).
pub(super) async fn replace(
    conn: &mut DbConnection,
    case: Uuid,
    values: &[DimensionValue],
) -> Result<()> {
    let stored = sqlx::query("SELECT field_id, value FROM case_dimensions WHERE case_id = $1")
        .bind(case)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            Ok(DimensionValue {
                field: row.try_get("field_id")?,
                value: row.try_get("value")?,
            })
        })
        .collect::<Result<std::collections::HashSet<_>>>()?;
    let (gone, new) = crate::row_changes::changes(stored, values.iter().cloned().collect());
    if !gone.is_empty() {
        let mut query = sqlx::QueryBuilder::<Db>::new("DELETE FROM case_dimensions WHERE case_id = ");
        query.push_bind(case).push(" AND (");
        for (n, gone) in gone.into_iter().enumerate() {
            query
                .push(if n == 0 { "(field_id = " } else { " OR (field_id = " })
                .push_bind(gone.field)
                .push(" AND value = ")
                .push_bind(gone.value)
                .push(")");
        }
        query.push(")");
        query.build().execute(&mut *conn).await?;
    }
    insert(conn, case, &new).await
}

/// Add a new case's dimension values in one statement, inside the caller's transaction.
pub(super) async fn insert(
    conn: &mut DbConnection,
    case: Uuid,
    values: &[DimensionValue],
) -> Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    let mut query = sqlx::QueryBuilder::<Db>::new(
        "INSERT INTO case_dimensions (case_id, field_id, value) ",
    );
    query.push_values(values, |mut row, value| {
        row.push_bind(case).push_bind(&value.field).push_bind(&value.value);
    });
    query.push(" ON CONFLICT (case_id, field_id, value) DO NOTHING");
    query.build().execute(&mut *conn).await?;
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
