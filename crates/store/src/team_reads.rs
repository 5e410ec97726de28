//! The rows of a supervisor's teams' cases for the dashboard ([`crate::team_records`]): the
//! SQL of both databases and its row decoders; `sqlite/supervision.rs` and
//! `postgres/supervision.rs` each run the reads their own way. Times and states only, never
//! case content.
//!
//! A case's row comes with its history digest (`history_digest.rs`): its moves, contacts and
//! care plan versions. The three history reads are made only for the cases without one, and
//! keep only their rows (`portable/history_digests.rs` reads the same columns to write them).

use crate::columns::Columns;
use crate::history_digest::Digests;
use crate::team_records::{CLOSURE_REASON, TeamCase, TeamContact, TeamPlanVersion, TeamRecords};
use crate::{CaseId, Result, StoreError};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::quality::Move;
use std::collections::BTreeSet;

/// Which rows a team read gives.
#[derive(Clone, Copy)]
pub(crate) enum TeamPart {
    Cases,
    Moves,
    Contacts,
    Plans,
    Marks,
}

/// One of the reads: `$1` is the supervisor (for a history read in the
/// [`Supervised::Joined`] form, the array of the cases' ids), `$2`… are `texts`.
pub(crate) struct TeamQuery {
    pub part: TeamPart,
    pub sql: String,
    pub texts: Vec<String>,
}

/// How a read reaches the supervisor's teams' cases. The two databases plan the forms
/// differently, each reading a history table's case-keyed index once a case:
#[derive(Clone, Copy)]
pub(crate) enum Supervised {
    /// `r.case_id IN (<the cases>)`: SQLite reads each history table by its covering index
    /// (joined instead, it reads the table's rows too).
    InList,
    /// PostgreSQL: the cases joined from the supervisor's workers, then each history table
    /// read by the ids those cases came with (`r.case_id = ANY($1)`, in the same snapshot).
    /// With the cases' ids recomputed in every read, PostgreSQL de-duplicated them in a hash
    /// and probed `cases` again for their columns (the five reads took 1.78 times as long);
    /// with the cases joined again in every history read, each probed `cases` again (15–31 ms
    /// a read against 5–16 ms by the ids: BENCHMARKS, ninth session).
    Joined,
}

/// The ids of the cases of the teams a supervisor supervises, around the supervisor's id: from
/// the teams to their members to each member's cases (by the `cases_holder` index), never a
/// scan of every case. (Also the case lists' `supervised` filter, `portable/case_filter.rs`.)
pub(crate) const SUPERVISED_IDS_BEFORE: &str =
    "SELECT sc.id FROM teams t JOIN team_members m ON m.team_id = t.id
               JOIN cases sc ON sc.assigned_to = m.user_id
             WHERE t.supervisor_id = ";
pub(crate) const SUPERVISED_IDS_AFTER: &str = " AND (NOT EXISTS (SELECT 1 FROM team_case_types x WHERE x.team_id = t.id)
                    OR EXISTS (SELECT 1 FROM team_case_types x WHERE x.team_id = t.id AND x.case_type = sc.case_type))";

/// The supervisor's workers, each with a case type their team holds them to, or `NULL` for a
/// team that takes every type (and then no other row): joining cases to it gives each
/// supervised case once.
const SUPERVISED_HOLDERS: &str = "WITH supervised AS (
        SELECT DISTINCT m.user_id, x.case_type FROM teams t JOIN team_members m ON m.team_id = t.id
            LEFT JOIN team_case_types x ON x.team_id = t.id
        WHERE t.supervisor_id = $1),
    holders AS (SELECT s.user_id, s.case_type FROM supervised s
        WHERE s.case_type IS NULL
            OR NOT EXISTS (SELECT 1 FROM supervised a WHERE a.user_id = s.user_id AND a.case_type IS NULL))";

/// The rows of `table` (aliased `r`) whose `case_column` is one of the supervisor's teams'
/// cases, each table reached by its case-keyed index, `filter`ed and `order`ed.
struct TeamRead<'a> {
    part: TeamPart,
    columns: &'a str,
    table: &'a str,
    case_column: &'a str,
    filter: Option<&'a str>,
    order: Option<&'a str>,
}

impl TeamRead<'_> {
    fn query(&self, form: Supervised) -> TeamQuery {
        let columns = self.columns;
        let table = self.table;
        let case_column = self.case_column;
        let mut conditions = Vec::new();
        let from = match form {
            Supervised::InList => {
                conditions.push(format!(
                    "r.{case_column} IN ({}$1{})",
                    SUPERVISED_IDS_BEFORE, SUPERVISED_IDS_AFTER
                ));
                format!("SELECT {columns} FROM {table} r")
            }
            Supervised::Joined if matches!(self.part, TeamPart::Cases) => format!(
                "{SUPERVISED_HOLDERS} SELECT {columns} FROM holders h JOIN cases r
                    ON r.assigned_to = h.user_id AND (h.case_type IS NULL OR r.case_type = h.case_type)"
            ),
            Supervised::Joined => {
                conditions.push(format!("r.{case_column} = ANY($1)"));
                format!("SELECT {columns} FROM {table} r")
            }
        };
        conditions.extend(self.filter.map(str::to_string));
        let mut sql = from;
        if !conditions.is_empty() {
            sql.push_str(&format!(" WHERE {}", conditions.join(" AND ")));
        }
        if let Some(order) = self.order {
            sql.push_str(&format!(" ORDER BY {order}"));
        }
        TeamQuery {
            part: self.part,
            sql,
            texts: Vec::new(),
        }
    }
}

