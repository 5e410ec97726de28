//! The rows of a supervisor's teams' cases for the dashboard: the SQL of `team_reads.rs`
//! (in the form PostgreSQL plans best), read through the pool.

use crate::Result;
use crate::team_reads::{Supervised, team_queries};
use crate::team_records::TeamRecords;

pub(super) async fn team_records(
    pool: &sqlx::PgPool,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut records = TeamRecords::default();
    for query in team_queries(emergency_fields, Supervised::Joined) {
        let mut read = sqlx::query(&query.sql).bind(supervisor);
        for text in &query.texts {
            read = read.bind(text.as_str());
        }
        for row in read.fetch_all(pool).await? {
            query.part.read(&row, &mut records, emergency_fields)?;
        }
    }
    Ok(records)
}
