// Background work, alerts and case timelines: portable SQL, included by `sqlite/work.rs` and
// `postgres/work.rs` (see `portable/access.rs`). Each backend names how a claim skips the
// rows another node holds (`SKIP_LOCKED`).

use crate::{
    AlertRecord, CaseTimelineFacts, Job, JobRecord, NewAlert, NewJob, Result, StoreError,
    TimelineFilter,
};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

async fn insert_job(conn: &mut DbConnection, job: &NewJob) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (id, kind, singleton, payload, run_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (singleton) DO NOTHING",
    )
    .bind(job.id)
    .bind(&job.kind)
    .bind(&job.singleton)
    .bind(&job.payload)
    .bind(job.run_at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn schedule(store: &BackendStore, job: NewJob) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let queued = insert_job(&mut tx, &job).await?;
    tx.commit().await?;
    Ok(queued)
}

pub(super) async fn claim(
    store: &BackendStore,
    node: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u32,
) -> Result<Vec<Job>> {
    let mut tx = store.begin_write().await?;
    let rows = sqlx::query(&format!(
        "UPDATE jobs SET locked_by = $1, locked_until = $2
         WHERE id IN (SELECT id FROM jobs
                      WHERE done_at IS NULL AND run_at <= $3
                        AND (locked_until IS NULL OR locked_until < $3)
                      ORDER BY run_at LIMIT $4 {SKIP_LOCKED})
         RETURNING id, kind, singleton, payload, run_at, attempts, locked_until"
    ))
    .bind(node)
    .bind(now + lease)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut jobs = rows
        .iter()
        .map(|row| {
            Ok(Job {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                singleton: row.try_get("singleton")?,
                payload: row.try_get("payload")?,
                run_at: row.try_get("run_at")?,
                attempts: row.try_get("attempts")?,
                locked_until: row.try_get("locked_until")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    jobs.sort_by_key(|j| j.run_at);
    Ok(jobs)
}

pub(super) async fn finish(
    store: &BackendStore,
    id: Uuid,
    node: &str,
    now: DateTime<Utc>,
    next: Option<NewJob>,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE jobs SET done_at = $1, done_by = $2, singleton = NULL, locked_until = NULL
         WHERE id = $3 AND locked_by = $2 AND done_at IS NULL",
    )
    .bind(now)
    .bind(node)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        // The lease ran out and another node took the job.
        return Ok(false);
    }
    if let Some(next) = &next {
        insert_job(&mut tx, next).await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn fail(
    store: &BackendStore,
    id: Uuid,
    node: &str,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "UPDATE jobs SET attempts = attempts + 1, last_error = $1, run_at = $2,
                         locked_by = NULL, locked_until = NULL
         WHERE id = $3 AND locked_by = $4 AND done_at IS NULL",
    )
    .bind(error)
    .bind(retry_at)
    .bind(id)
    .bind(node)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn jobs(pool: &DbPool, kind: &str) -> Result<Vec<JobRecord>> {
    let rows = sqlx::query(
        "SELECT id, kind, payload, attempts, last_error, done_at, done_by FROM jobs
         WHERE kind = $1 ORDER BY run_at, id",
    )
    .bind(kind)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(JobRecord {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                done_at: row.try_get("done_at")?,
                done_by: row.try_get("done_by")?,
            })
        })
        .collect()
}

pub(super) async fn raise_alerts(
    store: &BackendStore,
    alerts: Vec<NewAlert>,
    now: DateTime<Utc>,
) -> Result<u32> {
    let mut tx = store.begin_write().await?;
    let mut raised = 0;
    for alert in &alerts {
        let done = sqlx::query(
            "INSERT INTO alerts (id, case_id, recipient, kind, stage, level, due, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (case_id, recipient, kind, level, due) DO NOTHING",
        )
        .bind(alert.id)
        .bind(alert.case_id)
        .bind(alert.recipient)
        .bind(&alert.kind)
        .bind(&alert.stage)
        .bind(&alert.level)
        .bind(alert.due)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => e.into(),
        })?;
        if done.rows_affected() == 1 {
            raised += 1;
            if let Some(job) = &alert.job {
                insert_job(&mut tx, job).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(raised)
}

const ALERT_COLUMNS: &str = "a.id, a.case_id, c.case_number, a.recipient, a.kind, a.stage, a.level,
                             a.due, a.created_at, a.read_at";

fn alert_from_row(row: &DbRow) -> Result<AlertRecord> {
    Ok(AlertRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        case_number: row.try_get("case_number")?,
        recipient: row.try_get("recipient")?,
        kind: row.try_get("kind")?,
        stage: row.try_get("stage")?,
        level: row.try_get("level")?,
        due: row.try_get("due")?,
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}

pub(super) async fn alerts_for(pool: &DbPool, user: Uuid, limit: u32) -> Result<Vec<AlertRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {ALERT_COLUMNS} FROM alerts a JOIN cases c ON c.id = a.case_id
         WHERE a.recipient = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2"
    ))
    .bind(user)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(alert_from_row).collect()
}

pub(super) async fn alert(pool: &DbPool, id: Uuid) -> Result<Option<AlertRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {ALERT_COLUMNS} FROM alerts a JOIN cases c ON c.id = a.case_id WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(alert_from_row).transpose()
}

