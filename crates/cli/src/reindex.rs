//! `caseward case reindex`: bring every case's stored derivatives up to date — its search
//! tokens and report dimensions as the configuration now declares them, its history digest
//! (what the dashboard reads), and the free texts of its history sealed if they were written
//! in clear by an older version. Run after an upgrade
//! or a change to which fields are searchable or report dimensions. Each case in its own
//! transaction; run again after an interruption.

use crate::serve::open_keyed;
use crate::settings::Settings;
use anyhow::{Context, Result};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::clock::{Clock, SystemClock};
use caseward_domain::dimensions::report_dimensions;
use caseward_store::Store;
use std::sync::Arc;

/// Every case's id and number, in pages.
pub async fn all_cases(store: &Arc<dyn Store>) -> Result<Vec<(uuid::Uuid, String)>> {
    const PAGE: u32 = 500;
    let mut cases = Vec::new();
    for page in 1.. {
        let found = store
            .list_cases(&caseward_store::CaseFilter {
                page,
                per_page: PAGE,
                ..Default::default()
            })
            .await?;
        let done = found.items.len() < PAGE as usize;
        cases.extend(found.items.into_iter().map(|c| (c.id, c.case_number)));
        if done {
            break;
        }
    }
    Ok(cases)
}

pub async fn reindex(settings: &Settings) -> Result<()> {
    let (store, keyring) = open_keyed(settings).await?;
    let config = crate::configuration::active_configuration(settings, store.as_ref()).await?;
    let cases = all_cases(&store).await?;
    let (mut done, mut sealed) = (0usize, 0u32);
    for batch in cases.chunks(500) {
        // The command reads every case's content: recorded, a batch of case ids an entry.
        let event = AuditEvent {
            fields: batch.iter().map(|(id, _)| id.to_string()).collect(),
            reason: Some("derived search tokens and report dimensions brought up to date".into()),
            client: "cli".into(),
            ..AuditEvent::new(None, AuditAction::CaseReindex)
        };
        store
            .append_audit(vec![event], SystemClock.now())
            .await
            .context("cannot record the reindex in the audit trail")?;
        for (id, number) in batch {
            let Some(case) = store.case_by_id(*id).await? else {
                continue;
            };
            let case_type = config
                .case_type(&case.summary.case_type)
                .with_context(|| format!("{number}: its case type is not in the configuration"))?;
            let tokens = caseward_server::search_tokens(&keyring, case_type, &case.fields);
            let dimensions = report_dimensions(
                &config,
                case_type,
                &case.fields,
                SystemClock.now().date_naive(),
            );
            sealed += store
                .reindex_case(*id, &tokens, &dimensions)
                .await
                .with_context(|| format!("{number}: cannot reindex"))?;
            done += 1;
        }
        println!("Reindexed {done} of {} cases.", cases.len());
    }
    println!("Reindexed {done} cases; sealed {sealed} texts written in clear by an older version.");
    Ok(())
}
