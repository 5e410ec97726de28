//! The shipped configuration, for the tests that use it.

use caseward_domain::config::{Configuration, SourceFile, load};
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("config directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(SourceFile {
                name: path.strip_prefix(root).unwrap().display().to_string(),
                text: std::fs::read_to_string(&path).unwrap(),
            });
        }
    }
}

/// The files of `config/`, named by their path inside it.
#[allow(dead_code)] // not every test binary uses it
pub fn default_sources() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files
}

/// The configuration in `config/`, loaded as the binary loads it.
pub fn default_config() -> Configuration {
    let files = default_sources();
    match load(&files) {
        Ok(config) => config,
        Err(errors) => panic!("{errors}"),
    }
}
