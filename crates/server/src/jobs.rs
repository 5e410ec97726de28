//! Background work from the durable job queue. Every node runs [`run`]: it claims due jobs
//! (a claim skips those another node holds, under a lease), does them and marks them done, so
//! that each job runs on one node once, however many nodes share the database. The deadline
//! sweep is a periodic job: finishing one queues the next. A failed job is retried later,
//! with a growing delay.

use crate::deadline_sweep::sweep;
use crate::mailer::Mailer;
use crate::state::AppState;
use caseward_domain::deadlines::DeadlineKind;
use caseward_store::{Job, NewJob};
use chrono::{DateTime, Duration, Utc};
use std::str::FromStr;

/// Check every open case against the deadline rules (periodic).
pub const DEADLINE_SWEEP: &str = "deadline_sweep";
/// Email one alert to its recipient (`{"alert": id}`).
pub const ALERT_EMAIL: &str = "alert_email";

/// How long a claimed job stays a node's before another may take it.
const LEASE_MINUTES: i64 = 5;
/// Jobs claimed at once: one, so that the lease covers the job's own time only (a batch
/// waiting behind a slow SMTP server could outlive its lease and be taken again).
const BATCH: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("store: {0}")]
    Store(#[from] caseward_store::StoreError),
    #[error("{0}")]
    Api(String),
    #[error("mail: {0}")]
    Mail(#[from] crate::mailer::MailerError),
    #[error("bad payload")]
    Payload,
}

impl From<crate::problem::ApiError> for JobError {
    fn from(error: crate::problem::ApiError) -> Self {
        Self::Api(error.to_string())
    }
}

fn sweep_job(run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        id: caseward_domain::case::new_record_id(),
        kind: DEADLINE_SWEEP.into(),
        singleton: Some(DEADLINE_SWEEP.into()),
        payload: "{}".into(),
        run_at,
    }
}

/// Queue the deadline sweep unless it is queued already.
pub async fn ensure_scheduled(state: &AppState) -> Result<(), JobError> {
    state
        .store
        .schedule_job(sweep_job(state.clock.now()))
        .await?;
    Ok(())
}

/// What the periodic sweep does, now (on the state's clock); how many alerts were new.
pub async fn sweep_now(state: &AppState) -> Result<u32, JobError> {
    Ok(sweep(state, state.clock.now()).await?)
}

/// [`sweep_now`], reading `page` open cases at a time (tests show the paging).
pub async fn sweep_now_in_pages(state: &AppState, page: u32) -> Result<u32, JobError> {
    Ok(crate::deadline_sweep::sweep_in_pages(state, state.clock.now(), page).await?)
}

/// Claim and do the jobs due now, one at a time, until none is left; how many were done.
/// Tests call this with a manual clock.
pub async fn run_due(state: &AppState, mailer: Option<&Mailer>) -> Result<u32, JobError> {
    let node = &state.settings.node_name;
    let mut done = 0;
    loop {
        let now = state.clock.now();
        let claimed = state
            .store
            .claim_jobs(node, now, Duration::minutes(LEASE_MINUTES), BATCH)
            .await?;
        if claimed.is_empty() {
            return Ok(done);
        }
        for job in claimed {
            // Each job under the newest configuration this node knows.
            match perform(&state.current(), mailer, &job).await {
                Ok(next) => {
                    if state
                        .store
                        .finish_job(job.id, node, state.clock.now(), next)
                        .await?
                    {
                        done += 1;
                    }
                }
                Err(error) => {
                    // 1, 2, 4 ... minutes, then every 1,024 minutes (about 17 hours): a failed
                    // job waits, so the loop moves on.
                    let delay = Duration::minutes(1_i64 << job.attempts.clamp(0, 10));
                    tracing::warn!(kind = %job.kind, attempts = job.attempts + 1, %error, "job failed");
                    state
                        .store
                        .fail_job(job.id, node, &error.to_string(), state.clock.now() + delay)
                        .await?;
                }
            }
        }
    }
}

/// Do one job; the job to queue when it is done.
async fn perform(
    state: &AppState,
    mailer: Option<&Mailer>,
    job: &Job,
) -> Result<Option<NewJob>, JobError> {
    match job.kind.as_str() {
        DEADLINE_SWEEP => {
            let now = state.clock.now();
            let raised = sweep(state, now).await?;
            if raised > 0 {
                tracing::info!(raised, "deadline sweep raised alerts");
            }
            Ok(Some(sweep_job(
                now + state.settings.deadline_sweep_interval,
            )))
        }
        ALERT_EMAIL => {
            email_alert(state, mailer, job).await?;
            Ok(None)
        }
        crate::config_migration::CONFIG_MIGRATION => {
            crate::config_migration::perform(state, job).await
        }
        other => {
            tracing::warn!(kind = other, "unknown job kind; marked done");
            Ok(None)
        }
    }
}

async fn email_alert(state: &AppState, mailer: Option<&Mailer>, job: &Job) -> Result<(), JobError> {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).map_err(|_| JobError::Payload)?;
    let id = payload["alert"]
        .as_str()
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
        .ok_or(JobError::Payload)?;
    // A purged case's alerts are gone, an address may have been removed, and mail may have
    // been switched off since: nothing to send.
    let (Some(alert), Some(mailer)) = (state.store.alert(id).await?, mailer) else {
        return Ok(());
    };
    let Some(to) = state.store.notification_email(alert.recipient).await? else {
        return Ok(());
    };
    let kind = DeadlineKind::from_str(&alert.kind)
        .map(describe)
        .unwrap_or("a deadline passed");
    mailer
        .send_alert(&to, kind, alert.level == "escalation")
        .await?;
    Ok(())
}

/// A deadline kind in words, for an email.
fn describe(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::StageTooLong => "a case has stayed too long in its stage",
        DeadlineKind::FollowUpOverdue => "a follow-up contact is overdue",
        DeadlineKind::ReviewDue => "a case review is due",
        DeadlineKind::ApprovalPending => "a care plan waits for approval",
        DeadlineKind::TransferUnacknowledged => "a transfer waits for acknowledgement",
    }
}

/// Run background work until the task is dropped: queue the sweep, then claim and do due
/// jobs, waiting `job_poll_interval` when there were none.
pub async fn run(state: AppState) {
    let mailer = state
        .settings
        .smtp
        .as_ref()
        .and_then(|smtp| match Mailer::new(smtp) {
            Ok(mailer) => Some(mailer),
            Err(error) => {
                tracing::error!(%error, "alert emails are off");
                None
            }
        });
    if let Err(error) = ensure_scheduled(&state).await {
        tracing::error!(%error, "cannot queue the deadline sweep");
    }
    loop {
        // A version another node (or the command line) committed comes into force here.
        if let Err(error) = crate::config_versions::refresh(&state).await {
            tracing::error!(%error, "cannot take up the newest configuration version");
        }
        if let Err(error) = run_due(&state, mailer.as_ref()).await {
            tracing::error!(%error, "background work failed");
        }
        tokio::time::sleep(state.settings.job_poll_interval).await;
    }
}
