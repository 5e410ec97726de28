// The rows of a supervisor's teams' cases for the dashboard (`crate::team_records`): portable
// SQL, included by `sqlite/supervision.rs` and `postgres/supervision.rs` (see
// `portable/access.rs`). Times and states only, never case content.

use crate::team_records::{CLOSURE_REASON, TeamCase, TeamContact, TeamPlanVersion, TeamRecords};
use crate::{Result, StoreError};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::quality::Move;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

/// `SELECT {columns} FROM {table} x WHERE x.{case_column} IN (<the cases supervisor's teams
/// hold>) {tail}`: each table reached by its case-keyed index, once a case.
fn supervised<'a>(
    columns: &str,
    table: &str,
    case_column: &str,
    supervisor: Uuid,
    tail: &str,
) -> QueryBuilder<'a, Db> {
    let mut query = QueryBuilder::<Db>::new(format!(
        "SELECT {columns} FROM {table} x WHERE x.{case_column} IN ("
    ));
    super::case_filter::push_supervised_ids(&mut query, supervisor);
    query.push(format!(") {tail}"));
    query
}

pub(super) async fn team_records(
    pool: &DbPool,
    supervisor: Uuid,
    emergency_fields: &[String],
) -> Result<TeamRecords> {
    let mut records = TeamRecords::default();
    let mut cases = supervised(
        "x.id, x.case_number, x.case_type, x.stage, x.assigned_to, CAST(x.intensity AS BIGINT) AS intensity, x.created_at",
        "cases",
        "id",
        supervisor,
        "ORDER BY x.created_at, x.id",
    );
    for row in cases.build().fetch_all(pool).await? {
        let intensity: i64 = row.try_get("intensity")?;
        records.cases.push(TeamCase {
            id: row.try_get("id")?,
            case_number: row.try_get("case_number")?,
            case_type: row.try_get("case_type")?,
            stage: row.try_get("stage")?,
            assigned_to: row.try_get("assigned_to")?,
            intensity: caseward_domain::config::Intensity::from_level(intensity)
                .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
            opened_at: row.try_get("created_at")?,
        });
    }
    let mut moves = supervised(
        "x.case_id, x.from_stage, x.to_stage, x.moved_at",
        "case_transitions",
        "case_id",
        supervisor,
        "",
    );
    for row in moves.build().fetch_all(pool).await? {
        records.moves.push(Move {
            case: row.try_get("case_id")?,
            from: row.try_get("from_stage")?,
            to: row.try_get("to_stage")?,
            at: row.try_get("moved_at")?,
        });
    }
    let mut contacts = supervised(
        "x.case_id, x.id, x.written_at, x.next_contact_on",
        "case_notes",
        "case_id",
        supervisor,
        "AND x.kind <> 'other'",
    );
    for row in contacts.build().fetch_all(pool).await? {
        records.contacts.push(TeamContact {
            case: row.try_get("case_id")?,
            note: row.try_get("id")?,
            written_at: row.try_get("written_at")?,
            next_contact_on: row.try_get("next_contact_on")?,
        });
    }
    let mut plans = supervised(
        "x.case_id, x.version, x.status, x.objectives_and_timelines, x.written_at",
        "care_plans",
        "case_id",
        supervisor,
        "",
    );
    for row in plans.build().fetch_all(pool).await? {
        let status: String = row.try_get("status")?;
        records.plans.push(TeamPlanVersion {
            case: row.try_get("case_id")?,
            version: row.try_get("version")?,
            status: CarePlanStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt("care plan status".into()))?,
            objectives_and_timelines: row.try_get("objectives_and_timelines")?,
            written_at: row.try_get("written_at")?,
        });
    }
    // The closure reason whatever its value; an emergency field only when it says yes.
    let mut marks = supervised(
        "x.case_id, x.field_id, x.value",
        "case_dimensions",
        "case_id",
        supervisor,
        "AND x.field_id IN (",
    );
    let mut fields = marks.separated(", ");
    fields.push_bind(CLOSURE_REASON);
    for field in emergency_fields {
        fields.push_bind(field.as_str());
    }
    marks.push(")");
    for row in marks.build().fetch_all(pool).await? {
        let case: Uuid = row.try_get("case_id")?;
        let field: String = row.try_get("field_id")?;
        if field == CLOSURE_REASON {
            records.closure_documented.insert(case);
        }
        if emergency_fields.contains(&field) && row.try_get::<String, _>("value")? == "yes" {
            records.emergency.insert(case);
        }
    }
    Ok(records)
}
