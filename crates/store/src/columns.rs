//! A stored row read by column name, the same way whichever driver fetched it: sqlx (the
//! pools of both databases) or rusqlite (SQLite's `point_reads.rs`). The row decoders
//! (`summary_from_row`, `user_from_row`, the dashboard's team records…) are written once
//! against this trait. In SQLite, values are as sqlx stores them: ids as 16-byte blobs, times
//! as RFC 3339 text, dates as `YYYY-MM-DD`, yes/no as 0 or 1.

use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::ValueRef;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

pub(crate) trait Columns {
    fn text(&self, name: &str) -> Result<String>;
    fn int(&self, name: &str) -> Result<i64>;
    fn opt_int(&self, name: &str) -> Result<Option<i64>>;
    fn blob(&self, name: &str) -> Result<Vec<u8>>;
    fn opt_blob(&self, name: &str) -> Result<Option<Vec<u8>>>;
    fn id(&self, name: &str) -> Result<Uuid>;
    fn opt_id(&self, name: &str) -> Result<Option<Uuid>>;
    fn time(&self, name: &str) -> Result<DateTime<Utc>>;
    fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>>;
    fn flag(&self, name: &str) -> Result<bool>;
}

/// sqlx decodes each type itself, in both databases.
macro_rules! through_sqlx {
    ($($method:ident -> $decoded:ty),* $(,)?) => {
        $(fn $method(&self, name: &str) -> Result<$decoded> {
            Ok(self.try_get(name)?)
        })*
    };
}

macro_rules! columns_through_sqlx {
    ($($row:ty),*) => {$(
        impl Columns for $row {
            through_sqlx! {
                text -> String,
                int -> i64,
                opt_int -> Option<i64>,
                blob -> Vec<u8>,
                opt_blob -> Option<Vec<u8>>,
                id -> Uuid,
                opt_id -> Option<Uuid>,
                time -> DateTime<Utc>,
                opt_date -> Option<NaiveDate>,
                flag -> bool,
            }
        }
    )*};
}

columns_through_sqlx!(SqliteRow, PgRow);

fn wrong(name: &str) -> StoreError {
    StoreError::Corrupt(format!("column {name}: not the type stored there"))
}

/// A rusqlite row read by name through its statement's column names, listed once for all its
/// rows ([`column_names`]). rusqlite's own lookup by name asks SQLite for every column's name
/// in turn, and measures it, at each lookup: a case's row has 21 columns, a dashboard
/// thousands of rows.
pub(crate) struct NamedRow<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    names: &'a [String],
}

impl<'a, 'r> NamedRow<'a, 'r> {
    /// `row`, whose statement's columns are `names` ([`column_names`] of that statement).
    pub(crate) fn new(row: &'a rusqlite::Row<'r>, names: &'a [String]) -> Self {
        Self { row, names }
    }
}

/// The names of `statement`'s columns, in order, for [`NamedRow`].
pub(crate) fn column_names(statement: &rusqlite::Statement<'_>) -> Vec<String> {
    statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// A column's value from a rusqlite row, or `None` for NULL.
fn value<'r>(row: &'r NamedRow<'_, '_>, name: &str) -> Result<Option<ValueRef<'r>>> {
    // As rusqlite finds a name: the first column of that name, whatever its letters' case.
    let index = row
        .names
        .iter()
        .position(|column| column.eq_ignore_ascii_case(name))
        .ok_or_else(|| rusqlite::Error::InvalidColumnName(name.to_owned()))?;
    Ok(match row.row.get_ref(index)? {
        ValueRef::Null => None,
        value => Some(value),
    })
}

fn required<T>(value: Option<T>, name: &str) -> Result<T> {
    value.ok_or_else(|| StoreError::Corrupt(format!("column {name}: missing")))
}

