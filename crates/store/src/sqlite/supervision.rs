//! The rows of a supervisor's teams' cases for the dashboard: the SQL of `team_reads.rs`
//! (in the form SQLite plans best), read on one of the store's bulk-read threads
//! (`bulk_reads.rs`).
//!
//! A dashboard reads thousands of rows (a team of ten's cases and all their moves, contacts
//! and care plans). Through sqlx each row is a message from the pool's worker thread to the
//! request's, with its values copied and freed: about as much time as SQLite's own work in the
//! dashboard's profile. Here the rows are decoded where SQLite steps through them.
//!
//! Each read is a statement of its own, not one read transaction for the five as on
//! PostgreSQL: a transaction would keep its snapshot in the WAL for the whole dashboard, and
//! a RESTART checkpoint (`checkpoints.rs`) waits for such readers while it holds back the
//! writer. Tried, it was no faster, and its peak memory under the realistic load was higher
//! in four runs of seven (BENCHMARKS, ninth session).

use crate::Result;
use crate::columns::{Columns, NamedRow, column_names};
use crate::team_reads::{Supervised, TeamReading, team_queries};
use crate::team_records::TeamRecords;

pub(super) fn team_records(
    connection: &rusqlite::Connection,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut reading = TeamReading::default();
    let supervisor = rusqlite::types::Value::Blob(supervisor.as_bytes().to_vec());
    for query in team_queries(emergency_fields, Supervised::InList) {
        if query.part.in_digest() && reading.undigested.is_empty() {
            continue;
        }
        let mut statement = connection.prepare_cached(&query.sql)?;
        let names = column_names(&statement);
        let texts = query
            .texts
            .iter()
            .map(|text| rusqlite::types::Value::Text(text.clone()));
        let mut rows = statement.query(rusqlite::params_from_iter(
            std::iter::once(supervisor.clone()).chain(texts),
        ))?;
        while let Some(row) = rows.next()? {
            let row = NamedRow::new(row, &names);
            if query.part.in_digest() && !reading.undigested.contains(&row.id("case_id")?) {
                continue;
            }
            query.part.read(&row, &mut reading, emergency_fields)?;
        }
    }
    reading.finish()
}
