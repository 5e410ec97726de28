// A team's history for the supervisor's quality metrics: portable SQL, included by
// `sqlite/supervision.rs` and `postgres/supervision.rs` (see `portable/access.rs`). Times and
// states only, never case content.

use crate::Result;
use caseward_domain::quality::{Move, PlanVersion, TeamHistory};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

/// `SELECT {columns} FROM {from} WHERE <the case c is supervised by supervisor> {tail}`.
fn supervised<'a>(
    columns: &str,
    from: &str,
    supervisor: Uuid,
    tail: &str,
) -> QueryBuilder<'a, Db> {
    let mut query = QueryBuilder::<Db>::new(format!("SELECT {columns} FROM {from} WHERE "));
    super::case_filter::push_supervised_by(&mut query, supervisor);
    query.push(format!(" {tail}"));
    query
}

pub(super) async fn team_history(
    pool: &DbPool,
    supervisor: Uuid,
    since: DateTime<Utc>,
) -> Result<TeamHistory> {
    let mut history = TeamHistory::default();
    for row in supervised("c.id, c.case_type, c.created_at", "cases c", supervisor, "")
        .build()
        .fetch_all(pool)
        .await?
    {
        let id: Uuid = row.try_get("id")?;
        history.opened.insert(id, row.try_get("created_at")?);
        history.case_types.insert(id, row.try_get("case_type")?);
    }
    let mut moves = supervised(
        "t.case_id, t.from_stage, t.to_stage, t.moved_at",
        "case_transitions t JOIN cases c ON c.id = t.case_id",
        supervisor,
        "AND t.moved_at >= ",
    );
    moves.push_bind(since);
    for row in moves.build().fetch_all(pool).await? {
        history.moves.push(Move {
            case: row.try_get("case_id")?,
            from: row.try_get("from_stage")?,
            to: row.try_get("to_stage")?,
            at: row.try_get("moved_at")?,
        });
    }
    // Every contact: the first of the months counted is judged against the one before it.
    for row in supervised(
        "n.case_id, n.written_at",
        "case_notes n JOIN cases c ON c.id = n.case_id",
        supervisor,
        "AND n.kind <> 'other'",
    )
    .build()
    .fetch_all(pool)
    .await?
    {
        history
            .contacts
            .push((row.try_get("case_id")?, row.try_get("written_at")?));
    }
    let mut plans = supervised(
        "p.case_id, p.status, p.objectives_and_timelines, p.written_at",
        "care_plans p JOIN cases c ON c.id = p.case_id",
        supervisor,
        "AND p.written_at >= ",
    );
    plans.push_bind(since);
    for row in plans.build().fetch_all(pool).await? {
        let status: String = row.try_get("status")?;
        history.plans.push(PlanVersion {
            case: row.try_get("case_id")?,
            submitted: status != "draft",
            objectives_and_timelines: row.try_get("objectives_and_timelines")?,
            at: row.try_get("written_at")?,
        });
    }
    for row in supervised(
        "DISTINCT d.case_id",
        "case_dimensions d JOIN cases c ON c.id = d.case_id",
        supervisor,
        "AND d.field_id = 'closure_reason'",
    )
    .build()
    .fetch_all(pool)
    .await?
    {
        history.closure_documented.insert(row.try_get("case_id")?);
    }
    Ok(history)
}
