//! Opening the store and running the server, shared by `serve` and `demo`.

use crate::configuration::active_configuration;
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use caseward_crypto::{Keyring, PasswordHasher, PasswordParams};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::clock::{Clock, SystemClock};
use caseward_domain::config::Configuration;
use caseward_domain::user::Role;
use caseward_server::{AppState, ServerSettings};
use caseward_store::{OpenOptions, Store};
use std::sync::Arc;

/// Open the store without the keyring: enough for users, the audit trail and migrations, not
/// for case content.
pub async fn open_store(settings: &Settings, create: bool) -> Result<Arc<dyn Store>> {
    open_with(settings, create, None).await
}

async fn open_with(
    settings: &Settings,
    create: bool,
    keyring: Option<Arc<Keyring>>,
) -> Result<Arc<dyn Store>> {
    caseward_store::open(
        &settings.store,
        &OpenOptions {
            create,
            migrate: true,
            max_connections: settings.max_connections,
            keyring_file: keyring.as_ref().map(|_| settings.keyring_path()),
            keyring,
            attachments: Some(settings.attachments_path()),
        },
    )
    .await
    .with_context(|| format!("cannot open the {}", settings.store))
}

/// Open the store with the instance's keyring, after checking the keyring is this instance's.
pub async fn open_keyed(settings: &Settings) -> Result<(Arc<dyn Store>, Arc<Keyring>)> {
    let keyring = {
        let plain = open_store(settings, false).await?;
        Arc::new(crate::keys::load(settings, &plain).await?)
    };
    let store = open_with(settings, false, Some(keyring.clone())).await?;
    Ok((store, keyring))
}

pub fn password_hasher(settings: &Settings) -> Result<PasswordHasher> {
    Ok(PasswordHasher::new(PasswordParams {
        memory_kib: settings.argon2_memory_kib,
        iterations: settings.argon2_iterations,
        parallelism: 1,
    })?)
}

fn init_logging(filter: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// The roles that must use a second factor: the setting, each checked against the
/// configuration's roles, or the default policy.
fn mfa_required_roles(settings: &Settings, config: &Configuration) -> Result<Vec<Role>> {
    match &settings.mfa_required_roles {
        None => Ok(config.roles.second_factor_by_default()),
        Some(roles) => {
            if let Some(unknown) = roles.iter().find(|r| config.roles.get(r).is_none()) {
                let known: Vec<_> = config.roles.iter().map(|d| d.role.as_str()).collect();
                bail!(
                    "mfa_required_roles: unknown role \"{unknown}\" (expected one of {})",
                    known.join(", ")
                );
            }
            Ok(roles.clone())
        }
    }
}

/// Serve `store` until interrupted. Prints `listening on http://ADDR` on standard output once
/// the port is bound (tests and scripts wait for that line).
pub async fn run_server(
    settings: &Settings,
    store: Arc<dyn Store>,
    keyring: Arc<Keyring>,
    after_bind: impl FnOnce(&str),
) -> Result<()> {
    let config = Arc::new(active_configuration(settings, store.as_ref()).await?);
    let fingerprint = store
        .config_version(Some(config.version))
        .await?
        .map(|v| v.summary.fingerprint)
        .unwrap_or_default();
    let mfa_required_roles = mfa_required_roles(settings, &config)?;
    // The trail records which configuration each start runs with; no start without it.
    let started = AuditEvent {
        client: "cli".into(),
        reason: Some(format!(
            "configuration version {}, SHA-256 {fingerprint}",
            config.version
        )),
        ..AuditEvent::new(None, AuditAction::ConfigurationLoad)
    };
    store
        .append_audit(vec![started], SystemClock.now())
        .await
        .context("cannot record the start in the audit trail")?;
    let state = AppState::new(
        store,
        config,
        keyring,
        Arc::new(SystemClock),
        password_hasher(settings)?,
        ServerSettings {
            session_idle_timeout: chrono::Duration::minutes(i64::from(
                settings.session_idle_minutes,
            )),
            session_absolute_timeout: chrono::Duration::hours(i64::from(
                settings.session_absolute_hours,
            )),
            secure_cookies: settings.secure_cookies,
            mfa_required_roles,
            attachment_max_bytes: settings.attachment_max_bytes,
            smtp: settings
                .smtp
                .as_ref()
                .map(|(url, from)| caseward_server::mailer::SmtpSettings {
                    url: url.clone(),
                    from: from.clone(),
                    public_url: settings.public_url.clone(),
                }),
            node_name: settings
                .node_name
                .clone()
                .unwrap_or_else(|| ServerSettings::default().node_name),
            job_poll_interval: std::time::Duration::from_millis(settings.job_poll_ms),
            deadline_sweep_interval: chrono::Duration::seconds(
                i64::try_from(settings.deadline_sweep_seconds).unwrap_or(i64::MAX / 1000),
            ),
            ..ServerSettings::default()
        },
    );
    if let Some(smtp) = &state.settings.smtp {
        caseward_server::mailer::Mailer::new(smtp).context("alert emails")?;
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let url = format!("http://{}", listener.local_addr()?);
    if !caseward_server::web_app_embedded() {
        tracing::warn!("this binary was built without the web app; only the API is served");
    }
    println!("listening on {url}");
    after_bind(&url);
    caseward_server::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

pub async fn serve(settings: &Settings) -> Result<()> {
    init_logging(&settings.log);
    let (store, keyring) = open_keyed(settings).await?;
    // Fail at start, not at the first request, if the configuration is broken.
    let config = active_configuration(settings, store.as_ref()).await?;
    mfa_required_roles(settings, &config)?;
    tracing::info!(backend = store.backend(), "store open");
    let purged = crate::cases::apply_journal(settings, &store).await?;
    if purged > 0 {
        tracing::warn!(
            purged,
            "cases restored from a backup were purged again (shred journal)"
        );
    }
    tokio::spawn(fill_history_digests(Arc::clone(&store)));
    run_server(settings, store, keyring, |_| {}).await
}

/// Cases written a batch at a time beside serving.
const DIGEST_BATCH: u32 = 500;

/// Write the history digests that an upgraded instance's cases lack (migration 0027), a
/// batch at a time, beside serving: until then the dashboard reads those cases' history rows
/// instead (the same figures, more slowly). Nothing to do, one lookup of an empty index.
async fn fill_history_digests(store: Arc<dyn Store>) {
    let mut after = None;
    let mut batches = 0u32;
    loop {
        match store.fill_history_digests(after, DIGEST_BATCH).await {
            Ok(Some(last)) => {
                after = Some(last);
                batches += 1;
            }
            Ok(None) => break,
            Err(error) => {
                tracing::error!(%error, "writing the cases' history digests stopped (`caseward case reindex` writes them)");
                return;
            }
        }
    }
    if batches > 0 {
        tracing::info!(
            batches,
            "history digests written for the cases that had none"
        );
    }
}

pub fn start_logging(settings: &Settings) {
    init_logging(&settings.log);
}
