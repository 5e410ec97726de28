// The rows of a supervisor's teams' cases for the dashboard (`crate::team_records`): portable
// SQL and its row decoders, included by `sqlite/supervision.rs` and `postgres/supervision.rs`
// (see `portable/access.rs`), each of which runs the reads its own way. Times and states
// only, never case content.

use crate::columns::Columns;
use crate::team_records::{CLOSURE_REASON, TeamCase, TeamContact, TeamPlanVersion, TeamRecords};
use crate::{Result, StoreError};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::quality::Move;

/// Which rows a team read gives.
#[derive(Clone, Copy)]
enum TeamPart {
    Cases,
    Moves,
    Contacts,
    Plans,
    Marks,
}

/// One of the reads: `$1` is the supervisor, `$2`… are `texts`.
struct TeamQuery {
    part: TeamPart,
    sql: String,
    texts: Vec<String>,
}

/// `SELECT {columns} FROM {table} r WHERE r.{case_column} IN (<the cases the supervisor's
/// teams hold>) {tail}`: each table reached by its case-keyed index, once a case.
fn supervised(part: TeamPart, columns: &str, table: &str, case_column: &str, tail: &str) -> TeamQuery {
    TeamQuery {
        part,
        sql: format!(
            "SELECT {columns} FROM {table} r WHERE r.{case_column} IN ({}$1{}) {tail}",
            super::case_filter::SUPERVISED_IDS_BEFORE,
            super::case_filter::SUPERVISED_IDS_AFTER
        ),
        texts: Vec::new(),
    }
}

/// The five reads of the supervisor's teams' cases.
fn team_queries(emergency_fields: &[String]) -> [TeamQuery; 5] {
    let mut marks = supervised(
        TeamPart::Marks,
        "r.case_id, r.field_id, r.value",
        "case_dimensions",
        "case_id",
        "",
    );
    // The closure reason whatever its value; an emergency field only when it says yes.
    marks.texts = std::iter::once(CLOSURE_REASON.to_string())
        .chain(emergency_fields.iter().cloned())
        .collect();
    let placeholders: Vec<String> = (0..marks.texts.len()).map(|i| format!("${}", i + 2)).collect();
    marks.sql.push_str(&format!("AND r.field_id IN ({})", placeholders.join(", ")));
    [
        supervised(
            TeamPart::Cases,
            "r.id, r.case_number, r.case_type, r.stage, r.assigned_to, CAST(r.intensity AS BIGINT) AS intensity, r.created_at",
            "cases",
            "id",
            "ORDER BY r.created_at, r.id",
        ),
        supervised(
            TeamPart::Moves,
            "r.case_id, r.from_stage, r.to_stage, r.moved_at",
            "case_transitions",
            "case_id",
            "",
        ),
        supervised(
            TeamPart::Contacts,
            "r.case_id, r.id, r.written_at, r.next_contact_on",
            "case_notes",
            "case_id",
            "AND r.kind <> 'other'",
        ),
        supervised(
            TeamPart::Plans,
            "r.case_id, r.version, r.status, r.objectives_and_timelines, r.written_at",
            "care_plans",
            "case_id",
            "",
        ),
        marks,
    ]
}

impl TeamPart {
    /// Add one row of this part to `records`.
    fn read(
        self,
        row: &impl Columns,
        records: &mut TeamRecords,
        emergency_fields: &[String],
    ) -> Result<()> {
        match self {
            TeamPart::Cases => records.cases.push(TeamCase {
                id: row.id("id")?,
                case_number: row.text("case_number")?,
                case_type: row.text("case_type")?,
                stage: row.text("stage")?,
                assigned_to: row.id("assigned_to")?,
                intensity: caseward_domain::config::Intensity::from_level(row.int("intensity")?)
                    .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
                opened_at: row.time("created_at")?,
            }),
            TeamPart::Moves => records.moves.push(Move {
                case: row.id("case_id")?,
                from: row.text("from_stage")?,
                to: row.text("to_stage")?,
                at: row.time("moved_at")?,
            }),
            TeamPart::Contacts => records.contacts.push(TeamContact {
                case: row.id("case_id")?,
                note: row.id("id")?,
                written_at: row.time("written_at")?,
                next_contact_on: row.opt_date("next_contact_on")?,
            }),
            TeamPart::Plans => records.plans.push(TeamPlanVersion {
                case: row.id("case_id")?,
                version: row.int("version")?,
                status: CarePlanStatus::parse(&row.text("status")?)
                    .ok_or_else(|| StoreError::Corrupt("care plan status".into()))?,
                objectives_and_timelines: row.flag("objectives_and_timelines")?,
                written_at: row.time("written_at")?,
            }),
            TeamPart::Marks => {
                let case = row.id("case_id")?;
                let field = row.text("field_id")?;
                if field == CLOSURE_REASON {
                    records.closure_documented.insert(case);
                }
                if emergency_fields.contains(&field) && row.text("value")? == "yes" {
                    records.emergency.insert(case);
                }
            }
        }
        Ok(())
    }
}
