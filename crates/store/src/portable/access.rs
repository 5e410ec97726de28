// Teams, shares, field grants and consents: SQL that both databases accept, written once and
// included by `sqlite/access.rs` and `postgres/access.rs`, which name the backend's types
// (`BackendStore`, `DbRow`, `DbPool`, `DbConnection`). Only portable SQL belongs here: `$n`
// placeholders, `ON CONFLICT`, `RETURNING`, partial unique indexes.

use crate::case_texts::{
    CONSENT_PURPOSE, CONSENT_WITHDRAWAL, GRANT_REASON, GRANT_REVOCATION, SHARE_OVERRIDE, SHARE_REASON,
    SHARE_REVOCATION,
};
use crate::consent_codec::{recipient_from_columns, scope_from_columns, scope_to_columns};
use crate::{
    ConsentRecord, ConsentWithdrawal, FieldGrantRecord, NewFieldGrant, NewShare,
    NewTeam, Result, Revocation, ShareRecord, StoreError, TeamChanges, TeamRecord, UserRef,
};
use caseward_domain::access::consent::{Consent, Recipient};
use caseward_domain::team::{Team, TeamId};
use caseward_domain::user::UserId;
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// A user named by the columns `{prefix}_id`, `{prefix}_username`, `{prefix}_display_name`.
pub(super) fn user_ref(row: &DbRow, prefix: &str) -> Result<UserRef> {
    Ok(UserRef {
        id: row.try_get(format!("{prefix}_id").as_str())?,
        username: row.try_get(format!("{prefix}_username").as_str())?,
        display_name: row.try_get(format!("{prefix}_display_name").as_str())?,
    })
}

/// Load teams (all, or those with the given ids) with their people and case types.
async fn load_teams(
    conn: &mut DbConnection,
    only: Option<&[TeamId]>,
) -> Result<Vec<TeamRecord>> {
    // Only the teams asked for, when asked: one team's change must not read every team.
    let only_these = |query: &mut sqlx::QueryBuilder<'_, Db>, column: &str| {
        if let Some(ids) = only {
            query.push(format!(" WHERE {column} IN ("));
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            query.push(")");
        }
    };
    let mut teams_query = sqlx::QueryBuilder::<Db>::new(
        "SELECT t.id, t.name, t.version, s.id AS sup_id, s.username AS sup_username, s.display_name AS sup_display_name
         FROM teams t LEFT JOIN users s ON s.id = t.supervisor_id",
    );
    only_these(&mut teams_query, "t.id");
    teams_query.push(" ORDER BY t.name");
    let rows = teams_query.build().fetch_all(&mut *conn).await?;
    let mut members_query = sqlx::QueryBuilder::<Db>::new(
        "SELECT m.team_id, u.id AS m_id, u.username AS m_username, u.display_name AS m_display_name
         FROM team_members m JOIN users u ON u.id = m.user_id",
    );
    only_these(&mut members_query, "m.team_id");
    members_query.push(" ORDER BY u.username");
    let members = members_query.build().fetch_all(&mut *conn).await?;
    let mut types_query = sqlx::QueryBuilder::<Db>::new("SELECT team_id, case_type FROM team_case_types");
    only_these(&mut types_query, "team_id");
    let case_types = types_query.build().fetch_all(&mut *conn).await?;
    let mut member_map: BTreeMap<TeamId, Vec<UserRef>> = BTreeMap::new();
    for row in &members {
        member_map
            .entry(row.try_get("team_id")?)
            .or_default()
            .push(user_ref(row, "m")?);
    }
    let mut type_map: BTreeMap<TeamId, BTreeSet<String>> = BTreeMap::new();
    for row in &case_types {
        type_map
            .entry(row.try_get("team_id")?)
            .or_default()
            .insert(row.try_get("case_type")?);
    }
    let mut teams = Vec::new();
    for row in &rows {
        let id: TeamId = row.try_get("id")?;
        let supervisor_id: Option<Uuid> = row.try_get("sup_id")?;
        let supervisor = match supervisor_id {
            Some(_) => Some(user_ref(row, "sup")?),
            None => None,
        };
        let members = member_map.remove(&id).unwrap_or_default();
        teams.push(TeamRecord {
            team: Team {
                id,
                name: row.try_get("name")?,
                supervisor: supervisor.as_ref().map(|s| s.id),
                members: members.iter().map(|m| m.id).collect(),
                case_types: type_map.remove(&id).unwrap_or_default(),
            },
            supervisor,
            members,
            version: row.try_get("version")?,
        });
    }
    Ok(teams)
}

