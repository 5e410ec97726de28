// Care plan versions: portable SQL, included by `sqlite/care_plans.rs` and
// `postgres/care_plans.rs` (see `portable/access.rs`). A version's content and a decision's
// comment are sealed with the case's data key; in clear only the version's number, status,
// author, times, and the two counts the quality metrics need (interventions, and whether
// each has an objective and a target date).

use crate::care_plans::{decode, encode, parse_status};
use crate::case_texts::{CARE_PLAN_COMMENT, CARE_PLAN_CONTENT};
use crate::{CarePlanDecision, CarePlanRecord, NewCarePlanVersion, Result, StoreError};
use sqlx::Row;
use uuid::Uuid;

pub(super) async fn add(store: &BackendStore, plan: NewCarePlanVersion) -> Result<CarePlanRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let newest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM care_plans WHERE case_id = $1")
            .bind(plan.case_id)
            .fetch_one(&mut *tx)
            .await?;
    let newest = newest.unwrap_or(0);
    if plan.version != newest + 1 {
        return Err(StoreError::Conflict {
            expected: plan.version - 1,
            current: newest,
        });
    }
    let texts = super::case_keys::texts_in(&mut tx, sealing, plan.case_id).await?;
    let interventions = i64::try_from(plan.content.interventions.len()).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO care_plans (id, case_id, version, status, content, interventions,
                                 objectives_and_timelines, written_by, written_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(plan.id)
    .bind(plan.case_id)
    .bind(plan.version)
    .bind(plan.status.as_str())
    .bind(texts.seal(CARE_PLAN_CONTENT, plan.id, &encode(&plan.content)))
    .bind(interventions)
    .bind(plan.content.has_objectives_and_timelines())
    .bind(plan.written_by)
    .bind(plan.now)
    .execute(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
            expected: plan.version - 1,
            current: plan.version,
        },
        _ => e.into(),
    })?;
    super::history_digests::refresh(&mut tx, &[plan.case_id]).await?;
    super::audit::append_case_in(&mut tx, sealing, &plan.audit, plan.now).await?;
    let mut versions = read(&mut tx, &texts, plan.case_id, Some(plan.version)).await?;
    tx.commit().await?;
    versions.pop().ok_or(StoreError::NotFound)
}

pub(super) async fn decide(
    store: &BackendStore,
    decision: CarePlanDecision,
) -> Result<CarePlanRecord> {
    let sealing = store.sealing()?;
    let mut tx = store.begin_write().await?;
    let texts = super::case_keys::texts_in(&mut tx, sealing, decision.case_id).await?;
    let row_id: Option<Uuid> = sqlx::query_scalar(
        "SELECT id FROM care_plans WHERE case_id = $1 AND version = $2",
    )
    .bind(decision.case_id)
    .bind(decision.version)
    .fetch_optional(&mut *tx)
    .await?;
    let row_id = row_id.ok_or(StoreError::NotFound)?;
    // Only the newest version, and only while it still waits: a decision taken meanwhile or a
    // newer version makes this a conflict.
    let done = sqlx::query(
        "UPDATE care_plans SET status = $1, decided_by = $2, decided_at = $3, comment = $4
         WHERE id = $5 AND status = 'submitted'
           AND version = (SELECT MAX(version) FROM care_plans WHERE case_id = $6)",
    )
    .bind(decision.status.as_str())
    .bind(decision.decided_by)
    .bind(decision.now)
    .bind(texts.seal_opt(CARE_PLAN_COMMENT, row_id, decision.comment.as_deref()))
    .bind(row_id)
    .bind(decision.case_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            expected: decision.version,
            current: decision.version,
        });
    }
    super::history_digests::refresh(&mut tx, &[decision.case_id]).await?;
    super::audit::append_case_in(&mut tx, sealing, &decision.audit, decision.now).await?;
    let mut versions = read(&mut tx, &texts, decision.case_id, Some(decision.version)).await?;
    tx.commit().await?;
    versions.pop().ok_or(StoreError::NotFound)
}

/// A case's care plan versions, oldest first, opened.
pub(super) async fn list(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
) -> Result<Vec<CarePlanRecord>> {
    let mut conn = pool.acquire().await?;
    let texts = super::case_keys::texts_in(&mut conn, sealing, case).await?;
    read(&mut conn, &texts, case, None).await
}

/// The status of a case's newest care plan version, if it has one.
pub(super) async fn newest_status(
    pool: &DbPool,
    case: Uuid,
) -> Result<Option<caseward_domain::care_plan::CarePlanStatus>> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM care_plans WHERE case_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(case)
    .fetch_optional(pool)
    .await?;
    status.as_deref().map(parse_status).transpose()
}

async fn read(
    conn: &mut DbConnection,
    texts: &crate::case_texts::CaseTexts,
    case: Uuid,
    only: Option<i64>,
) -> Result<Vec<CarePlanRecord>> {
    let rows = sqlx::query(
        "SELECT p.id, p.version, p.status, p.content, p.written_at, p.decided_at, p.comment,
                w.id AS w_id, w.username AS w_username, w.display_name AS w_display_name,
                d.id AS d_id, d.username AS d_username, d.display_name AS d_display_name
         FROM care_plans p JOIN users w ON w.id = p.written_by
         LEFT JOIN users d ON d.id = p.decided_by
         WHERE p.case_id = $1 AND ($2 IS NULL OR p.version = $2) ORDER BY p.version",
    )
    .bind(case)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let id: Uuid = row.try_get("id")?;
            let content: String = row.try_get("content")?;
            let comment: Option<String> = row.try_get("comment")?;
            let status: String = row.try_get("status")?;
            let decided_by: Option<Uuid> = row.try_get("d_id")?;
            Ok(CarePlanRecord {
                id,
                case_id: case,
                version: row.try_get("version")?,
                status: parse_status(&status)?,
                content: decode(&texts.open(CARE_PLAN_CONTENT, id, &content)?)?,
                written_by: super::access::user_ref(row, "w")?,
                written_at: row.try_get("written_at")?,
                decided_by: decided_by
                    .map(|_| super::access::user_ref(row, "d"))
                    .transpose()?,
                decided_at: row.try_get("decided_at")?,
                comment: comment
                    .map(|c| texts.open(CARE_PLAN_COMMENT, id, &c))
                    .transpose()?,
            })
        })
        .collect()
}
