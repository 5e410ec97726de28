//! The rows of a supervisor's teams' cases for the dashboard: the portable SQL of
//! `portable/supervision.rs`, read through the pool.

include!("../portable/supervision.rs");

pub(super) async fn team_records(
    pool: &sqlx::PgPool,
    supervisor: uuid::Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut records = TeamRecords::default();
    for query in team_queries(emergency_fields) {
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
