//! A case's access facts read in one query: each backend's SQL aggregates the shares and field
//! grants, the consents, and the assigned worker's teams into three JSON arrays (one round
//! trip instead of three; every read of a case needs them), and this module turns the arrays
//! into records, through typed structs that borrow the column's text (no JSON tree is built).
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
    let consents = array::<ConsentFacts>(consents, "consents")?
        .into_iter()
        .map(consent)
        .collect::<Result<_>>()?;
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

/// The JSON functions of one database, implemented in its backend module.
pub(crate) trait JsonSql {
    /// A UUID column as text (NULL stays NULL).
    fn id(column: &str) -> String;
    /// A JSON object of these keys and SQL expressions.
    fn object(pairs: &[(&str, String)]) -> String;
    /// The JSON array (as text, `[]` when no row) of `object` over the rows of `from`, in the
    /// order of `order` when given.
    fn array(object: &str, from: &str, order: Option<&str>) -> String;
    /// The JSON array (`[]` when no row) of `value` over the rows of `from`, as a value
    /// inside an `object`.
    fn nested_array(value: &str, from: &str) -> String;
}

/// The query (one row per existing case, `$1` the case id) that returns a case's access facts
/// as three JSON arrays, `granted`, `consents`, `teams`, and the case's wrapped data key (which
/// opens the facts' free texts, `case_texts`).
pub(crate) fn case_access_sql<D: JsonSql>() -> String {
    format!(
        "SELECT {}, k.master_key_id, k.wrapped FROM cases c
         LEFT JOIN case_keys k ON k.case_id = c.id WHERE c.id = $1",
        case_access_columns::<D>()
    )
}

/// A case by its id (`$1`) with its summary (`summary_columns`, the backend's), sealed
/// content, wrapped data key and access facts: what every read of a case needs, in one query.
pub(crate) fn case_with_access_sql<D: JsonSql>(summary_columns: &str) -> String {
    format!(
        "SELECT {summary_columns}, cc.content, k.master_key_id, k.wrapped, {}
         FROM cases c JOIN case_contents cc ON cc.case_id = c.id JOIN users u ON u.id = c.assigned_to LEFT JOIN case_keys k ON k.case_id = c.id
         WHERE c.id = $1",
        case_access_columns::<D>()
    )
}

/// The three columns of a case's access facts, for a query over `cases c` whose `$1` is the
/// case id: `granted`, `consents`, `teams`.
pub(crate) fn case_access_columns<D: JsonSql>() -> String {
    let user = |prefix: &str, column: &str| -> [(String, String); 3] {
        [
            (format!("{prefix}_id"), D::id(&format!("{column}.id"))),
            (format!("{prefix}_username"), format!("{column}.username")),
            (
                format!("{prefix}_display_name"),
                format!("{column}.display_name"),
            ),
        ]
    };
    let mut granted: Vec<(String, String)> = vec![
        ("kind".into(), "g.kind".into()),
        ("id".into(), D::id("g.id")),
        ("case_id".into(), D::id("g.case_id")),
        ("reason".into(), "g.reason".into()),
        ("granted_at".into(), "g.granted_at".into()),
        (
            "consent_override_reason".into(),
            "g.consent_override_reason".into(),
        ),
        ("field_id".into(), "g.field_id".into()),
    ];
    granted.extend(user("u", "gu"));
    granted.extend(user("b", "gb"));
    let granted_from = "(SELECT 'share' AS kind, s.id, s.case_id, s.reason, s.granted_at, s.user_id, s.granted_by,
            s.consent_override_reason, NULL AS field_id
        FROM case_shares s WHERE s.case_id = $1 AND s.revoked_at IS NULL
        UNION ALL
        SELECT 'grant', f.id, f.case_id, f.reason, f.granted_at, f.user_id, f.granted_by, NULL, f.field_id
        FROM field_grants f WHERE f.case_id = $1 AND f.revoked_at IS NULL) g
        JOIN users gu ON gu.id = g.user_id JOIN users gb ON gb.id = g.granted_by";
    let consent_columns: Vec<(String, String)> = [
        ("id", true),
        ("case_id", true),
        ("recipient_user", true),
        ("recipient_agency", false),
        ("recipient_agency_id", true),
        ("scope", false),
        ("scope_fields", false),
        ("purpose", false),
        ("given_on", false),
        ("guardian_involved", false),
        ("child_assent", false),
        ("recorded_by", true),
        ("recorded_at", false),
        ("withdrawn_at", false),
        ("withdrawn_by", true),
        ("withdraw_reason", false),
    ]
    .into_iter()
    .map(|(name, is_id)| {
        let column = format!("k.{name}");
        (
            name.to_string(),
            if is_id { D::id(&column) } else { column },
        )
    })
    .collect();
    // One object per team: its members' ids and its case types as arrays within it.
    let teams: Vec<(String, String)> = vec![
        ("team_id".into(), D::id("t.id")),
        ("name".into(), "t.name".into()),
        ("supervisor_id".into(), D::id("t.supervisor_id")),
        (
            "members".into(),
            D::nested_array(&D::id("m.user_id"), "team_members m WHERE m.team_id = t.id"),
        ),
        (
            "case_types".into(),
            D::nested_array("ct.case_type", "team_case_types ct WHERE ct.team_id = t.id"),
        ),
    ];
    let object = |pairs: &[(String, String)]| {
        D::object(
            &pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect::<Vec<_>>(),
        )
    };
    format!(
        "({granted}) AS granted, ({consents}) AS consents, ({teams}) AS teams",
        granted = D::array(&object(&granted), granted_from, Some("g.granted_at")),
        consents = D::array(
            &object(&consent_columns),
            "consents k WHERE k.case_id = $1",
            Some("k.recorded_at")
        ),
        teams = D::array(
            &object(&teams),
            "team_members a JOIN teams t ON t.id = a.team_id WHERE a.user_id = c.assigned_to",
            None
        ),
    )
}
