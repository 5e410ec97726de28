//! The operator commands: init, migrate, user add, config validate.

use crate::configuration::{active_configuration, default_sources, folder_sources};
use crate::serve::{open_store, password_hasher};
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use caseward_crypto::Password;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::clock::{Clock, SystemClock};
use caseward_domain::config::load;
use caseward_domain::user::{Role, check_new_password, check_username};
use caseward_store::{NewUser, StoreError, StoreLocation};
use std::io::BufRead;
use std::path::Path;

pub async fn init(settings: &Settings) -> Result<()> {
    if let StoreLocation::Sqlite(dir) = &settings.store
        && dir.join(caseward_store::sqlite::DATABASE_FILE).exists()
    {
        bail!("{} already holds a Caseward instance", dir.display());
    }
    let keyring = settings.keyring_path();
    if keyring.exists() {
        bail!(
            "keyring: {} exists already; a new instance gets a new keyring (move the old one \
             away, or point --keyring elsewhere)",
            keyring.display()
        );
    }
    let store = open_store(settings, true).await?;
    if !store.keyring_checks().await?.is_empty() {
        bail!("the {} already holds a Caseward instance", settings.store);
    }
    crate::keys::create(settings, &store).await?;
    println!(
        "Initialised a new Caseward instance in the {} ({} backend).",
        settings.store,
        store.backend()
    );
    println!(
        "Its keyring is {}: every case is encrypted with it, and losing it loses the data. \
         Back it up now, apart from the database (`caseward keys backup FILE`).",
        keyring.display()
    );
    println!("Next: add a user with `caseward user add`, then run `caseward serve`.");
    Ok(())
}

pub async fn migrate(settings: &Settings) -> Result<()> {
    let store = open_store(settings, false).await?;
    let report = store.migrate().await?;
    if report.applied.is_empty() {
        println!("The database is up to date.");
    } else {
        let applied: Vec<String> = report.applied.iter().map(|n| format!("{n:04}")).collect();
        println!("Applied migrations {}.", applied.join(", "));
    }
    Ok(())
}

/// Read a password: the first line of standard input, or a hidden prompt on a terminal.
pub(crate) fn read_password(from_stdin: bool) -> Result<Password> {
    let text = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    } else {
        rpassword::prompt_password("Password: ")
            .context("cannot read the password (use --password-stdin)")?
    };
    Ok(Password::new(text))
}

pub async fn add_user(
    settings: &Settings,
    username: &str,
    display_name: &str,
    role: &str,
    password_stdin: bool,
) -> Result<()> {
    check_username(username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 120 {
        bail!("--display-name: between 1 and 120 characters");
    }
    let store = open_store(settings, false).await?;
    let roles = active_configuration(settings, store.as_ref()).await?.roles;
    let Some(role) = Role::parse(role).filter(|r| roles.get(r).is_some()) else {
        let known: Vec<_> = roles.iter().map(|d| d.role.as_str()).collect();
        bail!(
            "--role: unknown role \"{role}\" (expected one of {})",
            known.join(", ")
        );
    };
    let password = read_password(password_stdin)?;
    check_new_password(password.char_count()).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    if caseward_crypto::is_common_password(&password)
        || password.expose().eq_ignore_ascii_case(username)
    {
        bail!("password: this password is too common or too easy to guess");
    }
    let hasher = password_hasher(settings)?;
    let hash = tokio::task::spawn_blocking(move || hasher.hash(&password)).await??;
    let id = uuid::Uuid::now_v7();
    let user = store
        .create_user(NewUser {
            id,
            username: username.into(),
            display_name: display_name.into(),
            role,
            agency: None,
            password_hash: hash,
            // Recorded like an administrator's change through the API, by the command line.
            audit: vec![AuditEvent {
                subject: Some(id),
                fields: vec!["username".into(), "display_name".into(), "role".into()],
                client: "cli".into(),
                ..AuditEvent::new(None, AuditAction::UserCreate)
            }],
            now: SystemClock.now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                anyhow::anyhow!("--username: \"{username}\" is already taken")
            }
            other => other.into(),
        })?;
    println!(
        "Added {} ({}) as {}.",
        user.username, user.display_name, user.role
    );
    Ok(())
}

pub fn validate_config(dir: Option<&Path>) -> Result<()> {
    let sources = match dir {
        Some(dir) => folder_sources(dir)?,
        None => default_sources(),
    };
    match load(&sources) {
        Ok(config) => {
            let fields: usize = config
                .case_types
                .iter()
                .map(|t| t.form.fields().count())
                .sum();
            println!(
                "The configuration is valid: {} files, {} case types, {} fields, {} option lists, {} stages, {} locations.",
                sources.len(),
                config.case_types.len(),
                fields,
                config.option_lists.len(),
                config.stages.len(),
                config.locations.len()
            );
            Ok(())
        }
        Err(errors) => bail!("{errors}"),
    }
}