/// The five reads of the supervisor's teams' cases.
pub(crate) fn team_queries(emergency_fields: &[String], form: Supervised) -> [TeamQuery; 5] {
    // The closure reason whatever its value; an emergency field only when it says yes.
    let marked: Vec<String> = std::iter::once(CLOSURE_REASON.to_string())
        .chain(emergency_fields.iter().cloned())
        .collect();
    let placeholders: Vec<String> = (0..marked.len()).map(|i| format!("${}", i + 2)).collect();
    let marks_filter = format!("r.field_id IN ({})", placeholders.join(", "));
    let read = |part, columns, table, case_column, filter, order| {
        TeamRead {
            part,
            columns,
            table,
            case_column,
            filter,
            order,
        }
        .query(form)
    };
    let mut marks = read(
        TeamPart::Marks,
        "r.case_id, r.field_id, r.value",
        "case_dimensions",
        "case_id",
        Some(&marks_filter),
        None,
    );
    marks.texts = marked;
    [
        read(
            TeamPart::Cases,
            "r.id, r.case_number, r.case_type, r.stage, r.assigned_to, CAST(r.intensity AS BIGINT) AS intensity, r.created_at, r.history_digest",
            "cases",
            "id",
            None,
            Some("r.created_at, r.id"),
        ),
        read(
            TeamPart::Moves,
            MOVE_COLUMNS,
            "case_transitions",
            "case_id",
            None,
            None,
        ),
        read(
            TeamPart::Contacts,
            CONTACT_COLUMNS,
            "case_notes",
            "case_id",
            Some(CONTACTS_ONLY),
            None,
        ),
        read(
            TeamPart::Plans,
            PLAN_COLUMNS,
            "care_plans",
            "case_id",
            None,
            None,
        ),
        marks,
    ]
}

/// The columns of the three history reads, and the contacts' filter: what a case's history
/// digest holds, read the same way for the dashboard (below) and for writing digests
/// (`portable/history_digests.rs`), each row decoded by [`TeamPart::read`].
pub(crate) const MOVE_COLUMNS: &str = "r.case_id, r.from_stage, r.to_stage, r.moved_at";
pub(crate) const CONTACT_COLUMNS: &str = "r.case_id, r.id, r.written_at, r.next_contact_on";
pub(crate) const CONTACTS_ONLY: &str = "r.kind <> 'other'";
pub(crate) const PLAN_COLUMNS: &str =
    "r.case_id, r.version, r.status, r.objectives_and_timelines, r.written_at";

/// A team read in progress: the records read so far, the history digests met, and the cases
/// without a digest.
#[derive(Default)]
pub(crate) struct TeamReading {
    pub records: TeamRecords,
    digests: Digests,
    /// The cases whose history rows are read (they have no digest).
    pub undigested: BTreeSet<CaseId>,
}

impl TeamReading {
    /// The records, with the digests' history.
    pub(crate) fn finish(mut self) -> Result<TeamRecords> {
        self.digests.decode_into(&mut self.records)?;
        Ok(self.records)
    }
}

impl TeamPart {
    /// The moves, contacts and care plan versions: what a case's history digest holds.
    pub(crate) fn in_digest(self) -> bool {
        matches!(self, TeamPart::Moves | TeamPart::Contacts | TeamPart::Plans)
    }

    /// Add one row of this part to `reading`: a case's row with its history digest, or as a
    /// case whose history rows are to be read.
    pub(crate) fn read(
        self,
        row: &impl Columns,
        reading: &mut TeamReading,
        emergency_fields: &[String],
    ) -> Result<()> {
        let records = &mut reading.records;
        match self {
            TeamPart::Cases => {
                let id = row.id("id")?;
                records.cases.push(TeamCase {
                    id,
                    case_number: row.text("case_number")?,
                    case_type: row.text("case_type")?,
                    stage: row.text("stage")?,
                    assigned_to: row.id("assigned_to")?,
                    intensity: caseward_domain::config::Intensity::from_level(
                        row.int("intensity")?,
                    )
                    .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
                    opened_at: row.time("created_at")?,
                });
                match row.opt_blob("history_digest")? {
                    Some(digest) => reading.digests.push(id, digest),
                    None => {
                        reading.undigested.insert(id);
                    }
                }
            }
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
