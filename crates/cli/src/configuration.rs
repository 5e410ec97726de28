//! Where the case configuration comes from. The database holds every version, and the newest
//! is in force; the files — the default built into the binary (`config/` of the source tree),
//! or a folder named by `config_dir` — only configure an instance that has no version yet.
//! `caseward config import` makes a folder the newest version, `config export` writes one out.

use anyhow::{Context, Result, bail};
use caseward_domain::clock::{Clock, SystemClock};
use caseward_domain::config::{Configuration, SourceFile};
use caseward_store::Store;
use rust_embed::RustEmbed;
use std::path::{Path, PathBuf};

use crate::settings::Settings;

#[derive(RustEmbed)]
#[folder = "../../config"]
struct DefaultConfiguration;

/// The built-in default configuration's files, named by their path inside `config/`.
pub fn default_sources() -> Vec<SourceFile> {
    let mut names: Vec<_> = DefaultConfiguration::iter()
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let file = DefaultConfiguration::get(&name)?;
            Some(SourceFile {
                name: name.to_string(),
                text: String::from_utf8_lossy(&file.data).into_owned(),
            })
        })
        .collect()
}

/// Every `.toml` file below `dir`, in a stable order, named by its path inside `dir` (with
/// `/` between folders, whatever the system).
pub fn folder_sources(dir: &Path) -> Result<Vec<SourceFile>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("{}: cannot read the configuration folder", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths)?;
    let mut files = paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Ok(SourceFile { name, text })
        })
        .collect::<Result<Vec<_>>>()?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// The files an instance without a configuration version starts from.
pub fn seed_sources(dir: Option<&Path>) -> Result<Vec<SourceFile>> {
    match dir {
        Some(dir) => folder_sources(dir),
        None => Ok(default_sources()),
    }
}

/// The configuration in force: the database's newest version, or the files stored as the
/// first version. A `config_dir` that differs from the version in force is only reported.
pub async fn active_configuration(settings: &Settings, store: &dyn Store) -> Result<Configuration> {
    let seed = seed_sources(settings.config_dir.as_deref())?;
    let seed_fingerprint = caseward_server::config_versions::fingerprint(&seed);
    let (config, summary) =
        caseward_server::config_versions::activate(store, seed, SystemClock.now())
            .await
            .context("the configuration")?;
    if let Some(dir) = &settings.config_dir
        && summary.fingerprint != seed_fingerprint
    {
        tracing::warn!(
            version = summary.version,
            "the configuration folder {} differs from the version in force; `caseward config import` makes it the newest version",
            dir.display()
        );
    }
    Ok(config)
}

/// Check that `dir` may receive an export: absent, or an empty folder.
pub fn empty_target(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("{}: cannot read", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{}: the folder is not empty; export into a new folder",
                dir.display()
            );
        }
    }
    Ok(())
}
