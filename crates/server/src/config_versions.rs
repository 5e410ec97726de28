//! Configuration versions as use cases: the version an instance starts with, a proposed new
//! one judged (every file loads, nothing cases may hold disappears) and its changes listed,
//! then committed with its audit entry and put in force on this node; other nodes take it up
//! when they next poll ([`refresh`]). A change that alters which values of existing cases are
//! stored in clear queues a migration of each case type concerned (`config_migration`).

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use caseward_domain::audit::AuditEvent;
use caseward_domain::config::{
    ConfigErrors, Configuration, Evolution, SourceFile, Usage, check_evolution, diff, load,
};
use caseward_domain::validate::FieldError;
use caseward_store::{
    ConfigSource, ConfigVersionRecord, ConfigVersionSummary, NewConfigVersion, Store, StoreError,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// At most this many files, each at most `MAX_FILE_BYTES`.
pub const MAX_FILES: usize = 200;
pub const MAX_FILE_BYTES: usize = 512 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The stored (or seed) configuration does not load with this binary.
    #[error("configuration version {version}: {errors}")]
    Invalid { version: u32, errors: ConfigErrors },
}

/// SHA-256 over every file's name and text, so that any change shows in the audit trail.
pub fn fingerprint(files: &[SourceFile]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for file in files {
        for part in [file.name.as_bytes(), file.text.as_bytes()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
    }
    caseward_crypto::audit_chain::hex(&hash.finalize())
}

/// A stored version's configuration, numbered as stored.
pub fn configuration_of(record: &ConfigVersionRecord) -> Result<Configuration, ActivateError> {
    let version = record.summary.version;
    let mut config =
        load(&record.files).map_err(|errors| ActivateError::Invalid { version, errors })?;
    config.version = version;
    Ok(config)
}

/// The configuration in force: the newest stored version, or, for an instance that has none
/// yet, `seed` stored as its first version (numbered as its `[instance] version`, default 1).
pub async fn activate(
    store: &dyn Store,
    seed: Vec<SourceFile>,
    now: DateTime<Utc>,
) -> Result<(Configuration, ConfigVersionSummary), ActivateError> {
    if let Some(record) = store.config_version(None).await? {
        return Ok((configuration_of(&record)?, record.summary));
    }
    let names = check_names(&seed);
    if !names.is_empty() {
        let errors = names
            .into_iter()
            .map(|e| caseward_domain::config::ConfigError {
                file: "(configuration folder)".into(),
                line: None,
                key: e.field,
                problem: e.message,
            })
            .collect();
        return Err(ActivateError::Invalid {
            version: 1,
            errors: ConfigErrors(errors),
        });
    }
    let config = load(&seed).map_err(|errors| ActivateError::Invalid { version: 1, errors })?;
    let first = NewConfigVersion {
        version: config.version,
        previous: None,
        source: ConfigSource::Initial,
        restored_from: None,
        author: None,
        fingerprint: fingerprint(&seed),
        changes: Vec::new(),
        files: seed,
        audit: Vec::new(),
        now,
    };
    match store.add_config_version(first).await {
        Ok(summary) => Ok((config, summary)),
        // Another node stored the first version meanwhile: take theirs.
        Err(StoreError::Conflict { .. }) => {
            let record = store
                .config_version(None)
                .await?
                .ok_or(StoreError::NotFound)?;
            Ok((configuration_of(&record)?, record.summary))
        }
        Err(other) => Err(other.into()),
    }
}

/// Put the newest stored version in force on this node if it is not yet; whether it was new.
pub async fn refresh(state: &AppState) -> Result<bool, ActivateError> {
    let newest = state.store.newest_config_version().await?;
    let current = state.current().config.version;
    match newest {
        Some(newest) if newest > current => {
            let record = state
                .store
                .config_version(Some(newest))
                .await?
                .ok_or(StoreError::NotFound)?;
            state.install(configuration_of(&record)?);
            tracing::info!(version = newest, "configuration version put in force");
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// File names as a configuration folder holds them: relative paths of lower-case words,
/// ending in `.toml`.
fn check_names(files: &[SourceFile]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if files.is_empty() || files.len() > MAX_FILES {
        errors.push(FieldError::new(
            "files",
            "out_of_range",
            format!("between 1 and {MAX_FILES} files"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, file) in files.iter().enumerate() {
        let good_segment = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        };
        let stem = file.name.strip_suffix(".toml");
        let valid = stem
            .is_some_and(|stem| stem.split('/').count() <= 3 && stem.split('/').all(good_segment));
        if !valid {
            errors.push(FieldError::new(
                format!("files[{i}].name"),
                "invalid",
                format!(
                    "\"{}\" is not a relative path of lower-case words (a-z, 0-9, _ and -) \
                     separated by /, ending in .toml",
                    file.name
                ),
            ));
        } else if !seen.insert(file.name.as_str()) {
            errors.push(FieldError::new(
                format!("files[{i}].name"),
                "duplicate",
                format!("\"{}\" is named twice", file.name),
            ));
        }
        if file.text.len() > MAX_FILE_BYTES {
            errors.push(FieldError::new(
                format!("files[{i}].text"),
                "too_long",
                format!("at most {MAX_FILE_BYTES} bytes"),
            ));
        }
    }
    errors
}

/// Configuration errors as a problem's failing fields: `file:line: key`.
pub fn config_field_errors(errors: &ConfigErrors) -> Vec<FieldError> {
    errors
        .0
        .iter()
        .map(|e| {
            let at = match e.line {
                Some(line) => format!("{}:{line}: {}", e.file, e.key),
                None => format!("{}: {}", e.file, e.key),
            };
            FieldError::new(at, "invalid_configuration", e.problem.clone())
        })
        .collect()
}

/// A new configuration judged against the newest stored version and the cases recorded.
pub struct Proposal {
    /// The version the proposal was judged against.
    pub base: ConfigVersionRecord,
    pub files: Vec<SourceFile>,
    /// `Ok`: it may be committed; `Err`: every reason it may not.
    pub verdict: Result<Judged, Vec<FieldError>>,
    /// The changes from the base, one line each (also for a refused proposal).
    pub changes: Vec<String>,
}

pub struct Judged {
    pub config: Configuration,
    pub evolution: Evolution,
}

/// The newest stored version (every running instance has one).
pub async fn newest(store: &dyn Store) -> ApiResult<ConfigVersionRecord> {
    store
        .config_version(None)
        .await?
        .ok_or_else(|| ApiError::Internal("no configuration version is stored".into()))
}

/// `base`'s configuration: `known` (the one in force) when it is that version, else loaded
/// from its files.
pub fn base_configuration(
    base: &ConfigVersionRecord,
    known: &std::sync::Arc<Configuration>,
) -> ApiResult<std::sync::Arc<Configuration>> {
    if known.version == base.summary.version {
        return Ok(known.clone());
    }
    configuration_of(base)
        .map(std::sync::Arc::new)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Judge `files` as the next version after `base`, whose configuration is `before`
/// ([`base_configuration`]).
pub async fn propose(
    store: &dyn Store,
    base: ConfigVersionRecord,
    before: &Configuration,
    files: Vec<SourceFile>,
) -> ApiResult<Proposal> {
    let changes = diff(&base.files, &files)
        .iter()
        .map(ToString::to_string)
        .collect();
    let names = check_names(&files);
    let verdict = if !names.is_empty() {
        Err(names)
    } else {
        match load(&files) {
            Err(errors) => Err(config_field_errors(&errors)),
            Ok(mut config) => {
                config.version = base.summary.version + 1;
                let mut usage = Usage::default();
                for (case_type, stage, n) in store.case_usage().await? {
                    usage.cases.insert((case_type, stage), n);
                }
                let evolution = check_evolution(before, &config, &usage);
                if evolution.errors.is_empty() {
                    Ok(Judged { config, evolution })
                } else {
                    Err(config_field_errors(&ConfigErrors(evolution.errors)))
                }
            }
        }
    };
    Ok(Proposal {
        base,
        files,
        verdict,
        changes,
    })
}

/// How a committed version came to be, and who made it.
pub struct Provenance {
    pub source: ConfigSource,
    pub restored_from: Option<u32>,
    pub author: Option<caseward_domain::user::UserId>,
    /// The audit event to record (its reason and fields are filled in here).
    pub event: AuditEvent,
}

/// Store an accepted proposal as the next version and queue the migrations it needs (the
/// command line's import; a running node takes the version up when it next polls).
/// `Validation` when it was refused, `Conflict` when another version came first.
pub async fn record(
    store: &dyn Store,
    now: DateTime<Utc>,
    proposal: Proposal,
    provenance: Provenance,
) -> ApiResult<(ConfigVersionSummary, Configuration)> {
    let judged = proposal.verdict.map_err(ApiError::Validation)?;
    let version = judged.config.version;
    let event = AuditEvent {
        reason: Some(format!(
            "configuration version {version} ({} change{})",
            proposal.changes.len(),
            if proposal.changes.len() == 1 { "" } else { "s" }
        )),
        fields: proposal
            .changes
            .iter()
            .filter_map(|c| c.split(": ").next())
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        ..provenance.event
    };
    let summary = store
        .add_config_version(NewConfigVersion {
            version,
            previous: Some(proposal.base.summary.version),
            source: provenance.source,
            restored_from: provenance.restored_from,
            author: provenance.author,
            fingerprint: fingerprint(&proposal.files),
            files: proposal.files,
            changes: proposal.changes,
            audit: vec![event],
            now,
        })
        .await?;
    for case_type in &judged.evolution.reindex {
        crate::config_migration::queue(store, now, case_type, version).await?;
    }
    tracing::info!(version, "configuration version committed");
    Ok((summary, judged.config))
}

/// [`record`], then put the version in force on this node at once.
pub async fn commit(
    state: &AppState,
    proposal: Proposal,
    provenance: Provenance,
) -> ApiResult<ConfigVersionSummary> {
    let (summary, config) = record(
        state.store.as_ref(),
        state.clock.now(),
        proposal,
        provenance,
    )
    .await?;
    state.install(config);
    Ok(summary)
}
