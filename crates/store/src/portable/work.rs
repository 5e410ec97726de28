// Background work, alerts and case timelines: portable SQL, included by `sqlite/work.rs` and
// `postgres/work.rs` (see `portable/access.rs`). Each backend names how a claim skips the
// rows another node holds (`SKIP_LOCKED`).

use crate::team_records::{TeamCase, TeamRecords};
use crate::{
    AlertRecord, CaseTimelineFacts, Job, JobRecord, NewAlert, NewJob, Result, StoreError,
    TimelineFilter,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
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

/// Alerts a statement inserts (eight values each).
const ALERTS_A_STATEMENT: usize = 500;

/// Cases whose recorded alerts one read looks up.
const CASES_A_LOOKUP: usize = 500;

/// Record the alerts not recorded before, each new one's email queued with it; how many were
/// new. Every sweep raises every passed deadline again (1.27 million alerts at a million
/// cases, nearly all recorded before). On SQLite those recorded are found first by a read,
/// which takes no lock: inserted with `ON CONFLICT DO NOTHING` instead, a page of a sweep held
/// the write lock through each of its thousands of conflicts (7–10 ms a page of 2,000 cases,
/// 3–4.5 s a sweep of a million), while audit appends and edits waited. PostgreSQL has no
/// such lock, and its read would depend on the table's statistics
/// (`LOOK_UP_RECORDED_ALERTS`). The rest go a few hundred a statement, not one a round trip;
/// on SQLite a page of cases without a new one takes no write.
pub(super) async fn raise_alerts(
    store: &BackendStore,
    alerts: Vec<NewAlert>,
    now: DateTime<Utc>,
) -> Result<u32> {
    let alerts = if LOOK_UP_RECORDED_ALERTS {
        not_recorded(store.reads(), alerts).await?
    } else {
        alerts
    };
    if alerts.is_empty() {
        return Ok(0);
    }
    let mut tx = store.begin_write().await?;
    let mut raised = 0;
    for chunk in alerts.chunks(ALERTS_A_STATEMENT) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO alerts (id, case_id, recipient, kind, stage, level, due, created_at) ",
        );
        insert.push_values(chunk, |mut row, alert| {
            row.push_bind(alert.id)
                .push_bind(alert.case_id)
                .push_bind(alert.recipient)
                .push_bind(&alert.kind)
                .push_bind(&alert.stage)
                .push_bind(&alert.level)
                .push_bind(alert.due)
                .push_bind(now);
        });
        insert.push(" ON CONFLICT (case_id, recipient, kind, level, due) DO NOTHING RETURNING id");
        let new: BTreeSet<Uuid> = insert
            .build_query_scalar()
            .persistent(keep_prepared(chunk, ALERTS_A_STATEMENT))
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                _ => e.into(),
            })?
            .into_iter()
            .collect();
        for alert in chunk.iter().filter(|alert| new.contains(&alert.id)) {
            raised += 1;
            if let Some(job) = &alert.job {
                insert_job(&mut tx, job).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(raised)
}

/// Whether a statement over `chunk`, one of a list cut `full` at a time, is kept prepared on
/// its connection: only a full chunk's. The rest of a list has a length of its own, and each
/// length kept held a statement of hundreds of parameters: at a million cases, a sweep on
/// PostgreSQL peaked at 132 MiB resident with every length kept, and at 48–52 MiB with none.
fn keep_prepared<T>(chunk: &[T], full: usize) -> bool {
    chunk.len() == full
}

/// What the alerts table holds an alert unique by.
type AlertKey = (Uuid, Uuid, String, String, DateTime<Utc>);

fn alert_key(alert: &NewAlert) -> AlertKey {
    (
        alert.case_id,
        alert.recipient,
        alert.kind.clone(),
        alert.level.clone(),
        alert.due,
    )
}

/// The `alerts` not recorded yet, as a read sees the table. The insert's `ON CONFLICT` still
/// settles one recorded meanwhile (by another node's sweep).
async fn not_recorded(pool: &DbPool, alerts: Vec<NewAlert>) -> Result<Vec<NewAlert>> {
    let cases: Vec<Uuid> = alerts
        .iter()
        .map(|alert| alert.case_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut recorded = std::collections::HashSet::new();
    for chunk in cases.chunks(CASES_A_LOOKUP) {
        let mut lookup = QueryBuilder::<Db>::new(
            "SELECT case_id, recipient, kind, level, due FROM alerts WHERE case_id IN (",
        );
        let mut ids = lookup.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        lookup.push(")");
        let lookup = lookup.build().persistent(keep_prepared(chunk, CASES_A_LOOKUP));
        for row in lookup.fetch_all(pool).await? {
            let key: AlertKey = (
                row.try_get("case_id")?,
                row.try_get("recipient")?,
                row.try_get("kind")?,
                row.try_get("level")?,
                row.try_get("due")?,
            );
            recorded.insert(key);
        }
    }
    Ok(alerts
        .into_iter()
        .filter(|alert| !recorded.contains(&alert_key(alert)))
        .collect())
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

/// The timeline facts of the cases `filter` asks for. A case's row carries its history digest
/// (`history_digest.rs`): the facts come from it, through the same derivation as the
/// dashboard's ([`TeamRecords::timelines`]). Only a case without one (an instance upgraded,
/// not yet reindexed) has its history tables searched, by the subqueries under `CASE`, which
/// neither database runs for a case with a digest. A later sweep of a million cases on
/// PostgreSQL took 389 s with four such subqueries a case, an `EXISTS` for the emergency marks
/// and an insert an alert; 16 s now (BENCHMARKS, seventeenth session).
pub(super) async fn timelines(
    pool: &DbPool,
    filter: &TimelineFilter,
) -> Result<Vec<CaseTimelineFacts>> {
    let mut query = QueryBuilder::<Db>::new(
        "SELECT c.id, c.case_number, c.case_type, c.stage, c.assigned_to, CAST(c.intensity AS BIGINT) AS intensity, c.created_at,
                c.history_digest,
                CASE WHEN c.history_digest IS NULL THEN (SELECT MAX(t.moved_at) FROM case_transitions t
                  WHERE t.case_id = c.id AND t.to_stage = c.stage) END AS stage_since,
                CASE WHEN c.history_digest IS NULL THEN (SELECT MAX(n.written_at) FROM case_notes n
                  WHERE n.case_id = c.id AND n.kind <> 'other') END AS last_contact,
                CASE WHEN c.history_digest IS NULL THEN (SELECT n.next_contact_on FROM case_notes n
                  WHERE n.case_id = c.id AND n.kind <> 'other'
                  ORDER BY n.written_at DESC, n.id DESC LIMIT 1) END AS planned_contact,
                CASE WHEN c.history_digest IS NULL THEN (SELECT CASE WHEN p.status = 'submitted' THEN p.written_at END FROM care_plans p
                  WHERE p.case_id = c.id ORDER BY p.version DESC LIMIT 1) END AS approval_requested
         FROM cases c WHERE 1 = 1",
    );
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
    let cases = rows
        .iter()
        .map(|row| {
            let intensity: i64 = row.try_get("intensity")?;
            Ok(TeamCase {
                id: row.try_get("id")?,
                case_number: row.try_get("case_number")?,
                case_type: row.try_get("case_type")?,
                stage: row.try_get("stage")?,
                assigned_to: row.try_get("assigned_to")?,
                intensity: caseward_domain::config::Intensity::from_level(intensity)
                    .ok_or_else(|| StoreError::Corrupt("intensity".into()))?,
                opened_at: row.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<TeamCase>>>()?;
    let ids: Vec<Uuid> = cases.iter().map(|case| case.id).collect();
    let emergencies = emergency_cases(pool, &ids, &filter.emergency_fields).await?;
    // The cases with a digest, their history decoded from it; `None` holds their places.
    let mut digested = TeamRecords::default();
    let mut facts = Vec::with_capacity(rows.len());
    for (row, case) in rows.iter().zip(cases) {
        let emergency = emergencies.contains(&case.id);
        let digest: Option<Vec<u8>> = row.try_get("history_digest")?;
        if let Some(digest) = digest {
            crate::history_digest::decode_into(case.id, &digest, &mut digested)?;
            if emergency {
                digested.emergency.insert(case.id);
            }
            digested.cases.push(case);
            facts.push(None);
            continue;
        }
        let stage_since: Option<DateTime<Utc>> = row.try_get("stage_since")?;
        facts.push(Some(CaseTimelineFacts {
            stage_since: stage_since.unwrap_or(case.opened_at),
            emergency,
            last_contact: row.try_get("last_contact")?,
            planned_contact: row.try_get("planned_contact")?,
            approval_requested: row.try_get("approval_requested")?,
            id: case.id,
            case_number: case.case_number,
            case_type: case.case_type,
            stage: case.stage,
            assigned_to: case.assigned_to,
            intensity: case.intensity,
            opened_at: case.opened_at,
        }));
    }
    // Every case read is open here (the filter left the rest out), in the order read.
    let mut from_digests = digested.timelines(&BTreeSet::new()).into_iter();
    facts
        .into_iter()
        .map(|facts| {
            facts
                .or_else(|| from_digests.next())
                .ok_or_else(|| StoreError::Corrupt("a case's timeline from its digest".into()))
        })
        .collect()
}

/// Case ids an emergency-marking read names at a time: a deadline sweep's page
/// (`SWEEP_PAGE` in the server), so that each full page's read is one statement, kept
/// prepared ([`keep_prepared`]); with 1,000, every page of 500 was a short chunk, prepared
/// anew each time.
const CASES_A_MARK_READ: usize = 500;

/// Which of `cases` are marked an emergency (a `yes` in one of `fields`): each case's
/// dimensions found by their key. As an `EXISTS` beside each case's row, PostgreSQL hashed
/// every emergency mark of the instance for each page of a sweep (166,128 rows at a million
/// cases, 0.65 s a page of 2,000). Read apart from the cases' rows, a mark written or removed
/// between the two reads counts from the next sweep.
async fn emergency_cases(
    pool: &DbPool,
    cases: &[Uuid],
    fields: &[String],
) -> Result<BTreeSet<Uuid>> {
    let mut marked = BTreeSet::new();
    if fields.is_empty() {
        return Ok(marked);
    }
    for chunk in cases.chunks(CASES_A_MARK_READ) {
        let mut query = QueryBuilder::<Db>::new(
            "SELECT DISTINCT case_id FROM case_dimensions WHERE value = 'yes' AND field_id IN (",
        );
        let mut list = query.separated(", ");
        for field in fields {
            list.push_bind(field.as_str());
        }
        query.push(") AND case_id IN (");
        let mut list = query.separated(", ");
        for case in chunk {
            list.push_bind(*case);
        }
        query.push(")");
        let ids: Vec<Uuid> = query
            .build_query_scalar()
            .persistent(keep_prepared(chunk, CASES_A_MARK_READ))
            .fetch_all(pool)
            .await?;
        marked.extend(ids);
    }
    Ok(marked)
}
