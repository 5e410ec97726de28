// Report dimensions: portable SQL, included by `sqlite/dimensions.rs` and
// `postgres/dimensions.rs` (see `portable/access.rs`). The only case values stored in
// plaintext, in the derived form the configuration declares (`domain::dimensions`).

use crate::Result;
use caseward_domain::dimensions::DimensionValue;
use sqlx::Row;
use uuid::Uuid;

/// Bring a case's dimension values up to date, inside the caller's transaction.
pub(super) async fn replace(
    conn: &mut DbConnection,
    case: Uuid,
    values: &[DimensionValue],
) -> Result<()> {
    let wanted = values
        .iter()
        .map(|d| (case, d.field.clone(), d.value.clone()))
        .collect();
    bring_up_to_date(conn, "case_dimensions", ["field_id", "value"], &[case], wanted).await
}

/// Make the rows of `table` (a case's derived rows: `case_id` and two `columns`; report
/// dimensions, search tokens) about `cases` the `wanted` ones (`row_changes`): the stored
/// rows read, those no longer wanted deleted, the new ones inserted, a few statements for any
/// number of cases. Rows that stay are not touched.
pub(super) async fn bring_up_to_date<A: Derived, B: Derived>(
    conn: &mut DbConnection,
    table: &str,
    [a, b]: [&str; 2],
    cases: &[Uuid],
    wanted: crate::row_changes::Rows<(Uuid, A, B)>,
) -> Result<()> {
    let mut select = sqlx::QueryBuilder::<Db>::new(format!(
        "SELECT case_id, {a}, {b} FROM {table} WHERE case_id IN ("
    ));
    let mut list = select.separated(", ");
    for case in cases {
        list.push_bind(*case);
    }
    select.push(")");
    let stored = select
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("case_id")?, row.try_get(a)?, row.try_get(b)?)))
        .collect::<Result<crate::row_changes::Rows<(Uuid, A, B)>>>()?;
    let (gone, new) = crate::row_changes::changes(stored, wanted);
    for chunk in gone.chunks(DERIVED_ROWS_PER_STATEMENT) {
        let mut delete = sqlx::QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE "));
        for (n, (case, first, second)) in chunk.iter().enumerate() {
            delete
                .push(if n == 0 { "(case_id = " } else { " OR (case_id = " })
                .push_bind(*case)
                .push(format!(" AND {a} = "))
                .push_bind(first.clone())
                .push(format!(" AND {b} = "))
                .push_bind(second.clone())
                .push(")");
        }
        let deleted = delete.build().execute(&mut *conn).await?.rows_affected();
        if deleted != chunk.len() as u64 {
            return Err(crate::StoreError::Corrupt(format!(
                "{deleted} rows of {table} deleted for {} gone",
                chunk.len()
            )));
        }
    }
    for chunk in new.chunks(DERIVED_ROWS_PER_STATEMENT) {
        let mut insert =
            sqlx::QueryBuilder::<Db>::new(format!("INSERT INTO {table} (case_id, {a}, {b}) "));
        insert.push_values(chunk, |mut row, (case, first, second)| {
            row.push_bind(*case)
                .push_bind(first.clone())
                .push_bind(second.clone());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rows of three values a statement carries (under SQLite's 32,766 bound values).
const DERIVED_ROWS_PER_STATEMENT: usize = 10_000;

/// A value of a derived row's column, as sqlx reads and writes it.
pub(super) trait Derived:
    for<'r> sqlx::Decode<'r, Db>
    + for<'q> sqlx::Encode<'q, Db>
    + sqlx::Type<Db>
    + Eq
    + std::hash::Hash
    + Clone
    + Send
    + 'static
{
}

impl Derived for Vec<u8> {}
impl Derived for String {}
impl Derived for bool {}

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
