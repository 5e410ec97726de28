//! What every handler shares: the store, the configuration, the clock, the password hasher and
//! the server settings. Passed explicitly, never global.

use caseward_crypto::{Keyring, PasswordHasher};
use caseward_domain::access::{Actor, Permission, PermissionSet};
use caseward_domain::clock::Clock;
use caseward_domain::config::Configuration;
use caseward_store::{Store, User};
use std::sync::{Arc, RwLock};

use crate::audit::AuditWriter;
use crate::config_api::ConfigView;

/// Server settings, with the defaults a careful deployment wants.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// A session unused this long ends.
    pub session_idle_timeout: chrono::Duration,
    /// A session ends this long after login, however busy.
    pub session_absolute_timeout: chrono::Duration,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Failed-login limits per account and per source address.
    pub throttle: caseward_domain::throttle::ThrottlePolicy,
    /// Roles that must use a second factor (TOTP) to log in.
    pub mfa_required_roles: Vec<caseward_domain::user::Role>,
    /// The issuer name shown in authenticator apps.
    pub mfa_issuer: String,
    /// How often the server signs a checkpoint of the audit trail's head.
    pub audit_checkpoint_interval: std::time::Duration,
    /// Largest attachment accepted, in bytes.
    pub attachment_max_bytes: u64,
    /// Run background work (deadline sweeps, alert emails) from the job queue; tests that
    /// drive it with their own clock turn it off and call `jobs::run_due`.
    pub background_jobs: bool,
    /// This node's name in the job queue (who claimed and finished a job).
    pub node_name: String,
    /// How often the node looks for due jobs when there were none.
    pub job_poll_interval: std::time::Duration,
    /// How often the deadline rules are checked.
    pub deadline_sweep_interval: chrono::Duration,
    /// Where alert emails go out; none: alerts stay in the web app.
    pub smtp: Option<crate::mailer::SmtpSettings>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            session_idle_timeout: chrono::Duration::minutes(30),
            session_absolute_timeout: chrono::Duration::hours(12),
            secure_cookies: false,
            body_limit: 1024 * 1024,
            attachment_max_bytes: 25 * 1024 * 1024,
            throttle: caseward_domain::throttle::ThrottlePolicy::default(),
            mfa_required_roles: vec![
                caseward_domain::user::Role::SUPERVISOR,
                caseward_domain::user::Role::PROGRAMME_MANAGER,
                caseward_domain::user::Role::SYSTEM_ADMINISTRATOR,
            ],
            mfa_issuer: "Caseward".into(),
            audit_checkpoint_interval: std::time::Duration::from_secs(60),
            background_jobs: true,
            node_name: format!("node-{}", uuid::Uuid::now_v7().simple()),
            job_poll_interval: std::time::Duration::from_secs(5),
            deadline_sweep_interval: chrono::Duration::minutes(15),
            smtp: None,
        }
    }
}

/// A configuration in force and its API form, serialised once.
struct Snapshot {
    config: Arc<Configuration>,
    json: axum::body::Bytes,
}

impl Snapshot {
    fn of(config: Configuration, settings: &ServerSettings) -> Self {
        let mut view = ConfigView::from(&config);
        view.attachments.max_bytes = settings.attachment_max_bytes;
        let json = serde_json::to_vec(&view)
            .expect("the configuration view always serialises")
            .into();
        Self {
            config: Arc::new(config),
            json,
        }
    }
}

/// What every handler sees: the shared parts (behind one `Arc`, so that the copy each request
/// and each extractor takes is one reference count, not one per part), and the configuration in
/// force when the request began (one version for the whole request, even while a new one is
/// installed). The shared parts' fields read through it (`state.store`).
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    /// The configuration in force when this request (or job) began.
    pub config: Arc<Configuration>,
    /// `config` as the API shows it, serialised once per version.
    pub config_json: axum::body::Bytes,
}

/// The parts of [`AppState`] every request of a node shares.
pub struct Shared {
    pub store: Arc<dyn Store>,
    /// The instance's keys (from the keyring file, never the database).
    pub keyring: Arc<Keyring>,
    /// The newest configuration this node knows; `current` takes a request's snapshot.
    live: RwLock<Arc<Snapshot>>,
    pub clock: Arc<dyn Clock>,
    /// Password hashes and checks, one a core at a time.
    pub passwords: crate::password_work::PasswordWork,
    pub settings: ServerSettings,
    /// The audit trail's group-commit queue.
    pub audit: AuditWriter,
    /// Dashboards computed at once on this node: one a core (the others wait their turn).
    /// Each holds its teams' cases and their history in memory while it is computed. Fifty at
    /// once over a million cases (SQLite): all at once peaked at 273–277 MB resident (rows
    /// through sqlx); two a core at 201–213 MB and 68–70 dashboards/s with the rows read on
    /// tokio's blocking threads; one a core, on the store's own reader threads, at 159–171 MB
    /// and 60 dashboards/s.
    pub dashboards: tokio::sync::Semaphore,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        config: Arc<Configuration>,
        keyring: Arc<Keyring>,
        clock: Arc<dyn Clock>,
        hasher: PasswordHasher,
        settings: ServerSettings,
    ) -> Self {
        let snapshot = Arc::new(Snapshot::of(Arc::unwrap_or_clone(config), &settings));
        let audit = AuditWriter::start(store.clone(), clock.clone());
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            config: snapshot.config.clone(),
            config_json: snapshot.json.clone(),
            shared: Arc::new(Shared {
                audit,
                store,
                live: RwLock::new(snapshot),
                keyring,
                clock,
                passwords: crate::password_work::PasswordWork::new(hasher, cores),
                settings,
                dashboards: tokio::sync::Semaphore::new(cores),
            }),
        }
    }

    /// This state with the newest configuration installed on this node.
    pub fn current(&self) -> AppState {
        self.shared.current()
    }

    /// Put a configuration in force on this node: requests that begin from now on use it.
    /// An older version than the one in force is ignored (another request installed newer).
    pub fn install(&self, config: Configuration) {
        let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
        if config.version >= live.config.version {
            *live = Arc::new(Snapshot::of(config, &self.settings));
        }
    }

    /// What the user's role allows, from the configuration's role catalogue (nothing for a
    /// role it does not know).
    pub fn permissions(&self, user: &User) -> PermissionSet {
        self.config.roles.permissions(&user.role)
    }

    pub fn user_can(&self, user: &User, permission: Permission) -> bool {
        self.permissions(user).contains(permission)
    }

    /// The user as the access policy sees them.
    pub fn actor(&self, user: &User) -> Actor {
        Actor {
            id: user.id,
            permissions: self.permissions(user),
            agency: user.agency,
        }
    }
}

impl Shared {
    /// A request's state: these parts with the newest configuration installed on this node.
    fn current(self: &Arc<Self>) -> AppState {
        let snapshot = self.live.read().unwrap_or_else(|e| e.into_inner()).clone();
        AppState {
            shared: self.clone(),
            config: snapshot.config.clone(),
            config_json: snapshot.json.clone(),
        }
    }
}

/// The router's state: every extraction of [`AppState`] takes the newest configuration.
#[derive(Clone)]
pub struct SharedState(Arc<Shared>);

impl SharedState {
    pub fn new(state: &AppState) -> Self {
        Self(state.shared.clone())
    }
}

impl axum::extract::FromRef<SharedState> for AppState {
    fn from_ref(shared: &SharedState) -> AppState {
        shared.0.current()
    }
}
