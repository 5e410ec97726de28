// Reassignment, the assignment history and caseloads: portable SQL, included by
// `sqlite/assignments.rs` and `postgres/assignments.rs` (see `portable/access.rs`).

use crate::case_texts::{ASSIGNMENT_OVERRIDE, ASSIGNMENT_REASON, CaseTexts, SHARE_REVOCATION};
use crate::{AssignmentRecord, CaseRecord, Result, StoreError, UserRef};
use caseward_domain::config::Intensity;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

pub(super) async fn reassign_case(
    store: &BackendStore,
    reassignment: crate::Reassignment,
) -> Result<CaseRecord> {
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, store.sealing()?, reassignment.case_id).await?;
    let previous: Option<Uuid> = sqlx::query_scalar("SELECT assigned_to FROM cases WHERE id = $1")
        .bind(reassignment.case_id)
        .fetch_optional(&mut *tx)
        .await?;
    let change_seq = next_change_seq(&mut tx).await?;
    let done = sqlx::query(
        "UPDATE cases SET assigned_to = $1, version = version + 1, change_seq = $2, updated_at = $3
         WHERE id = $4 AND version = $5",
    )
    .bind(reassignment.to)
    .bind(change_seq)
    .bind(reassignment.now)
    .bind(reassignment.case_id)
    .bind(reassignment.expected_version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
            .bind(reassignment.case_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            Some(current) => StoreError::Conflict {
                expected: reassignment.expected_version,
                current,
            },
            None => StoreError::NotFound,
        });
    }
    // A share with the assigned worker means nothing: the new assignee's share ends here,
    // in the same transaction (this is how a shared case becomes one's own).
    sqlx::query(
        "UPDATE case_shares SET revoked_at = $1, revoked_by = $2, revoke_reason = $3
         WHERE case_id = $4 AND user_id = $5 AND revoked_at IS NULL",
    )
    .bind(reassignment.now)
    .bind(reassignment.by)
    .bind(texts.seal(SHARE_REVOCATION, reassignment.to, &reassignment.reason))
    .bind(reassignment.case_id)
    .bind(reassignment.to)
    .execute(&mut *tx)
    .await?;
    record_assignment(
        &mut tx,
        Assignment {
            case_id: reassignment.case_id,
            from: previous,
            to: reassignment.to,
            by: reassignment.by,
            reason: &reassignment.reason,
            caseload_override_reason: reassignment.caseload_override_reason.as_deref(),
            at: reassignment.now,
            texts: &texts,
        },
    )
    .await?;
    super::audit::append_case_in(&mut tx, store.sealing()?, &reassignment.audit, reassignment.now).await?;
    let record = fetch_record(&mut *tx, store.sealing()?, reassignment.case_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(record)
}

pub(super) async fn caseload(
    pool: &DbPool,
    user: Uuid,
    case_type: &str,
    terminal_stages: &[String],
) -> Result<Vec<Intensity>> {
    let mut query = QueryBuilder::<Db>::new("SELECT CAST(intensity AS BIGINT) FROM cases WHERE assigned_to = ");
    query
        .push_bind(user)
        .push(" AND case_type = ")
        .push_bind(case_type);
    if !terminal_stages.is_empty() {
        query.push(" AND stage NOT IN (");
        let mut list = query.separated(", ");
        for stage in terminal_stages {
            list.push_bind(stage);
        }
        query.push(")");
    }
    let levels: Vec<i64> = query.build_query_scalar().fetch_all(pool).await?;
    levels
        .into_iter()
        .map(|l| Intensity::from_level(l).ok_or_else(|| StoreError::Corrupt("intensity".into())))
        .collect()
}

/// One row of the assignment history, to be written.
pub(super) struct Assignment<'a> {
    pub case_id: Uuid,
    pub from: Option<Uuid>,
    pub to: Uuid,
    pub by: Uuid,
    pub reason: &'a str,
    pub caseload_override_reason: Option<&'a str>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Seals the reasons with the case's data key.
    pub texts: &'a CaseTexts,
}

/// Append to a case's assignment history, inside the caller's transaction.
pub(super) async fn record_assignment(conn: &mut DbConnection, assignment: Assignment<'_>) -> Result<()> {
    let id = Uuid::now_v7();
    let texts = assignment.texts;
    sqlx::query(
        "INSERT INTO case_assignments (id, case_id, from_user, to_user, assigned_by, reason, caseload_override_reason, assigned_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(assignment.case_id)
    .bind(assignment.from)
    .bind(assignment.to)
    .bind(assignment.by)
    .bind(texts.seal(ASSIGNMENT_REASON, id, assignment.reason))
    .bind(texts.seal_opt(ASSIGNMENT_OVERRIDE, id, assignment.caseload_override_reason))
    .bind(assignment.at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn optional_ref(row: &DbRow, prefix: &str) -> Result<Option<UserRef>> {
    let id: Option<Uuid> = row.try_get(format!("{prefix}_id").as_str())?;
    Ok(match id {
        Some(id) => Some(UserRef {
            id,
            username: row.try_get(format!("{prefix}_username").as_str())?,
            display_name: row.try_get(format!("{prefix}_display_name").as_str())?,
        }),
        None => None,
    })
}

/// A case's assignment history, oldest first.
pub(super) async fn load_assignments(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
) -> Result<Vec<AssignmentRecord>> {
    let texts = super::case_keys::texts_in(&mut *pool.acquire().await?, sealing, case).await?;
    let rows = sqlx::query(
        "SELECT a.id, a.reason, a.caseload_override_reason, a.assigned_at,
                f.id AS f_id, f.username AS f_username, f.display_name AS f_display_name,
                t.id AS t_id, t.username AS t_username, t.display_name AS t_display_name,
                b.id AS b_id, b.username AS b_username, b.display_name AS b_display_name
         FROM case_assignments a
         LEFT JOIN users f ON f.id = a.from_user
         JOIN users t ON t.id = a.to_user
         JOIN users b ON b.id = a.assigned_by
         WHERE a.case_id = $1 ORDER BY a.assigned_at, a.id",
    )
    .bind(case)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: Uuid = row.try_get("id")?;
            let reason: String = row.try_get("reason")?;
            let mut caseload_override_reason = row.try_get("caseload_override_reason")?;
            texts.open_opt(ASSIGNMENT_OVERRIDE, id, &mut caseload_override_reason)?;
            Ok(AssignmentRecord {
                from: optional_ref(row, "f")?,
                to: optional_ref(row, "t")?.ok_or_else(|| StoreError::Corrupt("assignment without assignee".into()))?,
                by: optional_ref(row, "b")?.ok_or_else(|| StoreError::Corrupt("assignment without author".into()))?,
                reason: texts.open(ASSIGNMENT_REASON, id, &reason)?,
                caseload_override_reason,
                at: row.try_get("assigned_at")?,
            })
        })
        .collect()
}
