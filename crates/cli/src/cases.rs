//! `caseward case`: purging a case (crypto-shredding) with its journal, and `caseward dev seed`.
//!
//! The shred journal is a file beside the keyring, outside the database and its backups: one
//! line per purged case. Restoring an older backup would bring a purged case back; applying
//! the journal (`case apply-shreds`, and every `serve` at start) purges it again.

use crate::serve::open_keyed;
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::clock::{Clock, SystemClock};
use caseward_store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the shred journal is: beside the keyring, `KEYRING.shreds`.
pub fn journal_path(settings: &Settings) -> PathBuf {
    let mut name = settings.keyring_path().into_os_string();
    name.push(".shreds");
    PathBuf::from(name)
}

/// The case ids in a journal (none when it does not exist yet); errors name the line.
fn read_journal(path: &Path) -> Result<Vec<uuid::Uuid>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(error).with_context(|| format!("{}: cannot read", path.display()));
        }
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            let id = line.split_whitespace().next().unwrap_or_default();
            uuid::Uuid::parse_str(id).map_err(|_| {
                anyhow::anyhow!(
                    "{}:{}: not a case id at the start of the line",
                    path.display(),
                    index + 1
                )
            })
        })
        .collect()
}

fn append_journal(path: &Path, case: uuid::Uuid) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("{}: cannot write the shred journal", path.display()))?;
    writeln!(file, "{case} {}", SystemClock.now().to_rfc3339())?;
    file.sync_all()?;
    Ok(())
}

fn purge_event(case: uuid::Uuid, reason: &str) -> AuditEvent {
    AuditEvent {
        case_id: Some(case),
        reason: Some(reason.to_string()),
        client: "cli".into(),
        ..AuditEvent::new(None, AuditAction::CasePurge)
    }
}

/// `caseward case purge ID --reason TEXT`: journal first, then destroy the case.
pub async fn purge(settings: &Settings, case: &str, reason: &str) -> Result<()> {
    let Ok(case) = uuid::Uuid::parse_str(case) else {
        bail!("ID: not a case id (a UUID)");
    };
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        bail!("--reason: give a reason of at most 500 characters");
    }
    let (store, _) = open_keyed(settings).await?;
    if let Some((number, when)) = store.case_purged(case).await? {
        bail!("case {number} was purged already, on {when}");
    }
    if store.case_by_id(case).await?.is_none() {
        bail!("ID: no such case");
    }
    let journal = journal_path(settings);
    append_journal(&journal, case)?;
    store
        .purge_case(
            case,
            reason,
            &[purge_event(case, reason)],
            SystemClock.now(),
        )
        .await?;
    println!(
        "Purged case {case}: its data key is destroyed; only a tombstone and the audit trail remain. Recorded in {} (keep it with the keyring, apart from the backups).",
        journal.display()
    );
    Ok(())
}

/// Purge again every case of the journal that a restored backup brought back; returns how
/// many.
pub async fn apply_journal(settings: &Settings, store: &Arc<dyn Store>) -> Result<usize> {
    let mut purged = 0;
    for case in read_journal(&journal_path(settings))? {
        let reason = "purged before; restored from a backup and purged again";
        if store
            .purge_case(
                case,
                reason,
                &[purge_event(case, reason)],
                SystemClock.now(),
            )
            .await?
        {
            purged += 1;
        }
    }
    Ok(purged)
}

/// `caseward case apply-shreds`.
pub async fn apply_shreds(settings: &Settings) -> Result<()> {
    let (store, _) = open_keyed(settings).await?;
    let purged = apply_journal(settings, &store).await?;
    println!(
        "Applied the shred journal {}: {purged} restored cases purged again.",
        journal_path(settings).display()
    );
    Ok(())
}

