//! The HTTP test harness: a real server on a random port, on a throw-away database, with a
//! clock the test moves and cheap password hashing.

use caseward_crypto::{Password, PasswordHasher, PasswordParams};
use caseward_domain::clock::ManualClock;
use caseward_domain::config::{Configuration, SourceFile, load};
use caseward_domain::user::Role;
use caseward_server::{AppState, ServerSettings};
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{NewUser, Store, User};
use chrono::{TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The repository's default configuration's files, named by their path inside `config/`.
pub fn default_sources() -> Vec<SourceFile> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config"),
        &mut paths,
    );
    paths.sort();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    paths
        .iter()
        .map(|p| SourceFile {
            name: p.strip_prefix(&root).unwrap().display().to_string(),
            text: std::fs::read_to_string(p).unwrap(),
        })
        .collect()
}

/// The repository's default configuration, read from `config/`.
pub fn default_config() -> Configuration {
    load(&default_sources()).unwrap_or_else(|e| panic!("{e}"))
}

/// Everything the servers of this test binary logged, at debug level and above.
static LOGS: std::sync::OnceLock<Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();

#[derive(Clone)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Capture the log of every server started by this test binary (once, globally).
fn capture_logs() {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = LogBuffer(buffer.clone());
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .try_init();
        buffer
    });
}

/// The log lines captured so far.
pub fn captured_logs() -> String {
    LOGS.get()
        .map(|b| String::from_utf8_lossy(&b.lock().unwrap_or_else(|e| e.into_inner())).into_owned())
        .unwrap_or_default()
}

pub struct TestApp {
    pub url: String,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    hasher: PasswordHasher,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// The server's shared state (for tests that run background work themselves).
    pub state: AppState,
    _database: TestDatabase,
}

impl TestApp {
    /// A server without a second-factor requirement (tests of it use `start_with`).
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(
            backend,
            ServerSettings {
                mfa_required_roles: Vec::new(),
                ..ServerSettings::default()
            },
        )
        .await
    }

    pub async fn start_with(backend: Backend, settings: ServerSettings) -> Self {
        capture_logs();
        let database = TestDatabase::new(backend).await;
        let store = database.open().await;
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap(),
        ));
        let hasher = PasswordHasher::new(PasswordParams::insecure_for_tests()).unwrap();
        // The instance's first configuration version: the repository's `config/`.
        let (config, _) = caseward_server::config_versions::activate(
            store.as_ref(),
            default_sources(),
            caseward_domain::clock::Clock::now(clock.as_ref()),
        )
        .await
        .unwrap();
        let state = AppState::new(
            store.clone(),
            Arc::new(config),
            database.keyring(),
            clock.clone(),
            hasher.clone(),
            ServerSettings {
                // Tests drive background work themselves (`jobs::run_due`), on their clock.
                background_jobs: false,
                ..settings
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(caseward_server::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        Self {
            url,
            clock,
            store,
            hasher,
            shutdown: Some(tx),
            state,
            _database: database,
        }
    }

    pub fn password_of(username: &str) -> String {
        format!("password-of-{username}")
    }

    pub async fn add_user(&self, username: &str, role: Role) -> User {
        let hash = self
            .hasher
            .hash(&Password::new(Self::password_of(username)))
            .unwrap();
        self.store
            .create_user(NewUser {
                id: uuid::Uuid::now_v7(),
                username: username.into(),
                display_name: format!("{username} (test)"),
                role,
                agency: None,
                password_hash: hash,
                audit: Vec::new(),
                now: caseward_domain::clock::Clock::now(self.clock.as_ref()),
            })
            .await
            .unwrap()
    }

    /// A client with its own cookie jar and no session.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// A client logged in as `username` (who must exist).
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let client = self.client();
        let response = client
            .post(self.at("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": Self::password_of(username) }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login as {username}");
        client
    }

    /// The throw-away database under the server (for tests that tamper with it).
    pub fn database(&self) -> &TestDatabase {
        &self._database
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Generate one test per backend from an async fn taking the backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(caseward_store::testing::Backend::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(caseward_store::testing::Backend::Postgres).await;
            })*
        }
    };
}
