//! A case's access facts read in one query: each backend's SQL aggregates the shares and field
//! grants, the consents, and the assigned worker's teams into three JSON arrays (one round
//! trip instead of three; every read of a case needs them), and this module turns the arrays
//! into records. Ids arrive as UUID text (SQLite: 32 hex digits), times as RFC 3339, yes/no as
//! booleans (PostgreSQL) or 0/1 (SQLite).

use crate::consent_codec::{recipient_from_columns, scope_from_columns};
use crate::{
    CaseAccess, ConsentRecord, FieldGrantRecord, Result, ShareRecord, StoreError, UserRef,
};
use caseward_domain::access::consent::Consent;
use caseward_domain::team::{Team, TeamId};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("access facts: {what}"))
}

fn array(text: &str, what: &str) -> Result<Vec<Value>> {
    match serde_json::from_str(text).map_err(|_| corrupt(what))? {
        Value::Array(items) => Ok(items),
        _ => Err(corrupt(what)),
    }
}

fn opt_text(item: &Value, key: &str) -> Result<Option<String>> {
    match &item[key] {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        _ => Err(corrupt(key)),
    }
}

fn text(item: &Value, key: &str) -> Result<String> {
    opt_text(item, key)?.ok_or_else(|| corrupt(key))
}

fn opt_id(item: &Value, key: &str) -> Result<Option<Uuid>> {
    opt_text(item, key)?
        .map(|t| Uuid::parse_str(&t).map_err(|_| corrupt(key)))
        .transpose()
}

fn id(item: &Value, key: &str) -> Result<Uuid> {
    opt_id(item, key)?.ok_or_else(|| corrupt(key))
}

fn opt_time(item: &Value, key: &str) -> Result<Option<DateTime<Utc>>> {
    opt_text(item, key)?
        .map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| corrupt(key))
        })
        .transpose()
}

fn time(item: &Value, key: &str) -> Result<DateTime<Utc>> {
    opt_time(item, key)?.ok_or_else(|| corrupt(key))
}

fn opt_bool(item: &Value, key: &str) -> Result<Option<bool>> {
    match &item[key] {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) => Ok(Some(n.as_i64().ok_or_else(|| corrupt(key))? != 0)),
        _ => Err(corrupt(key)),
    }
}

fn user(item: &Value, prefix: &str) -> Result<UserRef> {
    Ok(UserRef {
        id: id(item, &format!("{prefix}_id"))?,
        username: text(item, &format!("{prefix}_username"))?,
        display_name: text(item, &format!("{prefix}_display_name"))?,
    })
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
    for item in array(granted, "shares and grants")? {
        let (record_id, case_id) = (id(&item, "id")?, id(&item, "case_id")?);
        let (user, granted_by) = (user(&item, "u")?, user(&item, "b")?);
        let (reason, granted_at) = (text(&item, "reason")?, time(&item, "granted_at")?);
        match text(&item, "kind")?.as_str() {
            "share" => shares.push(ShareRecord {
                id: record_id,
                case_id,
                user,
                reason,
                granted_by,
                granted_at,
                consent_override_reason: opt_text(&item, "consent_override_reason")?,
            }),
            "grant" => field_grants.push(FieldGrantRecord {
                id: record_id,
                case_id,
                user,
                field_id: text(&item, "field_id")?,
                reason,
                granted_by,
                granted_at,
            }),
            _ => return Err(corrupt("kind")),
        }
    }
    let consents = array(consents, "consents")?
        .iter()
        .map(consent)
        .collect::<Result<_>>()?;
    Ok(CaseAccess {
        shares,
        field_grants,
        consents,
        assignee_teams: assignee_teams(&array(teams, "teams")?)?,
    })
}

fn consent(item: &Value) -> Result<ConsentRecord> {
    let given_on = text(item, "given_on")?;
    Ok(ConsentRecord {
        case_id: id(item, "case_id")?,
        consent: Consent {
            id: id(item, "id")?,
            recipient: recipient_from_columns(
                opt_id(item, "recipient_user")?,
                opt_text(item, "recipient_agency")?,
                opt_id(item, "recipient_agency_id")?,
            )?,
            information: scope_from_columns(&text(item, "scope")?, &text(item, "scope_fields")?)?,
            purpose: text(item, "purpose")?,
            given_on: NaiveDate::parse_from_str(&given_on, "%Y-%m-%d")
                .map_err(|_| corrupt("given_on"))?,
            recorded_by: id(item, "recorded_by")?,
            guardian_involved: opt_bool(item, "guardian_involved")?,
            child_assent: opt_bool(item, "child_assent")?,
            withdrawn_at: opt_time(item, "withdrawn_at")?,
        },
        recorded_at: time(item, "recorded_at")?,
        withdrawn_by: opt_id(item, "withdrawn_by")?,
        withdraw_reason: opt_text(item, "withdraw_reason")?,
    })
}

/// Teams from rows of (team, supervisor, one member, one case type), in name order.
fn assignee_teams(rows: &[Value]) -> Result<Vec<Team>> {
    let mut teams: BTreeMap<TeamId, Team> = BTreeMap::new();
    for row in rows {
        let team_id = id(row, "team_id")?;
        let team = match teams.entry(team_id) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => entry.insert(Team {
                id: team_id,
                name: text(row, "name")?,
                supervisor: opt_id(row, "supervisor_id")?,
                members: BTreeSet::new(),
                case_types: BTreeSet::new(),
            }),
        };
        if let Some(member) = opt_id(row, "member")? {
            team.members.insert(member);
        }
        if let Some(case_type) = opt_text(row, "case_type")? {
            team.case_types.insert(case_type);
        }
    }
    let mut teams: Vec<Team> = teams.into_values().collect();
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
    let teams: Vec<(String, String)> = vec![
        ("team_id".into(), D::id("t.id")),
        ("name".into(), "t.name".into()),
        ("supervisor_id".into(), D::id("t.supervisor_id")),
        ("member".into(), D::id("m.user_id")),
        ("case_type".into(), "ct.case_type".into()),
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
            "team_members a JOIN teams t ON t.id = a.team_id
             LEFT JOIN team_members m ON m.team_id = t.id
             LEFT JOIN team_case_types ct ON ct.team_id = t.id
             WHERE a.user_id = c.assigned_to",
            None
        ),
    )
}
