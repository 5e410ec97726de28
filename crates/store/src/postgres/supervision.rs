//! The rows of a supervisor's teams' cases for the dashboard: the SQL of `team_reads.rs`
//! (in the form PostgreSQL plans best), read in one read-only transaction.
//!
//! One transaction, not a connection a read: the five reads see one snapshot (a case moved
//! between two of them cannot show its new stage without the move, and the history reads
//! find the cases the first read gave), and the dashboard waits for a pooled connection once.
//! Under the realistic load fifty sessions share the pool's connections; with a connection a
//! read, each of the five waited behind the case workers' requests.

use crate::Result;
use crate::team_reads::{Supervised, TeamPart, team_queries};
use crate::team_records::TeamRecords;

/// The transaction the five reads share: one snapshot, nothing written. Each history read is
/// an index probe a case by design; at a hundred thousand cases the planner, pricing a page
/// not in memory, chose to read all of `case_transitions` for a team's 2,262 cases instead
/// (43 ms against 8 ms by its index), so within this transaction it does not scan a table.
const SNAPSHOT: &str =
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_seqscan = off";

pub(super) async fn team_records(
    pool: &sqlx::PgPool,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut records = TeamRecords::default();
    let mut snapshot = pool.begin_with(SNAPSHOT).await?;
    let mut cases: Vec<uuid::Uuid> = Vec::new();
    for query in team_queries(emergency_fields, Supervised::Joined) {
        let read = sqlx::query(&query.sql);
        // The cases by their supervisor; their history by the cases' ids.
        let mut read = match query.part {
            TeamPart::Cases => read.bind(supervisor),
            _ => read.bind(&cases),
        };
        for text in &query.texts {
            read = read.bind(text.as_str());
        }
        for row in read.fetch_all(&mut *snapshot).await? {
            query.part.read(&row, &mut records, emergency_fields)?;
        }
        if matches!(query.part, TeamPart::Cases) {
            cases = records.cases.iter().map(|case| case.id).collect();
        }
    }
    snapshot.commit().await?;
    Ok(records)
}
