//! Where the case configuration comes from: the default built into the binary (`config/` of
//! the source tree), or a folder named by `config_dir`.

use anyhow::{Context, Result};
use caseward_domain::config::{Configuration, SourceFile, load};
use rust_embed::RustEmbed;
use std::path::{Path, PathBuf};

#[derive(RustEmbed)]
#[folder = "../../config"]
struct DefaultConfiguration;

/// The built-in default configuration's files.
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
                name: format!("(built-in) config/{name}"),
                text: String::from_utf8_lossy(&file.data).into_owned(),
            })
        })
        .collect()
}

/// Every `.toml` file below `dir`, in a stable order, named by its path.
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
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            Ok(SourceFile {
                name: path.display().to_string(),
                text,
            })
        })
        .collect()
}

/// Load and validate the configuration; every problem is listed with file, line and key.
pub fn load_configuration(dir: Option<&Path>) -> Result<Configuration> {
    Ok(load_with_fingerprint(dir)?.0)
}

/// The configuration and its fingerprint: SHA-256 over every file's name and text, so that
/// any change to the configuration a server runs with shows in the audit trail.
pub fn load_with_fingerprint(dir: Option<&Path>) -> Result<(Configuration, String)> {
    let sources = match dir {
        Some(dir) => folder_sources(dir)?,
        None => default_sources(),
    };
    let config = load(&sources).map_err(|errors| anyhow::anyhow!("{errors}"))?;
    Ok((config, fingerprint(&sources)))
}

fn fingerprint(sources: &[SourceFile]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for source in sources {
        for part in [source.name.as_bytes(), source.text.as_bytes()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
    }
    caseward_crypto::audit_chain::hex(&hash.finalize())
}
