//! The migration a configuration change may need: when a field's classification, report
//! dimension or search flag changes, the values of existing cases stored in clear beside their
//! sealed content (report dimensions, blind-index search tokens) are recomputed under the new
//! configuration — a field no longer a dimension loses its clear values, a newly confidential
//! field its search tokens. A durable job per case type, a page of cases at a time in id order
//! (a cursor no update moves), each page recorded in the audit trail before it is read; the job
//! resumes after the last case of the page before after a restart.

use crate::jobs::JobError;
use crate::state::AppState;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::dimensions::report_dimensions;
use caseward_store::{Job, NewJob, Store};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// Recompute the clear-text data of a case type's cases (`{"case_type", "version", "after"}`,
/// `after` the last case id done, or null).
pub const CONFIG_MIGRATION: &str = "config_migration";

/// Cases migrated per job run.
const PAGE: u32 = 200;

fn page_job(case_type: &str, version: u32, after: Option<Uuid>, now: DateTime<Utc>) -> NewJob {
    NewJob {
        id: caseward_domain::case::new_record_id(),
        kind: CONFIG_MIGRATION.into(),
        singleton: None,
        payload: json!({ "case_type": case_type, "version": version, "after": after }).to_string(),
        run_at: now,
    }
}

/// Queue the migration of a case type's cases after configuration `version`.
pub async fn queue(
    store: &dyn Store,
    now: DateTime<Utc>,
    case_type: &str,
    version: u32,
) -> Result<(), caseward_store::StoreError> {
    store
        .schedule_job(page_job(case_type, version, None, now))
        .await?;
    Ok(())
}

/// Migrate one page of cases; the job for the next page, if there may be one.
pub async fn perform(state: &AppState, job: &Job) -> Result<Option<NewJob>, JobError> {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).map_err(|_| JobError::Payload)?;
    let (Some(type_id), Some(version)) =
        (payload["case_type"].as_str(), payload["version"].as_u64())
    else {
        return Err(JobError::Payload);
    };
    let after = match &payload["after"] {
        serde_json::Value::Null => None,
        value => Some(
            value
                .as_str()
                .and_then(|id| Uuid::parse_str(id).ok())
                .ok_or(JobError::Payload)?,
        ),
    };
    let config = state.config.clone();
    let Some(case_type) = config.case_type(type_id) else {
        return Ok(None); // the case type has gone since (it had no cases left)
    };
    let ids = state.store.case_ids_of_type(type_id, after, PAGE).await?;
    let Some(last) = ids.last().copied() else {
        return Ok(None);
    };
    let event = AuditEvent {
        fields: ids.iter().map(ToString::to_string).collect(),
        reason: Some(format!(
            "case type {type_id}: clear-text data recomputed for configuration version {version} \
             (in force: {})",
            config.version
        )),
        client: "server".into(),
        ..AuditEvent::new(None, AuditAction::ConfigurationMigrate)
    };
    state.audit.record(vec![event]).await?;
    let today = state.clock.now().date_naive();
    for id in &ids {
        let Some(case) = state.store.case_by_id(*id).await? else {
            continue;
        };
        let tokens = crate::search::case_tokens(state, case_type, &case.fields);
        let dimensions = report_dimensions(&config, case_type, &case.fields, today);
        state.store.reindex_case(*id, &tokens, &dimensions).await?;
    }
    tracing::info!(
        case_type = type_id,
        cases = ids.len(),
        "configuration migration"
    );
    let more = ids.len() == PAGE as usize;
    Ok(more.then(|| page_job(type_id, version as u32, Some(last), state.clock.now())))
}