pub(super) async fn mark_read(
    store: &BackendStore,
    user: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE alerts SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND recipient = $3",
    )
    .bind(now)
    .bind(id)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn set_email(
    store: &BackendStore,
    user: Uuid,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    match email {
        Some(email) => {
            sqlx::query(
                "INSERT INTO notification_emails (user_id, email, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id) DO UPDATE SET email = $2, updated_at = $3",
            )
            .bind(user)
            .bind(email)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                    StoreError::NotFound
                }
                _ => e.into(),
            })?;
        }
        None => {
            sqlx::query("DELETE FROM notification_emails WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn email(pool: &DbPool, user: Uuid) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT email FROM notification_emails WHERE user_id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?,
    )
}

pub(super) async fn timelines(
    pool: &DbPool,
    filter: &TimelineFilter,
) -> Result<Vec<CaseTimelineFacts>> {
    let mut query = QueryBuilder::<Db>::new(
        "SELECT c.id, c.case_number, c.case_type, c.stage, c.assigned_to, CAST(c.intensity AS BIGINT) AS intensity, c.created_at,
                (SELECT MAX(t.moved_at) FROM case_transitions t
                  WHERE t.case_id = c.id AND t.to_stage = c.stage) AS stage_since,
                (SELECT MAX(n.written_at) FROM case_notes n
                  WHERE n.case_id = c.id AND n.kind <> 'other') AS last_contact,
                (SELECT n.next_contact_on FROM case_notes n
                  WHERE n.case_id = c.id AND n.kind <> 'other'
                  ORDER BY n.written_at DESC, n.id DESC LIMIT 1) AS planned_contact,
                (SELECT CASE WHEN p.status = 'submitted' THEN p.written_at END FROM care_plans p
                  WHERE p.case_id = c.id ORDER BY p.version DESC LIMIT 1) AS approval_requested,
                EXISTS (SELECT 1 FROM case_dimensions d
                  WHERE d.case_id = c.id AND d.value = 'yes' AND d.field_id IN (",
    );
    // An empty IN list is not SQL: a field id no form has stands in.
    let mut fields = query.separated(", ");
    if filter.emergency_fields.is_empty() {
        fields.push_bind("");
    }
    for field in &filter.emergency_fields {
        fields.push_bind(field.as_str());
    }
    query.push(")) AS emergency FROM cases c WHERE 1 = 1");
    if !filter.exclude_stages.is_empty() {
        query.push(" AND c.stage NOT IN (");
        let mut stages = query.separated(", ");
        for stage in &filter.exclude_stages {
            stages.push_bind(stage.as_str());
        }
        query.push(")");
    }
    match filter.limit {
        Some(limit) => {
            if let Some(after) = filter.after {
                query.push(" AND c.id > ").push_bind(after);
            }
            query.push(" ORDER BY c.id LIMIT ").push_bind(i64::from(limit));
        }
        None => {
            query.push(" ORDER BY c.created_at, c.id");
        }
    }
    let rows = query.build().fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            let opened_at: DateTime<Utc> = row.try_get("created_at")?;
            let stage_since: Option<DateTime<Utc>> = row.try_get("stage_since")?;
            let intensity: i64 = row.try_get("intensity")?;
            Ok(CaseTimelineFacts {
                id: row.try_get("id")?,
                case_number: row.try_get("case_number")?,
                case_type: row.try_get("case_type")?,
                stage: row.try_get("stage")?,
                assigned_to: row.try_get("assigned_to")?,
                intensity: caseward_domain::config::Intensity::from_level(intensity)
                    .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
                opened_at,
                stage_since: stage_since.unwrap_or(opened_at),
                emergency: row.try_get("emergency")?,
                last_contact: row.try_get("last_contact")?,
                planned_contact: row.try_get("planned_contact")?,
                approval_requested: row.try_get("approval_requested")?,
            })
        })
        .collect()
}