async fn one_team(conn: &mut DbConnection, id: TeamId) -> Result<TeamRecord> {
    load_teams(conn, Some(&[id]))
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

pub(super) async fn create_team(store: &BackendStore, team: NewTeam) -> Result<TeamRecord> {
    let mut tx = store.begin_write().await?;
    sqlx::query("INSERT INTO teams (id, name, supervisor_id, version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4)")
        .bind(team.id)
        .bind(&team.name)
        .bind(team.supervisor)
        .bind(team.now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "team name"))?;
    for case_type in &team.case_types {
        sqlx::query("INSERT INTO team_case_types (team_id, case_type) VALUES ($1, $2)")
            .bind(team.id)
            .bind(case_type)
            .execute(&mut *tx)
            .await?;
    }
    let record = one_team(&mut tx, team.id).await;
    super::audit::append_in(&mut tx, &team.audit, team.now).await?;
    tx.commit().await?;
    record
}

pub(super) async fn update_team(
    store: &BackendStore,
    id: TeamId,
    expected_version: i64,
    changes: TeamChanges,
    now: DateTime<Utc>,
) -> Result<TeamRecord> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE teams SET name = COALESCE($1, name),
                          supervisor_id = CASE WHEN $2 THEN $3 ELSE supervisor_id END,
                          version = version + 1, updated_at = $4
         WHERE id = $5 AND version = $6",
    )
    .bind(&changes.name)
    .bind(changes.supervisor.is_some())
    .bind(changes.supervisor.flatten())
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "team name"))?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM teams WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            Some(current) => StoreError::Conflict { expected: expected_version, current },
            None => StoreError::NotFound,
        });
    }
    if let Some(case_types) = &changes.case_types {
        sqlx::query("DELETE FROM team_case_types WHERE team_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for case_type in case_types {
            sqlx::query("INSERT INTO team_case_types (team_id, case_type) VALUES ($1, $2)")
                .bind(id)
                .bind(case_type)
                .execute(&mut *tx)
                .await?;
        }
    }
    let record = one_team(&mut tx, id).await;
    super::audit::append_in(&mut tx, &changes.audit, now).await?;
    tx.commit().await?;
    record
}

pub(super) async fn list_teams(pool: &DbPool) -> Result<Vec<TeamRecord>> {
    load_teams(&mut *pool.acquire().await?, None).await
}

pub(super) async fn supervised_teams(pool: &DbPool, supervisor: UserId) -> Result<Vec<TeamRecord>> {
    supervised_teams_on(&mut *pool.acquire().await?, supervisor).await
}

