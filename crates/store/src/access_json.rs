//! A case's access facts read with the case: the shares and field grants, the consents, and the
//! assigned worker's teams, as three JSON arrays that triggers keep on the case's row and its
//! worker's row (migration 0028: every read of a case needs them, and reading them from two rows
//! costs no subquery), and this module turns the arrays into records, through typed structs
//! that borrow the column's text (no JSON tree is built).
//! Ids arrive as UUID text (SQLite: 32 hex digits), times as RFC 3339, yes/no as booleans
//! (PostgreSQL) or 0/1 (SQLite); a team comes as one object with its members and case types.

use crate::consent_codec::{recipient_from_columns, scope_from_columns};
use crate::{
    CaseAccess, ConsentRecord, FieldGrantRecord, Result, ShareRecord, StoreError, UserRef,
};
use caseward_domain::access::consent::Consent;
use caseward_domain::team::Team;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeSet;
use uuid::Uuid;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("access facts: {what}"))
}

/// A text as the database's JSON gave it: borrowed from the column unless it had escapes.
type Text<'a> = Cow<'a, str>;

/// A yes/no: a boolean (PostgreSQL) or 0/1 (SQLite).
#[derive(Deserialize)]
#[serde(untagged)]
enum YesNo {
    Bool(bool),
    Number(i64),
}

impl YesNo {
    fn get(self) -> bool {
        match self {
            Self::Bool(b) => b,
            Self::Number(n) => n != 0,
        }
    }
}

/// A share or a field grant, with the user it is for (`u_`) and who gave it (`b_`).
#[derive(Deserialize)]
struct GrantedFacts<'a> {
    #[serde(borrow)]
    kind: Text<'a>,
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    case_id: Text<'a>,
    reason: String,
    #[serde(borrow)]
    granted_at: Text<'a>,
    consent_override_reason: Option<String>,
    field_id: Option<String>,
    #[serde(borrow)]
    u_id: Text<'a>,
    u_username: String,
    u_display_name: String,
    #[serde(borrow)]
    b_id: Text<'a>,
    b_username: String,
    b_display_name: String,
}

#[derive(Deserialize)]
struct ConsentFacts<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    case_id: Text<'a>,
    #[serde(borrow)]
    recipient_user: Option<Text<'a>>,
    recipient_agency: Option<String>,
    #[serde(borrow)]
    recipient_agency_id: Option<Text<'a>>,
    #[serde(borrow)]
    scope: Text<'a>,
    #[serde(borrow)]
    scope_fields: Text<'a>,
    purpose: String,
    #[serde(borrow)]
    given_on: Text<'a>,
    guardian_involved: Option<YesNo>,
    child_assent: Option<YesNo>,
    #[serde(borrow)]
    recorded_by: Text<'a>,
    #[serde(borrow)]
    recorded_at: Text<'a>,
    #[serde(borrow)]
    withdrawn_at: Option<Text<'a>>,
    #[serde(borrow)]
    withdrawn_by: Option<Text<'a>>,
    withdraw_reason: Option<String>,
}

/// A team of the assigned worker, with its members and case types.
#[derive(Deserialize)]
struct TeamFacts<'a> {
    #[serde(borrow)]
    team_id: Text<'a>,
    name: String,
    #[serde(borrow)]
    supervisor_id: Option<Text<'a>>,
    #[serde(borrow)]
    members: Vec<Text<'a>>,
    case_types: BTreeSet<String>,
}

fn array<'a, T: Deserialize<'a>>(text: &'a str, what: &str) -> Result<Vec<T>> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

fn id(text: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| corrupt(what))
}

fn opt_id(text: Option<&Text<'_>>, what: &str) -> Result<Option<Uuid>> {
    text.map(|t| id(t, what)).transpose()
}

fn time(text: &str, what: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt(what))
}

/// The access facts from their three columns (`granted`, `consents`, `teams`) with their free
/// texts opened with the case's data key.
pub(crate) fn opened_case_access(
    sealing: &crate::sealing::Sealing,
    case: Uuid,
    wrapped: Option<&caseward_crypto::envelope::WrappedKey>,
    [granted, consents, teams]: [&str; 3],
) -> Result<CaseAccess> {
    let mut access = case_access(granted, consents, teams)?;
    crate::case_texts::open_access(sealing, case, wrapped, &mut access)?;
    Ok(access)
}

