// Running tallies for aggregate reports: portable SQL, included by `sqlite/reports.rs` and
// `postgres/reports.rs`, which give `OPENED_MONTH` (the month a case was opened, `YYYY-MM`,
// from `c.created_at`). The tallies themselves are kept by the database's triggers (migration
// 0026); this only reads them, or counts afresh to check them.

use caseward_domain::reports::{CASES, Tally};

fn tally_from_row(row: &<Db as sqlx::Database>::Row) -> Result<Tally> {
    use sqlx::Row;
    Ok(Tally {
        field: row.try_get("field_id")?,
        value: row.try_get("value")?,
        case_type: row.try_get("case_type")?,
        stage: row.try_get("stage")?,
        opened_month: row.try_get("opened_month")?,
        cases: row.try_get("cases")?,
    })
}

/// The non-zero tallies of the cases themselves and of `fields`' values; without `by_month`,
/// summed over the months (a tenth of the rows over ten months).
pub(super) async fn tallies(
    pool: &DbPool,
    fields: &[String],
    by_month: bool,
) -> Result<Vec<Tally>> {
    let (month, sum) = if by_month {
        ("opened_month", "cases")
    } else {
        ("'' AS opened_month", "CAST(SUM(cases) AS BIGINT) AS cases")
    };
    let mut query = sqlx::QueryBuilder::<Db>::new(format!(
        "SELECT field_id, value, case_type, stage, {month}, {sum}
         FROM report_tallies WHERE cases <> 0 AND field_id IN ("
    ));
    let mut list = query.separated(", ");
    list.push_bind(CASES);
    for field in fields {
        list.push_bind(field.as_str());
    }
    query.push(if by_month {
        ") ORDER BY field_id, value, case_type, stage, opened_month"
    } else {
        ") GROUP BY field_id, value, case_type, stage
         HAVING SUM(cases) <> 0 ORDER BY field_id, value, case_type, stage"
    });
    let rows = query.build().fetch_all(pool).await?;
    rows.iter().map(tally_from_row).collect()
}

/// The tallies counted afresh from the cases and their dimensions (a query's rows).
fn counted_sql() -> String {
    format!(
        "SELECT '' AS field_id, '' AS value, c.case_type, c.stage,
            {OPENED_MONTH} AS opened_month, COUNT(*) AS cases
         FROM cases c GROUP BY 1, 2, 3, 4, 5
         UNION ALL
         SELECT d.field_id, d.value, c.case_type, c.stage, {OPENED_MONTH}, COUNT(*)
         FROM case_dimensions d JOIN cases c ON c.id = d.case_id GROUP BY 1, 2, 3, 4, 5"
    )
}

/// Every tally counted afresh from the cases and their dimensions, in the stored tallies'
/// order: what the triggers should have kept.
pub(super) async fn recount(pool: &DbPool) -> Result<Vec<Tally>> {
    let sql = format!(
        "SELECT field_id, value, case_type, stage, opened_month, cases FROM ({}) AS counted
         ORDER BY field_id, value, case_type, stage, opened_month",
        counted_sql()
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter().map(tally_from_row).collect()
}

/// How many stored tallies differ from a fresh count (a tally missing on either side counts
/// once); with `repair`, the fresh count replaces them. Under the audit chain's head, which
/// every write of a case takes before it commits, so no write changes the tallies meanwhile.
pub(super) async fn reconcile(store: &BackendStore, repair: bool) -> Result<u64> {
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let stored = "SELECT field_id, value, case_type, stage, opened_month, cases
        FROM report_tallies WHERE cases <> 0";
    // A subquery: its own `UNION ALL` would otherwise bind with the `EXCEPT` below.
    let counted = format!(
        "SELECT field_id, value, case_type, stage, opened_month, cases FROM ({}) AS c",
        counted_sql()
    );
    let differing: i64 = sqlx::query_scalar(&format!(
        "SELECT (SELECT COUNT(*) FROM ({stored} EXCEPT {counted}) AS gone)
              + (SELECT COUNT(*) FROM ({counted} EXCEPT {stored}) AS missing)"
    ))
    .fetch_one(&mut *tx)
    .await?;
    if repair && differing > 0 {
        // Zeros, then the counts: the application's role may update and insert tallies, not
        // delete them (a tally at zero stays, as the triggers leave it).
        sqlx::query("UPDATE report_tallies SET cases = 0")
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO report_tallies (field_id, value, case_type, stage, opened_month, cases)
             {counted} WHERE true
             ON CONFLICT (field_id, value, case_type, stage, opened_month)
             DO UPDATE SET cases = excluded.cases"
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(u64::try_from(differing).unwrap_or(0))
}