/// `caseward dev seed --cases N [--batch B] [--seed S] [--workers W --password-stdin]`:
/// synthetic cases with their history for the instance's case workers (first made, with their
/// supervisors and teams, when `--workers` asks), then the database's raw batched insert rate
/// for comparison.
pub async fn seed(settings: &Settings, options: SeedOptions) -> Result<()> {
    use caseward_domain::clock::{Clock, SystemClock};
    let SeedOptions {
        cases,
        batch,
        seed,
        workers,
        password,
    } = options;
    let (store, keyring) = open_keyed(settings).await?;
    let config = crate::configuration::active_configuration(settings, store.as_ref()).await?;
    if let Some(workers) = workers {
        let Some(password) = password else {
            bail!("--workers: the new users need a password: give it with --password-stdin");
        };
        if let Err(error) = caseward_domain::user::check_new_password(password.char_count()) {
            bail!("--password-stdin: {error}");
        }
        let hasher = crate::serve::password_hasher(settings)?;
        let hash = tokio::task::spawn_blocking(move || hasher.hash(&password)).await??;
        crate::seed_staff::ensure_staff(&store, workers, &hash).await?;
    }
    let holders = crate::seed_staff::holders(&store, &config).await?;
    if holders.is_empty() {
        bail!("no user who works with cases: add one with `caseward user add`, or give --workers");
    }
    let plan = crate::seed::SeedPlan {
        cases,
        batch,
        seed,
        progress: true,
    };
    let size_before = store.storage_bytes().await?;
    let report = crate::seed::seed_cases(
        Arc::new(config),
        keyring,
        &store,
        holders,
        plan,
        SystemClock.now(),
    )
    .await?;
    let grown = store.storage_bytes().await?.saturating_sub(size_before);
    // Not timed: the planner's statistics, which a bulk load leaves behind the data.
    store.refresh_statistics().await?;
    let seconds = report.elapsed.as_secs_f64().max(1e-9);
    println!(
        "Created {} synthetic cases with their history in {seconds:.1} s: {:.0} cases a second; {} rows ({:.0} a second), the database grew {:.1} MB ({:.1} MB a second); batches of {batch}.",
        report.made,
        report.per_second(),
        report.rows,
        report.rows_per_second(),
        grown as f64 / 1e6,
        grown as f64 / 1e6 / seconds,
    );
    // The same database's raw rate, in the same run: rows of a sealed case's size, one
    // statement a row.
    let rows = cases.clamp(1_000, 20_000);
    let raw = store.measure_batched_inserts(rows, batch).await?;
    let raw_seconds = raw.elapsed.as_secs_f64().max(1e-9);
    let raw_rows = f64::from(rows) / raw_seconds;
    let raw_bytes = raw.bytes as f64 / raw_seconds;
    println!(
        "Raw batched inserts ({rows} rows of 1,500 bytes, batches of {batch}): {raw_rows:.0} rows a second, the database growing {:.1} MB a second. The seeder reaches {:.1} % of it in cases, {:.0} % in rows and {:.0} % in bytes.",
        raw_bytes / 1e6,
        100.0 * report.per_second() / raw_rows,
        100.0 * report.rows_per_second() / raw_rows,
        100.0 * (grown as f64 / seconds) / raw_bytes.max(1e-9),
    );
    Ok(())
}

/// `caseward dev baseline`: the database's raw insert rate, for the figures other rates are
/// compared with in the same run (single-row durable inserts with `--batch 1`).
pub async fn baseline(settings: &Settings, rows: u32, batch: u32) -> Result<()> {
    let store = crate::serve::open_store(settings, false).await?;
    let raw = store.measure_batched_inserts(rows, batch).await?;
    let seconds = raw.elapsed.as_secs_f64().max(1e-9);
    println!(
        "Raw inserts ({rows} rows of 1,500 bytes, {batch} a transaction): {:.0} rows a second, {:.1} MB a second.",
        f64::from(rows) / seconds,
        raw.bytes as f64 / 1e6 / seconds
    );
    Ok(())
}

/// What `caseward dev seed` was asked for.
#[derive(Debug)]
pub struct SeedOptions {
    pub cases: u32,
    pub batch: u32,
    pub seed: u64,
    /// Make `worker1`…`workerN` (and their supervisors and teams) first.
    pub workers: Option<u32>,
    pub password: Option<caseward_crypto::Password>,
}