/// The access facts from the three arrays a backend's query returns.
pub(crate) fn case_access(granted: &str, consents: &str, teams: &str) -> Result<CaseAccess> {
    let mut shares = Vec::new();
    let mut field_grants = Vec::new();
    for item in array::<GrantedFacts>(granted, "shares and grants")? {
        let user = UserRef {
            id: id(&item.u_id, "u_id")?,
            username: item.u_username,
            display_name: item.u_display_name,
        };
        let granted_by = UserRef {
            id: id(&item.b_id, "b_id")?,
            username: item.b_username,
            display_name: item.b_display_name,
        };
        let (record_id, case_id) = (id(&item.id, "id")?, id(&item.case_id, "case_id")?);
        let granted_at = time(&item.granted_at, "granted_at")?;
        match &*item.kind {
            "share" => shares.push(ShareRecord {
                id: record_id,
                case_id,
                user,
                reason: item.reason,
                granted_by,
                granted_at,
                consent_override_reason: item.consent_override_reason,
            }),
            "grant" => field_grants.push(FieldGrantRecord {
                id: record_id,
                case_id,
                user,
                field_id: item.field_id.ok_or_else(|| corrupt("field_id"))?,
                reason: item.reason,
                granted_by,
                granted_at,
            }),
            _ => return Err(corrupt("kind")),
        }
    }
    let mut consents = array::<ConsentFacts>(consents, "consents")?
        .into_iter()
        .map(consent)
        .collect::<Result<Vec<_>>>()?;
    // In the order they were given and recorded. The stored arrays need not be ordered: SQLite
    // before 3.44 (Debian 12's `sqlite3`, which operators open the file with) cannot parse an
    // ordered aggregate in the schema's views.
    shares.sort_by_key(|s| (s.granted_at, s.id));
    field_grants.sort_by_key(|g| (g.granted_at, g.id));
    consents.sort_by_key(|c| (c.recorded_at, c.consent.id));
    Ok(CaseAccess {
        shares,
        field_grants,
        consents,
        assignee_teams: assignee_teams(array(teams, "teams")?)?,
    })
}

fn consent(item: ConsentFacts<'_>) -> Result<ConsentRecord> {
    Ok(ConsentRecord {
        case_id: id(&item.case_id, "case_id")?,
        consent: Consent {
            id: id(&item.id, "id")?,
            recipient: recipient_from_columns(
                opt_id(item.recipient_user.as_ref(), "recipient_user")?,
                item.recipient_agency,
                opt_id(item.recipient_agency_id.as_ref(), "recipient_agency_id")?,
            )?,
            information: scope_from_columns(&item.scope, &item.scope_fields)?,
            purpose: item.purpose,
            given_on: NaiveDate::parse_from_str(&item.given_on, "%Y-%m-%d")
                .map_err(|_| corrupt("given_on"))?,
            recorded_by: id(&item.recorded_by, "recorded_by")?,
            guardian_involved: item.guardian_involved.map(YesNo::get),
            child_assent: item.child_assent.map(YesNo::get),
            withdrawn_at: item
                .withdrawn_at
                .map(|t| time(&t, "withdrawn_at"))
                .transpose()?,
        },
        recorded_at: time(&item.recorded_at, "recorded_at")?,
        withdrawn_by: opt_id(item.withdrawn_by.as_ref(), "withdrawn_by")?,
        withdraw_reason: item.withdraw_reason,
    })
}

/// The assigned worker's teams, in name order.
fn assignee_teams(rows: Vec<TeamFacts<'_>>) -> Result<Vec<Team>> {
    let mut teams = rows
        .into_iter()
        .map(|row| {
            Ok(Team {
                id: id(&row.team_id, "team_id")?,
                name: row.name,
                supervisor: opt_id(row.supervisor_id.as_ref(), "supervisor_id")?,
                members: row
                    .members
                    .iter()
                    .map(|m| id(m, "members"))
                    .collect::<Result<_>>()?,
                case_types: row.case_types,
            })
        })
        .collect::<Result<Vec<Team>>>()?;
    teams.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(teams)
}

/// The access facts as a query over `cases c` (the case) and `users u` (its assigned worker)
/// reads them: `granted`, `consents`, `teams`. Triggers keep them on those rows (migration
/// 0028), written again in the transaction of every change to what they are made from.
pub(crate) const CASE_ACCESS_COLUMNS: &str =
    "c.access_granted AS granted, c.access_consents AS consents, u.access_teams AS teams";

/// The query (one row per existing case, `$1` the case id) that returns a case's access facts
/// as three JSON arrays, `granted`, `consents`, `teams`, and the case's wrapped data key (which
/// opens the facts' free texts, `case_texts`).
pub(crate) const CASE_ACCESS_SQL: &str = "SELECT c.access_granted AS granted, \
    c.access_consents AS consents, u.access_teams AS teams, k.master_key_id, k.wrapped \
    FROM cases c JOIN users u ON u.id = c.assigned_to \
    LEFT JOIN case_keys k ON k.case_id = c.id WHERE c.id = $1";

/// A case by its id (`$1`) with its summary (`summary_columns`, the backend's, over `cases c`
/// and `users u`), sealed content, wrapped data key and access facts: what every read of a case
/// needs, in one query of one row each of four tables.
pub(crate) fn case_with_access_sql(summary_columns: &str) -> String {
    format!(
        "SELECT {summary_columns}, cc.content, k.master_key_id, k.wrapped, {CASE_ACCESS_COLUMNS}
         FROM cases c JOIN case_contents cc ON cc.case_id = c.id
             JOIN users u ON u.id = c.assigned_to LEFT JOIN case_keys k ON k.case_id = c.id
         WHERE c.id = $1"
    )
}
