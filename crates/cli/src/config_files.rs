//! `caseward config export DIR` and `caseward config import DIR [--dry-run]`: the instance's
//! configuration as files in the `config/` format, so that an office without a network can be
//! configured from a folder carried to it, and a folder kept under version control.

use crate::configuration::{active_configuration, empty_target, folder_sources};
use crate::serve::open_store;
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::clock::{Clock, SystemClock};
use caseward_server::config_versions::{self, Provenance};
use caseward_store::ConfigSource;
use std::path::Path;

/// Write a version's files (default: the newest) into `dir`, which must be new or empty.
pub async fn export(settings: &Settings, dir: &Path, version: Option<u32>) -> Result<()> {
    empty_target(dir)?;
    let store = open_store(settings, false).await?;
    active_configuration(settings, store.as_ref()).await?;
    let Some(record) = store.config_version(version).await? else {
        bail!(
            "--version: there is no configuration version {}",
            version.unwrap_or_default()
        );
    };
    for file in &record.files {
        let path = dir.join(&file.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create", parent.display()))?;
        }
        std::fs::write(&path, &file.text)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    println!(
        "Exported configuration version {} ({} files) to {}.",
        record.summary.version,
        record.files.len(),
        dir.display()
    );
    Ok(())
}

/// Judge the folder as the next version; print its changes and every problem; store it
/// unless `dry_run` (or a problem).
pub async fn import(settings: &Settings, dir: &Path, dry_run: bool) -> Result<()> {
    let files = folder_sources(dir)?;
    let store = open_store(settings, false).await?;
    active_configuration(settings, store.as_ref()).await?;
    let base = config_versions::newest(store.as_ref()).await?;
    let from = base.summary.version;
    let proposal = config_versions::propose(store.as_ref(), base, files).await?;
    if proposal.changes.is_empty() {
        println!("{}: nothing changes from version {from}.", dir.display());
    } else {
        println!("Changes from version {from} ({}):", proposal.changes.len());
        for change in &proposal.changes {
            println!("  {change}");
        }
    }
    if let Err(errors) = &proposal.verdict {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}/{}: {}", dir.display(), e.field, e.message))
            .collect();
        bail!(
            "the configuration in {} has {} problem{}, nothing was imported:\n{}",
            dir.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            lines.join("\n")
        );
    }
    if let Ok(judged) = &proposal.verdict {
        for case_type in &judged.evolution.reindex {
            println!(
                "  The stored clear-text data of {case_type} cases will be recomputed (a background job)."
            );
        }
    }
    if dry_run {
        println!("Dry run: nothing was imported.");
        return Ok(());
    }
    if proposal.changes.is_empty() {
        return Ok(());
    }
    let (summary, _) = config_versions::record(
        store.as_ref(),
        SystemClock.now(),
        proposal,
        Provenance {
            source: ConfigSource::Import,
            restored_from: None,
            author: None,
            event: AuditEvent {
                client: "cli".into(),
                ..AuditEvent::new(None, AuditAction::ConfigurationChange)
            },
        },
    )
    .await
    .context("cannot store the new version (another may have been stored meanwhile: run again)")?;
    println!(
        "Imported {} as configuration version {}; running servers put it in force within their job poll interval.",
        dir.display(),
        summary.version
    );
    Ok(())
}
