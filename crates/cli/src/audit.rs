//! `caseward audit`: verifying the trail, signing checkpoints, and exporting them to a file
//! the database administrator cannot rewrite.

use crate::serve::open_store;
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use caseward_crypto::audit_chain::{hex, unhex};
use caseward_domain::audit::AuditCheckpoint;
use caseward_domain::clock::{Clock, SystemClock};
use caseward_store::audit_verify::{checkpoint_head, verify_chain_against};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

const EXPORT_HEADER: &str = "# Caseward audit checkpoints: sequence, time, head hash, signing key, signature.\n\
# Keep this file where the database administrator cannot write; `caseward audit verify --against`\n\
# reads it. New checkpoints are appended; never edit it.\n";

fn checkpoint_line(c: &AuditCheckpoint) -> String {
    format!(
        "{} {} {} {} {}\n",
        c.seq,
        c.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        hex(&c.hash),
        c.key_id,
        hex(&c.signature)
    )
}

/// Read an export file; errors name the file and line.
fn read_export(path: &Path) -> Result<Vec<AuditCheckpoint>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the checkpoint file", path.display()))?;
    let mut checkpoints = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || {
            anyhow::anyhow!(
                "{}:{}: not a checkpoint line (sequence, time, hash, key, signature)",
                path.display(),
                index + 1
            )
        };
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [seq, at, hash, key_id, signature] = parts[..] else {
            return Err(bad());
        };
        checkpoints.push(AuditCheckpoint {
            seq: seq.parse().map_err(|_| bad())?,
            at: chrono::DateTime::parse_from_rfc3339(at)
                .map_err(|_| bad())?
                .with_timezone(&chrono::Utc),
            hash: unhex(hash)
                .and_then(|h| h.try_into().ok())
                .ok_or_else(bad)?,
            key_id: key_id.parse().map_err(|_| bad())?,
            signature: unhex(signature).ok_or_else(bad)?,
        });
    }
    Ok(checkpoints)
}

/// Verify the whole chain, its signed checkpoints, and those of an export file.
pub async fn verify(settings: &Settings, against: Option<&Path>) -> Result<()> {
    let store = open_store(settings, false).await?;
    let keyring = crate::keys::load(settings, &store).await?;
    let mut checkpoints = store.audit_checkpoints().await?;
    if let Some(path) = against {
        checkpoints.extend(read_export(path)?);
    }
    let key = keyring.signing_key().verifying_key();
    let started = Instant::now();
    let verification = verify_chain_against(store.as_ref(), &checkpoints, Some(&key)).await?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(broken) = &verification.first_break {
        bail!(
            "the audit trail is broken at entry {}: {broken} ({} earlier entries verified)",
            broken.seq(),
            verification.verified
        );
    }
    if let Some(broken) = &verification.checkpoint_break {
        bail!(
            "the audit trail is broken at entry {}: {broken}",
            broken.seq()
        );
    }
    let rate = verification.verified as f64 / seconds.max(1e-9);
    println!(
        "The audit trail is intact: {} entries verified in {seconds:.2} s ({rate:.0} per second), \
         {} signed checkpoints matched; head {}.",
        verification.verified, verification.checkpoints, verification.head_hash
    );
    Ok(())
}

/// Sign a checkpoint of the head now.
pub async fn checkpoint(settings: &Settings) -> Result<()> {
    let store = open_store(settings, false).await?;
    let keyring = crate::keys::load(settings, &store).await?;
    match checkpoint_head(store.as_ref(), keyring.signing_key(), SystemClock.now()).await? {
        Some(made) => println!("Signed a checkpoint at entry {}.", made.seq),
        None => println!("The head is checkpointed already (or the trail is empty)."),
    }
    Ok(())
}

/// Append the checkpoints that `file` lacks to it (creating it with its header).
pub async fn export_checkpoints(settings: &Settings, file: &Path) -> Result<()> {
    let store = open_store(settings, false).await?;
    let existing = if file.exists() {
        read_export(file)?
    } else {
        Vec::new()
    };
    let last = existing.iter().map(|c| c.seq).max().unwrap_or(0);
    let new: Vec<AuditCheckpoint> = store
        .audit_checkpoints()
        .await?
        .into_iter()
        .filter(|c| c.seq > last)
        .collect();
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("{}: cannot write", file.display()))?;
    if existing.is_empty() && std::fs::metadata(file)?.len() == 0 {
        out.write_all(EXPORT_HEADER.as_bytes())?;
    }
    for checkpoint in &new {
        out.write_all(checkpoint_line(checkpoint).as_bytes())?;
    }
    out.sync_all()?;
    println!(
        "Appended {} checkpoints to {} (up to entry {}).",
        new.len(),
        file.display(),
        new.last().map(|c| c.seq).unwrap_or(last)
    );
    Ok(())
}
