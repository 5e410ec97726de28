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
    let config = std::sync::Arc::new(active_configuration(settings, store.as_ref()).await?);
    let base = config_versions::newest(store.as_ref()).await?;
    let before = config_versions::base_configuration(&base, &config)?;
    let proposal = config_versions::propose(store.as_ref(), base, &before, files).await?;
    settle(
        store.as_ref(),
        &dir.display().to_string(),
        proposal,
        dry_run,
    )
    .await
}

/// Import an XLSForm workbook as `case_type`'s form (a new case type needs `code`).
pub async fn import_xlsform(
    settings: &Settings,
    file: &Path,
    case_type: &str,
    classification: &str,
    code: Option<&str>,
    dry_run: bool,
    accept_left_out: bool,
) -> Result<()> {
    let Some(classification) = caseward_domain::config::Classification::parse(classification)
    else {
        bail!("--classification: \"{classification}\" is not standard, restricted or confidential");
    };
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let workbook = caseward_server::xlsform::read_workbook(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let store = open_store(settings, false).await?;
    let config = active_configuration(settings, store.as_ref()).await?;
    let options = caseward_domain::xlsform::XlsFormOptions {
        case_type: case_type.into(),
        languages: config.languages.available.clone(),
        classification,
    };
    let form = caseward_domain::xlsform::convert(&workbook, &options).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| format!("  {}: {p}", file.display()))
            .collect();
        anyhow::anyhow!(
            "the workbook cannot be imported ({} problem{}), nothing was imported:\n{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            lines.join("\n")
        )
    })?;
    for skipped in &form.skipped {
        println!("Left out: {}: {skipped}", file.display());
    }
    for notice in &form.notices {
        println!("Filled in: {}: {notice}", file.display());
    }
    if !dry_run && !accept_left_out && !form.skipped.is_empty() {
        bail!(
            "{} construct{} of {} do{} not map (listed above), nothing was imported: \
             --accept-left-out imports the rest",
            form.skipped.len(),
            if form.skipped.len() == 1 { "" } else { "s" },
            file.display(),
            if form.skipped.len() == 1 { "es" } else { "" }
        );
    }
    let base = config_versions::newest(store.as_ref()).await?;
    let before = config_versions::base_configuration(&base, &std::sync::Arc::new(config))?;
    let edits = caseward_server::xlsform::changes(&before, &form, case_type, code)
        .map_err(|errors| anyhow::anyhow!("{}", lines_of(&errors).join("\n")))?;
    let files = caseward_server::config_edit::apply(&base.files, &edits)
        .map_err(|errors| anyhow::anyhow!("{}", lines_of(&errors).join("\n")))?;
    let proposal = config_versions::propose(store.as_ref(), base, &before, files).await?;
    settle(
        store.as_ref(),
        &file.display().to_string(),
        proposal,
        dry_run,
    )
    .await
}

fn lines_of(errors: &[caseward_domain::validate::FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("  {}: {}", e.field, e.message))
        .collect()
}

/// Print a proposal's changes and problems; store it unless `dry_run` or a problem.
async fn settle(
    store: &dyn caseward_store::Store,
    from: &str,
    proposal: config_versions::Proposal,
    dry_run: bool,
) -> Result<()> {
    let version = proposal.base.summary.version;
    if proposal.changes.is_empty() {
        println!("{from}: nothing changes from version {version}.");
    } else {
        println!(
            "Changes from version {version} ({}):",
            proposal.changes.len()
        );
        for change in &proposal.changes {
            println!("  {change}");
        }
    }
    match &proposal.verdict {
        Err(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("  {from}/{}: {}", e.field, e.message))
                .collect();
            bail!(
                "the configuration from {from} has {} problem{}, nothing was imported:\n{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                lines.join("\n")
            );
        }
        Ok(judged) => {
            for case_type in &judged.evolution.reindex {
                println!(
                    "  The stored clear-text data of {case_type} cases will be recomputed (a background job)."
                );
            }
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
        store,
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
        "Imported {from} as configuration version {}; running servers put it in force within their job poll interval.",
        summary.version
    );
    Ok(())
}