/// [`supervised_teams`] on a connection the caller holds: PostgreSQL's dashboard reads them
/// in the snapshot of its team records (SQLite's reads its records on threads of its own).
pub(super) async fn supervised_teams_on(conn: &mut DbConnection, supervisor: UserId) -> Result<Vec<TeamRecord>> {
    let ids: Vec<TeamId> = sqlx::query_scalar("SELECT id FROM teams WHERE supervisor_id = $1")
        .bind(supervisor)
        .fetch_all(&mut *conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    load_teams(conn, Some(&ids)).await
}

pub(super) async fn add_team_member(
    store: &BackendStore,
    team: TeamId,
    user: UserId,
    audit: &[caseward_domain::audit::AuditEvent],
    now: DateTime<Utc>,
) -> Result<TeamRecord> {
    let mut tx = store.begin_write().await?;
    let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
        .bind(team)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("INSERT INTO team_members (team_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(team)
        .bind(user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE teams SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(team)
        .execute(&mut *tx)
        .await?;
    let record = one_team(&mut tx, team).await;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    record
}

pub(super) async fn remove_team_member(
    store: &BackendStore,
    team: TeamId,
    user: UserId,
    audit: &[caseward_domain::audit::AuditEvent],
    now: DateTime<Utc>,
) -> Result<TeamRecord> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .bind(team)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("UPDATE teams SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(team)
        .execute(&mut *tx)
        .await?;
    let record = one_team(&mut tx, team).await;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    record
}

pub(super) async fn teams_of(pool: &DbPool, user: UserId) -> Result<Vec<Team>> {
    let ids: Vec<TeamId> =
        sqlx::query_scalar("SELECT team_id FROM team_members WHERE user_id = $1")
            .bind(user)
            .fetch_all(pool)
            .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(load_teams(&mut *pool.acquire().await?, Some(&ids))
        .await?
        .into_iter()
        .map(|r| r.team)
        .collect())
}

const GRANT_COLUMNS: &str = "g.id, g.case_id, g.reason, g.granted_at,
    u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name,
    b.id AS b_id, b.username AS b_username, b.display_name AS b_display_name";

fn share_from_row(row: &DbRow) -> Result<ShareRecord> {
    Ok(ShareRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        user: user_ref(row, "u")?,
        reason: row.try_get("reason")?,
        granted_by: user_ref(row, "b")?,
        granted_at: row.try_get("granted_at")?,
        consent_override_reason: row.try_get("consent_override_reason")?,
    })
}

fn field_grant_from_row(row: &DbRow) -> Result<FieldGrantRecord> {
    Ok(FieldGrantRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        user: user_ref(row, "u")?,
        field_id: row.try_get("field_id")?,
        reason: row.try_get("reason")?,
        granted_by: user_ref(row, "b")?,
        granted_at: row.try_get("granted_at")?,
    })
}

fn consent_from_row(row: &DbRow) -> Result<ConsentRecord> {
    let user: Option<Uuid> = row.try_get("recipient_user")?;
    let agency: Option<String> = row.try_get("recipient_agency")?;
    let agency_id: Option<Uuid> = row.try_get("recipient_agency_id")?;
    let recipient = recipient_from_columns(user, agency, agency_id)?;
    let scope: String = row.try_get("scope")?;
    let scope_fields: String = row.try_get("scope_fields")?;
    Ok(ConsentRecord {
        case_id: row.try_get("case_id")?,
        consent: Consent {
            id: row.try_get("id")?,
            recipient,
            information: scope_from_columns(&scope, &scope_fields)?,
            purpose: row.try_get("purpose")?,
            given_on: row.try_get("given_on")?,
            recorded_by: row.try_get("recorded_by")?,
            guardian_involved: row.try_get("guardian_involved")?,
            child_assent: row.try_get("child_assent")?,
            withdrawn_at: row.try_get("withdrawn_at")?,
        },
        recorded_at: row.try_get("recorded_at")?,
        withdrawn_by: row.try_get("withdrawn_by")?,
        withdraw_reason: row.try_get("withdraw_reason")?,
    })
}

const CONSENT_COLUMNS: &str = "id, case_id, recipient_user, recipient_agency, recipient_agency_id, scope, scope_fields, purpose, given_on,
    guardian_involved, child_assent, recorded_by, recorded_at, withdrawn_at, withdrawn_by, withdraw_reason";

pub(super) async fn create_share(store: &BackendStore, share: NewShare) -> Result<ShareRecord> {
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, store.sealing()?, share.case_id).await?;
    sqlx::query("INSERT INTO case_shares (id, case_id, user_id, reason, granted_by, granted_at, consent_override_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(share.id)
        .bind(share.case_id)
        .bind(share.user_id)
        .bind(texts.seal(SHARE_REASON, share.id, &share.reason))
        .bind(share.granted_by)
        .bind(share.now)
        .bind(texts.seal_opt(SHARE_OVERRIDE, share.id, share.consent_override_reason.as_deref()))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "share"))?;
    let row = sqlx::query(&format!(
        "SELECT {GRANT_COLUMNS}, g.consent_override_reason FROM case_shares g JOIN users u ON u.id = g.user_id JOIN users b ON b.id = g.granted_by WHERE g.id = $1"
    ))
    .bind(share.id)
    .fetch_one(&mut *tx)
    .await?;
    let record = ShareRecord {
        reason: share.reason.clone(),
        consent_override_reason: share.consent_override_reason.clone(),
        ..share_from_row(&row)?
    };
    super::audit::append_case_in(&mut tx, store.sealing()?, &share.audit, share.now).await?;
    tx.commit().await?;
    Ok(record)
}

