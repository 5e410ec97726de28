//! Test support: a fresh store on either backend, cleaned up when dropped.
//!
//! PostgreSQL tests create a uniquely named database on the server at `CASEWARD_TEST_POSTGRES`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`) and drop it afterwards.

use crate::{OpenOptions, Store, StoreLocation};
use sqlx::Connection;
use std::sync::Arc;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// The PostgreSQL server tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("CASEWARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A throw-away store location: a temporary folder or a temporary database.
pub struct TestDatabase {
    pub location: StoreLocation,
    /// The attachments folder (inside the SQLite data folder, or a temporary one).
    pub attachments: std::path::PathBuf,
    /// Kept alive for the SQLite folder and the attachments; removed on drop.
    _dir: tempfile::TempDir,
    postgres_name: Option<String>,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        match backend {
            Backend::Sqlite => Self {
                location: StoreLocation::Sqlite(dir.path().join("data")),
                attachments: dir.path().join("data").join("attachments"),
                _dir: dir,
                postgres_name: None,
            },
            Backend::Postgres => {
                let name = format!("caseward_test_{}", uuid::Uuid::now_v7().simple());
                let admin = postgres_admin_url();
                let mut connection = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("PostgreSQL for tests (set CASEWARD_TEST_POSTGRES)");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut connection)
                    .await
                    .expect("create test database");
                let _ = connection.close().await;
                let base = admin
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(&admin);
                Self {
                    location: StoreLocation::Postgres(format!("{base}/{name}")),
                    attachments: dir.path().join("attachments"),
                    _dir: dir,
                    postgres_name: Some(name),
                }
            }
        }
    }

    /// Open the store (creating and migrating it), with [`TestDatabase::keyring`].
    pub async fn open(&self) -> Arc<dyn Store> {
        crate::open(
            &self.location,
            &OpenOptions {
                create: true,
                migrate: true,
                max_connections: 4,
                keyring: Some(self.keyring()),
                keyring_file: None,
                attachments: Some(self.attachments.clone()),
            },
        )
        .await
        .expect("open test store")
    }

    /// The keyring test stores are opened with (the same for every test database, so tests
    /// are deterministic; never a real instance's).
    pub fn keyring(&self) -> Arc<caseward_crypto::Keyring> {
        use rand::SeedableRng;
        Arc::new(caseward_crypto::Keyring::generate(
            &mut rand::rngs::StdRng::seed_from_u64(0x7e57),
        ))
    }
}

impl TestDatabase {
    /// Run `sql` as the database's owner with the audit trail's guards out of the way (what a
    /// database superuser can do), so that tests can show `audit verify` noticing.
    pub async fn tamper(&self, sql: &str) {
        match &self.location {
            StoreLocation::Sqlite(dir) => {
                let mut connection = sqlx::SqliteConnection::connect(&format!(
                    "sqlite://{}",
                    dir.join(crate::sqlite::DATABASE_FILE).display()
                ))
                .await
                .expect("open the database file");
                let script = format!(
                    "DROP TRIGGER IF EXISTS audit_entries_no_update;
                     DROP TRIGGER IF EXISTS audit_entries_no_delete;
                     {sql}"
                );
                execute_script(&mut connection, &script)
                    .await
                    .expect("tamper");
            }
            StoreLocation::Postgres(url) => {
                let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
                let script = format!("SET session_replication_role = replica; {sql}");
                execute_script(&mut connection, &script)
                    .await
                    .expect("tamper");
            }
        }
    }

    /// Everything the instance holds on disk, as text a leak can be searched in: the SQLite
    /// file and its WAL, or every row of every PostgreSQL table and a `pg_dump` of the
    /// database (when the `pg_dump` command is installed), and every file of the attachments
    /// folder.
    pub async fn raw_contents(&self) -> String {
        let mut out = String::from_utf8_lossy(&files_under(&self.attachments)).into_owned();
        out.push_str(&self.database_contents().await);
        out
    }

    async fn database_contents(&self) -> String {
        match &self.location {
            StoreLocation::Sqlite(dir) => {
                let mut bytes = Vec::new();
                for name in ["caseward.db", "caseward.db-wal"] {
                    if let Ok(content) = std::fs::read(dir.join(name)) {
                        bytes.extend(content);
                    }
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
            StoreLocation::Postgres(url) => {
                let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
                )
                .fetch_all(&mut connection)
                .await
                .expect("tables");
                let mut out = pg_dump(url);
                for table in tables {
                    let rows: Vec<String> =
                        sqlx::query_scalar(&format!("SELECT t::text FROM \"{table}\" t"))
                            .fetch_all(&mut connection)
                            .await
                            .expect("rows");
                    for row in rows {
                        out.push_str(&row);
                        out.push('\n');
                    }
                }
                out
            }
        }
    }

    /// Open the store without a keyring (what a process without the keys sees).
    pub async fn open_without_keyring(&self) -> Arc<dyn Store> {
        crate::open(
            &self.location,
            &OpenOptions {
                create: true,
                migrate: true,
                max_connections: 2,
                keyring: None,
                keyring_file: None,
                attachments: Some(self.attachments.clone()),
            },
        )
        .await
        .expect("open test store")
    }

    /// Run `sql` as the application's connections would, and return the database's refusal.
    pub async fn execute_as_application(&self, sql: &str) -> Result<(), String> {
        match &self.location {
            StoreLocation::Sqlite(dir) => {
                let mut connection = sqlx::SqliteConnection::connect(&format!(
                    "sqlite://{}",
                    dir.join(crate::sqlite::DATABASE_FILE).display()
                ))
                .await
                .map_err(|e| e.to_string())?;
                execute_script(&mut connection, sql).await
            }
            StoreLocation::Postgres(url) => {
                let mut connection = sqlx::PgConnection::connect(url)
                    .await
                    .map_err(|e| e.to_string())?;
                execute_script(&mut connection, sql).await
            }
        }
    }
}

async fn execute_script<C>(connection: &mut C, sql: &str) -> Result<(), String>
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    use futures_util::TryStreamExt;
    sqlx::Executor::execute_many(&mut *connection, sql)
        .try_collect::<Vec<_>>()
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs outside any runtime guarantee: use a thread with its own small runtime.
        let admin = postgres_admin_url();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(mut connection) = sqlx::PgConnection::connect(&admin).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut connection)
                                .await;
                        let _ = connection.close().await;
                    }
                });
            }
        })
        .join();
    }
}

/// The bytes of every file under `dir`, recursively (nothing when it does not exist).
fn files_under(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return bytes;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            bytes.extend(files_under(&path));
        } else if let Ok(content) = std::fs::read(&path) {
            bytes.extend(content);
        }
    }
    bytes
}

/// The database as `pg_dump` writes it (its data, as a backup holds it); empty when the
/// command is not installed.
fn pg_dump(url: &str) -> String {
    match std::process::Command::new("pg_dump")
        .args(["--data-only", "--no-owner", url])
        .output()
    {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        Ok(output) => panic!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(_) => String::new(),
    }
}