impl Columns for NamedRow<'_, '_> {
    fn text(&self, name: &str) -> Result<String> {
        match required(value(self, name)?, name)? {
            ValueRef::Text(text) => Ok(std::str::from_utf8(text)
                .map_err(|_| wrong(name))?
                .to_owned()),
            _ => Err(wrong(name)),
        }
    }
    fn int(&self, name: &str) -> Result<i64> {
        required(self.opt_int(name)?, name)
    }
    fn opt_int(&self, name: &str) -> Result<Option<i64>> {
        value(self, name)?
            .map(|value| match value {
                ValueRef::Integer(n) => Ok(n),
                _ => Err(wrong(name)),
            })
            .transpose()
    }
    fn blob(&self, name: &str) -> Result<Vec<u8>> {
        required(self.opt_blob(name)?, name)
    }
    fn opt_blob(&self, name: &str) -> Result<Option<Vec<u8>>> {
        value(self, name)?
            .map(|value| match value {
                ValueRef::Blob(bytes) => Ok(bytes.to_vec()),
                _ => Err(wrong(name)),
            })
            .transpose()
    }
    fn id(&self, name: &str) -> Result<Uuid> {
        required(self.opt_id(name)?, name)
    }
    fn opt_id(&self, name: &str) -> Result<Option<Uuid>> {
        value(self, name)?
            .map(|value| match value {
                ValueRef::Blob(bytes) => Uuid::from_slice(bytes).map_err(|_| wrong(name)),
                _ => Err(wrong(name)),
            })
            .transpose()
    }
    fn time(&self, name: &str) -> Result<DateTime<Utc>> {
        match required(value(self, name)?, name)? {
            ValueRef::Text(text) => crate::sqlite::micros_since_epoch(text)
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(|| wrong(name)),
            _ => Err(wrong(name)),
        }
    }
    fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>> {
        value(self, name)?
            .map(|value| match value {
                ValueRef::Text(text) => std::str::from_utf8(text)
                    .ok()
                    .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                    .ok_or_else(|| wrong(name)),
                _ => Err(wrong(name)),
            })
            .transpose()
    }
    fn flag(&self, name: &str) -> Result<bool> {
        Ok(self.int(name)? != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// What sqlx writes, rusqlite reads back through the same decoders: a row written through a
    /// sqlx pool reads alike through both drivers, and a value of the wrong type is refused
    /// naming its column.
    #[tokio::test]
    async fn both_drivers_read_a_stored_row_alike() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("columns.db");
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&file)
                    .create_if_missing(true),
            )
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (txt, n, none, b, id, no_id, at, yes, day)")
            .execute(&pool)
            .await
            .unwrap();
        let id = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 20, 15, 7).unwrap()
            + chrono::Duration::microseconds(123_456);
        sqlx::query("INSERT INTO t VALUES (?, ?, NULL, ?, ?, NULL, ?, ?, ?)")
            .bind("ça va")
            .bind(42i64)
            .bind(vec![1u8, 2, 3])
            .bind(id)
            .bind(at)
            .bind(true)
            .bind(NaiveDate::from_ymd_opt(2026, 12, 1))
            .execute(&pool)
            .await
            .unwrap();
        /// Every column of the test row, as each decoder reads it.
        type Read = (
            String,
            i64,
            Option<i64>,
            Vec<u8>,
            Option<Vec<u8>>,
            Uuid,
            Option<Uuid>,
            DateTime<Utc>,
            bool,
            Option<NaiveDate>,
            Option<NaiveDate>,
        );
        fn read(row: &impl Columns) -> Result<Read> {
            Ok((
                row.text("txt")?,
                row.int("n")?,
                row.opt_int("none")?,
                row.blob("b")?,
                row.opt_blob("none")?,
                row.id("id")?,
                row.opt_id("no_id")?,
                row.time("at")?,
                row.flag("yes")?,
                row.opt_date("day")?,
                row.opt_date("none")?,
            ))
        }
        let by_sqlx = read(
            &sqlx::query("SELECT * FROM t")
                .fetch_one(&pool)
                .await
                .unwrap(),
        )
        .unwrap();
        let connection = rusqlite::Connection::open(&file).unwrap();
        /// The one row of `sql`, read by name as the point reads and bulk reads read theirs.
        fn by_name<T>(
            connection: &rusqlite::Connection,
            sql: &str,
            read: impl FnOnce(&NamedRow<'_, '_>) -> T,
        ) -> T {
            let mut statement = connection.prepare(sql).unwrap();
            let names = column_names(&statement);
            statement
                .query_row([], |row| Ok(read(&NamedRow::new(row, &names))))
                .unwrap()
        }
        let by_rusqlite = by_name(&connection, "SELECT * FROM t", |row| read(row)).unwrap();
        assert_eq!(by_sqlx, by_rusqlite);
        assert_eq!(
            by_rusqlite,
            (
                "ça va".into(),
                42,
                None,
                vec![1, 2, 3],
                None,
                id,
                None,
                at,
                true,
                NaiveDate::from_ymd_opt(2026, 12, 1),
                None
            )
        );
        let refused = by_name(
            &connection,
            "SELECT txt AS n, n AS txt, n AS id, b AS at, none AS b, txt AS day FROM t",
            |row| {
                [
                    row.int("n").unwrap_err(),
                    row.text("txt").unwrap_err(),
                    row.id("id").unwrap_err(),
                    row.time("at").unwrap_err(),
                    row.blob("b").unwrap_err(),
                    row.opt_date("day").unwrap_err(),
                ]
            },
        );
        for (error, column) in refused.iter().zip(["n", "txt", "id", "at", "b", "day"]) {
            assert!(
                error.to_string().contains(&format!("column {column}")),
                "{error}"
            );
        }
        // As rusqlite finds a column by name: whatever the letters' case, the first of a name;
        // a name the statement does not have is an error that says it.
        let (upper, first, missing) =
            by_name(&connection, "SELECT n AS x, txt AS X FROM t", |row| {
                (
                    row.int("X").unwrap(),
                    row.int("x").unwrap(),
                    row.text("txt").unwrap_err(),
                )
            });
        assert_eq!((upper, first), (42, 42));
        assert!(missing.to_string().contains("txt"), "{missing}");
    }
}