pub(super) async fn create_field_grant(
    store: &BackendStore,
    grant: NewFieldGrant,
) -> Result<FieldGrantRecord> {
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, store.sealing()?, grant.case_id).await?;
    sqlx::query(
        "INSERT INTO field_grants (id, case_id, user_id, field_id, reason, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(grant.id)
    .bind(grant.case_id)
    .bind(grant.user_id)
    .bind(&grant.field_id)
    .bind(texts.seal(GRANT_REASON, grant.id, &grant.reason))
    .bind(grant.granted_by)
    .bind(grant.now)
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "field grant"))?;
    let row = sqlx::query(&format!(
        "SELECT {GRANT_COLUMNS}, g.field_id FROM field_grants g JOIN users u ON u.id = g.user_id JOIN users b ON b.id = g.granted_by WHERE g.id = $1"
    ))
    .bind(grant.id)
    .fetch_one(&mut *tx)
    .await?;
    let record = FieldGrantRecord {
        reason: grant.reason.clone(),
        ..field_grant_from_row(&row)?
    };
    super::audit::append_case_in(&mut tx, store.sealing()?, &grant.audit, grant.now).await?;
    tx.commit().await?;
    Ok(record)
}

pub(super) async fn revoke(store: &BackendStore, revocation: Revocation) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, store.sealing()?, revocation.case_id).await?;
    // One active share or grant per user: the reason is bound to the user it ended.
    let kind = match revocation.field_id {
        None => SHARE_REVOCATION,
        Some(_) => GRANT_REVOCATION,
    };
    let reason = texts.seal(kind, revocation.user_id, &revocation.reason);
    let done = match &revocation.field_id {
        None => {
            sqlx::query(
                "UPDATE case_shares SET revoked_at = $1, revoked_by = $2, revoke_reason = $3
                 WHERE case_id = $4 AND user_id = $5 AND revoked_at IS NULL",
            )
            .bind(revocation.now)
            .bind(revocation.by)
            .bind(&reason)
            .bind(revocation.case_id)
            .bind(revocation.user_id)
            .execute(&mut *tx)
            .await?
        }
        Some(field_id) => {
            sqlx::query(
                "UPDATE field_grants SET revoked_at = $1, revoked_by = $2, revoke_reason = $3
                 WHERE case_id = $4 AND user_id = $5 AND field_id = $6 AND revoked_at IS NULL",
            )
            .bind(revocation.now)
            .bind(revocation.by)
            .bind(&reason)
            .bind(revocation.case_id)
            .bind(revocation.user_id)
            .bind(field_id)
            .execute(&mut *tx)
            .await?
        }
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    super::audit::append_case_in(&mut tx, store.sealing()?, &revocation.audit, revocation.now).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn record_consent(
    store: &BackendStore,
    case: Uuid,
    consent: Consent,
    audit: &[caseward_domain::audit::AuditEvent],
    now: DateTime<Utc>,
) -> Result<ConsentRecord> {
    let (scope, scope_fields) = scope_to_columns(&consent.information);
    let (user, agency, agency_id) = match &consent.recipient {
        Recipient::User(user) => (Some(*user), None, None),
        Recipient::Agency { id, name } => (None, Some(name.clone()), Some(*id)),
        Recipient::ExternalAgency(name) => (None, Some(name.clone()), None),
    };
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, store.sealing()?, case).await?;
    sqlx::query(
        "INSERT INTO consents (id, case_id, recipient_user, recipient_agency, scope, scope_fields, purpose, given_on,
                               guardian_involved, child_assent, recorded_by, recorded_at, recipient_agency_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(consent.id)
    .bind(case)
    .bind(user)
    .bind(agency)
    .bind(scope)
    .bind(scope_fields)
    .bind(texts.seal(CONSENT_PURPOSE, consent.id, &consent.purpose))
    .bind(consent.given_on)
    .bind(consent.guardian_involved)
    .bind(consent.child_assent)
    .bind(consent.recorded_by)
    .bind(now)
    .bind(agency_id)
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::unique(e, "consent id"))?;
    let row = sqlx::query(&format!(
        "SELECT {CONSENT_COLUMNS} FROM consents WHERE id = $1"
    ))
    .bind(consent.id)
    .fetch_one(&mut *tx)
    .await?;
    let mut record = consent_from_row(&row)?;
    record.consent.purpose = consent.purpose.clone();
    super::audit::append_case_in(&mut tx, store.sealing()?, audit, now).await?;
    tx.commit().await?;
    Ok(record)
}

