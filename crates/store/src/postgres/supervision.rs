//! The rows of a supervisor's teams' cases for the dashboard: the SQL of `team_reads.rs`
//! (in the form PostgreSQL plans best), read in one read-only transaction, with the teams
//! themselves when the dashboard asks.
//!
//! One transaction, not a connection a read: the reads see one snapshot (a case moved
//! between two of them cannot show its new stage without the move, the history reads find
//! the cases the first read gave, and the teams' members are those whose cases were read),
//! and the dashboard waits for a pooled connection once. Under the realistic load fifty
//! sessions share the pool's connections; with a connection a read, each read waited behind
//! the case workers' requests.

use crate::team_reads::{Supervised, TeamPart, TeamReading, team_queries};
use crate::team_records::TeamRecords;
use crate::{Result, TeamRecord};
use sqlx::PgConnection;

/// The transaction the reads share: one snapshot, nothing written. Each history read is an
/// index probe a case by design. At a hundred thousand cases the planner, pricing a page
/// read at four times a sequential one (its default, for a disk), chose to read all of
/// `case_transitions` for a team's 2,262 cases instead: 43 ms, against 6–11 ms by its index.
/// The pages these reads touch are the ones every request touches, in memory, so here they
/// are priced as such. (Turning table scans off instead priced a 40-row table's only
/// possible scan so high that PostgreSQL compiled the query first: 150 ms.)
const SNAPSHOT: &str =
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL random_page_cost = 1.1";

pub(super) async fn team_records(
    pool: &sqlx::PgPool,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut snapshot = pool.begin_with(SNAPSHOT).await?;
    let records = read_records(&mut snapshot, supervisor, emergency_fields).await?;
    snapshot.commit().await?;
    Ok(records)
}

/// The teams `supervisor` supervises and their records, in one snapshot.
pub(super) async fn teams_and_records(
    pool: &sqlx::PgPool,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<(Vec<TeamRecord>, TeamRecords)> {
    let mut snapshot = pool.begin_with(SNAPSHOT).await?;
    let teams = super::access::supervised_teams_on(&mut snapshot, supervisor).await?;
    let records = read_records(&mut snapshot, supervisor, emergency_fields).await?;
    snapshot.commit().await?;
    Ok((teams, records))
}

async fn read_records(
    connection: &mut PgConnection,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut reading = TeamReading::default();
    let mut cases: Vec<uuid::Uuid> = Vec::new();
    let mut undigested: Vec<uuid::Uuid> = Vec::new();
    for query in team_queries(emergency_fields, Supervised::Joined) {
        if query.part.in_digest() && undigested.is_empty() {
            continue;
        }
        let read = sqlx::query(&query.sql);
        // The cases by their supervisor; their marks by the cases' ids, and the history of
        // those without a digest by theirs.
        let mut read = match query.part {
            TeamPart::Cases => read.bind(supervisor),
            part if part.in_digest() => read.bind(&undigested),
            _ => read.bind(&cases),
        };
        for text in &query.texts {
            read = read.bind(text.as_str());
        }
        for row in read.fetch_all(&mut *connection).await? {
            query.part.read(&row, &mut reading, emergency_fields)?;
        }
        if matches!(query.part, TeamPart::Cases) {
            cases = reading.records.cases.iter().map(|case| case.id).collect();
            undigested = reading.undigested.iter().copied().collect();
        }
    }
    reading.finish()
}
