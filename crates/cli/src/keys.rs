//! The keyring file: created with the instance, read at every start, checked against what the
//! database remembers of it, and copied by `caseward keys backup`.

use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use caseward_crypto::Keyring;
use caseward_domain::clock::{Clock, SystemClock};
use caseward_store::Store;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Write `keyring` to a new file that only its owner can read; never overwrite one.
fn write_new(path: &Path, keyring: &Keyring) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| {
        format!(
            "{}: cannot create the keyring (does it exist already?)",
            path.display()
        )
    })?;
    file.write_all(keyring.to_toml().as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Create the keyring of a new instance and tell the database which keys it holds.
pub async fn create(settings: &Settings, store: &Arc<dyn Store>) -> Result<Keyring> {
    let path = settings.keyring_path();
    let keyring = Keyring::generate(&mut rand::rngs::OsRng);
    write_new(&path, &keyring)?;
    store
        .add_keyring_checks(&keyring.checks(), SystemClock.now())
        .await?;
    Ok(keyring)
}

/// Read the keyring and check that it is this instance's: every key the database knows must
/// be in it, unchanged. A missing or wrong keyring stops the caller with a clear message.
pub async fn load(settings: &Settings, store: &Arc<dyn Store>) -> Result<Keyring> {
    let path = settings.keyring_path();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "keyring: there is no keyring at {}. Every case is encrypted with its keys: restore \
             it from your keyring backup, or point --keyring (CASEWARD_KEYRING) at it. An \
             instance created before keyrings existed gets one with `caseward keys init`.",
            path.display()
        ),
        Err(error) => {
            return Err(error).with_context(|| format!("{}: cannot read", path.display()));
        }
    };
    let keyring = Keyring::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let known = store.keyring_checks().await?;
    if known.is_empty() {
        bail!(
            "keyring: the database does not know the keyring at {}; run `caseward keys init` \
             if this instance has never had one",
            path.display()
        );
    }
    let ours = keyring.checks();
    for (key_id, check) in &known {
        match ours.iter().find(|(id, _)| id == key_id) {
            Some((_, value)) if value == check => {}
            Some(_) => bail!(
                "keyring: {} is not this instance's keyring (its key {key_id} differs from the \
                 one the database was created with)",
                path.display()
            ),
            None => bail!(
                "keyring: {} lacks key {key_id}, which this instance uses; restore the keyring \
                 from its latest backup",
                path.display()
            ),
        }
    }
    // Keys added by a rotation become known to the database.
    store.add_keyring_checks(&ours, SystemClock.now()).await?;
    Ok(keyring)
}

/// `caseward keys init`: give a keyring to an instance that has none.
pub async fn init(settings: &Settings) -> Result<()> {
    let store = crate::serve::open_store(settings, false).await?;
    if !store.keyring_checks().await?.is_empty() {
        bail!("keyring: this instance has a keyring already; restore it rather than make another");
    }
    create(settings, &store).await?;
    println!(
        "Created the keyring {}. Back it up now (`caseward keys backup FILE`): losing it loses the data.",
        settings.keyring_path().display()
    );
    Ok(())
}

/// `caseward keys backup FILE`: copy the keyring (after checking it is this instance's).
pub async fn backup(settings: &Settings, to: &Path) -> Result<()> {
    let store = crate::serve::open_store(settings, false).await?;
    let keyring = load(settings, &store).await?;
    write_new(to, &keyring)?;
    println!(
        "Copied the keyring to {}. Keep it apart from the database and its backups: whoever holds both reads every case.",
        to.display()
    );
    Ok(())
}

/// Replace the keyring file with `keyring`, atomically: a reader sees the old file or the new
/// one, never half of either.
fn replace(path: &Path, keyring: &Keyring) -> Result<()> {
    let mut next = path.as_os_str().to_owned();
    next.push(".next");
    let next = std::path::PathBuf::from(next);
    let _ = std::fs::remove_file(&next);
    write_new(&next, keyring)?;
    std::fs::rename(&next, path)
        .with_context(|| format!("{}: cannot replace the keyring", path.display()))?;
    Ok(())
}

/// `caseward keys rotate`: add a new master key and rewrap every case's data key with it, in
/// batches, while the server runs. Killed midway, it resumes where it stopped when run again.
pub async fn rotate(settings: &Settings, batch: u32) -> Result<()> {
    let (mut store, keyring) = crate::serve::open_keyed(settings).await?;
    let current = keyring.current_master().id();
    let pending: i64 = store
        .case_keys_by_master()
        .await?
        .iter()
        .filter(|(id, _)| *id != current)
        .map(|(_, count)| count)
        .sum();
    let target = if pending == 0 {
        let path = settings.keyring_path();
        let mut next = keyring_from(&path)?;
        let id = next.add_master_key(&mut rand::rngs::OsRng);
        replace(&path, &next)?;
        store
            .add_keyring_checks(&next.checks(), SystemClock.now())
            .await?;
        println!("Added master key {id} to {}.", path.display());
        store = crate::serve::open_keyed(settings).await?.0;
        id
    } else {
        println!(
            "Resuming the rotation: {pending} data keys are still wrapped by older master keys."
        );
        current
    };
    let mut total = 0u64;
    loop {
        let done = store.rewrap_case_keys(batch).await?;
        if done == 0 {
            break;
        }
        total += u64::from(done);
        println!("Rewrapped {total} data keys.");
    }
    println!(
        "Every data key is wrapped by master key {target}. Back up the keyring again now (`caseward keys backup FILE`); keep the older keys in it."
    );
    Ok(())
}

fn keyring_from(path: &Path) -> Result<Keyring> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    Keyring::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// `caseward keys verify`: open every case with the keyring (its data key unwrapped, its
/// content decrypted) and say which master keys wrap the data keys. Cases that do not open are
/// named by their numbers, never their content.
pub async fn verify(settings: &Settings) -> Result<()> {
    let (store, _) = crate::serve::open_keyed(settings).await?;
    let mut opened = 0u64;
    let mut failed = Vec::new();
    for (id, number) in crate::reindex::all_cases(&store).await? {
        match store.case_by_id(id).await {
            Ok(Some(_)) => opened += 1,
            Ok(None) => {}
            Err(error) => failed.push(format!("{number}: {error}")),
        }
    }
    let by_master = store.case_keys_by_master().await?;
    let wraps = if by_master.is_empty() {
        "none".to_string()
    } else {
        by_master
            .iter()
            .map(|(id, count)| format!("master key {id}: {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("{opened} cases open with this keyring. Data keys by master key: {wraps}.");
    if failed.is_empty() {
        Ok(())
    } else {
        for line in &failed {
            eprintln!("does not open: {line}");
        }
        anyhow::bail!("{} cases do not open with this keyring", failed.len())
    }
}