pub(super) async fn withdraw_consent(
    store: &BackendStore,
    withdrawal: ConsentWithdrawal,
) -> Result<ConsentRecord> {
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, store.sealing()?, withdrawal.case_id).await?;
    let done = sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2, withdraw_reason = $3
         WHERE id = $4 AND case_id = $5 AND withdrawn_at IS NULL",
    )
    .bind(withdrawal.now)
    .bind(withdrawal.by)
    .bind(texts.seal(CONSENT_WITHDRAWAL, withdrawal.consent_id, &withdrawal.reason))
    .bind(withdrawal.consent_id)
    .bind(withdrawal.case_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let row = sqlx::query(&format!(
        "SELECT {CONSENT_COLUMNS} FROM consents WHERE id = $1"
    ))
    .bind(withdrawal.consent_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut record = consent_from_row(&row)?;
    record.consent.purpose = texts.open(CONSENT_PURPOSE, record.consent.id, &record.consent.purpose)?;
    record.withdraw_reason = Some(withdrawal.reason.clone());
    super::audit::append_case_in(&mut tx, store.sealing()?, &withdrawal.audit, withdrawal.now).await?;
    tx.commit().await?;
    Ok(record)
}

/// A case's access facts in one query (see `access_json`); `NotFound` when there is no such case.
pub(super) async fn case_access_at_once(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: uuid::Uuid,
) -> crate::Result<crate::CaseAccess> {
    let row = sqlx::query(crate::access_json::CASE_ACCESS_SQL)
        .bind(case)
        .fetch_optional(pool)
        .await?
        .ok_or(crate::StoreError::NotFound)?;
    access_from_row(&row, sealing, case)
}

/// The access facts from the three columns of `access_json::CASE_ACCESS_COLUMNS` and the
/// case's wrapped data key (`master_key_id`, `wrapped`), their free texts opened.
pub(super) fn access_from_row(
    row: &DbRow,
    sealing: &crate::sealing::Sealing,
    case: uuid::Uuid,
) -> crate::Result<crate::CaseAccess> {
    let wrapped = crate::sealing::wrapped_from_columns(
        row.try_get("master_key_id")?,
        row.try_get("wrapped")?,
    )?;
    crate::access_json::opened_case_access(
        sealing,
        case,
        wrapped.as_ref(),
        [
            row.try_get("granted")?,
            row.try_get("consents")?,
            row.try_get("teams")?,
        ],
    )
}
