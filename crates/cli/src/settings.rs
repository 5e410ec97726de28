//! Layered settings: built-in defaults, then a TOML file, then `CASEWARD_*` environment
//! variables, then command-line flags. Each layer's errors name where the bad value came from.

use anyhow::{Context, Result, anyhow, bail};
use caseward_domain::user::Role;
use caseward_store::StoreLocation;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// One layer: every setting optional. The same keys in the file, the environment
/// (`CASEWARD_` + upper case) and (for some) flags.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// SQLite data folder.
    pub data: Option<PathBuf>,
    /// PostgreSQL URL; wins over `data` when both are set.
    pub database_url: Option<String>,
    pub listen: Option<SocketAddr>,
    /// A configuration folder to use instead of the built-in default configuration.
    pub config_dir: Option<PathBuf>,
    /// Log filter, e.g. `info` or `caseward_server=debug,info`.
    pub log: Option<String>,
    pub session_idle_minutes: Option<u32>,
    pub session_absolute_hours: Option<u32>,
    pub secure_cookies: Option<bool>,
    pub max_connections: Option<u32>,
    pub argon2_memory_kib: Option<u32>,
    pub argon2_iterations: Option<u32>,
    /// Roles that must use a second factor, e.g. `["supervisor", "system_administrator"]`.
    pub mfa_required_roles: Option<Vec<String>>,
    /// The keyring file (default: beside a SQLite data folder, `DATA.keyring`).
    pub keyring: Option<PathBuf>,
    /// The attachments folder (default: `attachments` in a SQLite data folder).
    pub attachments: Option<PathBuf>,
    /// The largest attachment accepted, in MiB (default 25).
    pub attachment_max_mib: Option<u32>,
    /// Where alert emails go out: `smtp://host:25`, `smtp://user:password@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:465`. Better in the environment
    /// (`CASEWARD_SMTP_URL`) than on a command line, as it may hold a password.
    pub smtp_url: Option<String>,
    /// The sender of alert emails, e.g. `Caseward <caseward@example.org>`.
    pub smtp_from: Option<String>,
    /// The web app's public address, for links in alert emails.
    pub public_url: Option<String>,
    /// This node's name in the job queue (default: a random one per start).
    pub node_name: Option<String>,
    /// How often a node looks for background work when there was none, in milliseconds
    /// (default 5000).
    pub job_poll_ms: Option<u64>,
    /// How often the deadline rules are checked, in seconds (default 900).
    pub deadline_sweep_seconds: Option<u64>,
}

impl Layer {
    /// Values of `other` override ours.
    fn merge(self, other: Layer) -> Layer {
        Layer {
            data: other.data.or(self.data),
            database_url: other.database_url.or(self.database_url),
            listen: other.listen.or(self.listen),
            config_dir: other.config_dir.or(self.config_dir),
            log: other.log.or(self.log),
            session_idle_minutes: other.session_idle_minutes.or(self.session_idle_minutes),
            session_absolute_hours: other.session_absolute_hours.or(self.session_absolute_hours),
            secure_cookies: other.secure_cookies.or(self.secure_cookies),
            max_connections: other.max_connections.or(self.max_connections),
            argon2_memory_kib: other.argon2_memory_kib.or(self.argon2_memory_kib),
            argon2_iterations: other.argon2_iterations.or(self.argon2_iterations),
            mfa_required_roles: other.mfa_required_roles.or(self.mfa_required_roles),
            keyring: other.keyring.or(self.keyring),
            attachments: other.attachments.or(self.attachments),
            attachment_max_mib: other.attachment_max_mib.or(self.attachment_max_mib),
            smtp_url: other.smtp_url.or(self.smtp_url),
            smtp_from: other.smtp_from.or(self.smtp_from),
            public_url: other.public_url.or(self.public_url),
            node_name: other.node_name.or(self.node_name),
            job_poll_ms: other.job_poll_ms.or(self.job_poll_ms),
            deadline_sweep_seconds: other.deadline_sweep_seconds.or(self.deadline_sweep_seconds),
        }
    }

    pub fn from_file(path: &Path) -> Result<Layer> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the settings file", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(1);
            anyhow!("{}:{line}: {}", path.display(), e.message().trim())
        })
    }

    /// Read `CASEWARD_*` variables from `vars`. A bad value is an error naming the variable; an
    /// unknown `CASEWARD_` variable is reported in the returned warnings (it may belong to a
    /// script or a container image), so that a misspelling is noticed without refusing to start.
    pub fn from_env(vars: impl Iterator<Item = (String, String)>) -> Result<(Layer, Vec<String>)> {
        let mut table = BTreeMap::new();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix("CASEWARD_") else {
                continue;
            };
            table.insert(key.to_ascii_lowercase(), (name, value));
        }
        let mut layer = Layer::default();
        let mut warnings = Vec::new();
        for (key, (name, value)) in table {
            let bad = |what: &str| anyhow!("environment variable {name}: {what}");
            match key.as_str() {
                "data" => layer.data = Some(value.into()),
                "database_url" => layer.database_url = Some(value),
                "listen" => {
                    layer.listen = Some(
                        value
                            .parse()
                            .map_err(|_| bad("not an address such as 127.0.0.1:8080"))?,
                    )
                }
                "config_dir" => layer.config_dir = Some(value.into()),
                "keyring" => layer.keyring = Some(value.into()),
                "attachments" => layer.attachments = Some(value.into()),
                "attachment_max_mib" => {
                    layer.attachment_max_mib =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "log" => layer.log = Some(value),
                "smtp_url" => layer.smtp_url = Some(value),
                "smtp_from" => layer.smtp_from = Some(value),
                "public_url" => layer.public_url = Some(value),
                "node_name" => layer.node_name = Some(value),
                "job_poll_ms" => {
                    layer.job_poll_ms = Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "deadline_sweep_seconds" => {
                    layer.deadline_sweep_seconds =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "session_idle_minutes" => {
                    layer.session_idle_minutes =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "session_absolute_hours" => {
                    layer.session_absolute_hours =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "secure_cookies" => {
                    layer.secure_cookies =
                        Some(value.parse().map_err(|_| bad("not true or false"))?)
                }
                "max_connections" => {
                    layer.max_connections =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "argon2_memory_kib" => {
                    layer.argon2_memory_kib =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "argon2_iterations" => {
                    layer.argon2_iterations =
                        Some(value.parse().map_err(|_| bad("not a whole number"))?)
                }
                "mfa_required_roles" => {
                    layer.mfa_required_roles = Some(
                        value
                            .split(',')
                            .map(|r| r.trim().to_string())
                            .filter(|r| !r.is_empty())
                            .collect(),
                    )
                }
                _ => warnings.push(format!(
                    "environment variable {name} is not a Caseward setting; ignored"
                )),
            }
        }
        Ok((layer, warnings))
    }
}

/// The effective settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub store: StoreLocation,
    pub listen: SocketAddr,
    pub config_dir: Option<PathBuf>,
    pub log: String,
    pub session_idle_minutes: u32,
    pub session_absolute_hours: u32,
    pub secure_cookies: bool,
    pub max_connections: u32,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Roles that must use a second factor; `None` is the default policy (every role that
    /// may do more than a case worker, see `Roles::second_factor_by_default`).
    pub mfa_required_roles: Option<Vec<Role>>,
    /// The keyring file, when set; see [`Settings::keyring_path`].
    pub keyring: Option<PathBuf>,
    /// The attachments folder, when set; see [`Settings::attachments_path`].
    pub attachments: Option<PathBuf>,
    /// The largest attachment accepted, in bytes.
    pub attachment_max_bytes: u64,
    /// Alert emails: the SMTP URL (may hold a password: never printed) and the sender.
    pub smtp: Option<(caseward_server::mailer::SmtpUrl, String)>,
    pub public_url: Option<String>,
    pub node_name: Option<String>,
    pub job_poll_ms: u64,
    pub deadline_sweep_seconds: u64,
}

impl Settings {
    /// Resolve defaults < file < environment < flags.
    pub fn resolve(file: Option<&Path>, env: Layer, flags: Layer) -> Result<Settings> {
        let file_layer = match file {
            Some(path) => Layer::from_file(path)?,
            None => Layer::default(),
        };
        let layer = Layer::default().merge(file_layer).merge(env).merge(flags);
        let store = match (layer.database_url, layer.data) {
            (Some(url), _) => {
                let location = StoreLocation::parse(&url);
                if !matches!(location, StoreLocation::Postgres(_)) {
                    bail!("database_url: expected a postgres:// URL");
                }
                location
            }
            (None, Some(dir)) => StoreLocation::Sqlite(dir),
            (None, None) => StoreLocation::Sqlite(PathBuf::from("caseward-data")),
        };
        // SQLite's pool serves only the reads that have no connections of their own (lists,
        // searches, administration): the session, case and dashboard reads do. Four readers
        // kept fifty sessions' lists as fast as eight, with 15–35 MB less resident (BENCHMARKS).
        let default_connections = match store {
            StoreLocation::Sqlite(_) => 4,
            StoreLocation::Postgres(_) => 8,
        };
        let settings = Settings {
            store,
            listen: layer
                .listen
                .unwrap_or_else(|| "127.0.0.1:8080".parse().expect("valid default")),
            config_dir: layer.config_dir,
            log: layer.log.unwrap_or_else(|| "info,sqlx=warn".into()),
            session_idle_minutes: layer.session_idle_minutes.unwrap_or(30),
            session_absolute_hours: layer.session_absolute_hours.unwrap_or(12),
            secure_cookies: layer.secure_cookies.unwrap_or(false),
            max_connections: layer.max_connections.unwrap_or(default_connections),
            argon2_memory_kib: layer.argon2_memory_kib.unwrap_or(19 * 1024),
            argon2_iterations: layer.argon2_iterations.unwrap_or(2),
            // Whether each named role exists is checked against the configuration at start.
            keyring: layer.keyring,
            attachments: layer.attachments,
            attachment_max_bytes: u64::from(layer.attachment_max_mib.unwrap_or(25)) * 1024 * 1024,
            smtp: match (layer.smtp_url, layer.smtp_from) {
                (None, None) => None,
                (Some(url), Some(from)) => Some((caseward_server::mailer::SmtpUrl::new(url), from)),
                (Some(_), None) => bail!("smtp_from: required with smtp_url (the sender)"),
                (None, Some(_)) => bail!("smtp_url: required with smtp_from"),
            },
            public_url: layer.public_url,
            node_name: layer.node_name,
            job_poll_ms: layer.job_poll_ms.unwrap_or(5000),
            deadline_sweep_seconds: layer.deadline_sweep_seconds.unwrap_or(900),
            mfa_required_roles: match layer.mfa_required_roles {
                None => None,
                Some(names) => Some(
                    names
                        .iter()
                        .map(|name| {
                            Role::parse(name).ok_or_else(|| {
                                anyhow!("mfa_required_roles: \"{name}\" is not a role id")
                            })
                        })
                        .collect::<Result<_>>()?,
                ),
            },
        };
        if settings.keyring.is_none() && matches!(settings.store, StoreLocation::Postgres(_)) {
            bail!(
                "keyring: required with a PostgreSQL database (--keyring FILE or CASEWARD_KEYRING); \
                 keep it apart from the database"
            );
        }
        if settings.attachments.is_none() && matches!(settings.store, StoreLocation::Postgres(_)) {
            bail!(
                "attachments: required with a PostgreSQL database (--attachments DIR or \
                 CASEWARD_ATTACHMENTS): a folder every server node shares"
            );
        }
        if settings.job_poll_ms == 0 || settings.deadline_sweep_seconds == 0 {
            bail!("job_poll_ms and deadline_sweep_seconds: must be at least 1");
        }
        if settings.attachment_max_bytes == 0 {
            bail!("attachment_max_mib: must be at least 1");
        }
        if settings.session_idle_minutes == 0 {
            bail!("session_idle_minutes: must be at least 1");
        }
        if settings.session_absolute_hours == 0 {
            bail!("session_absolute_hours: must be at least 1");
        }
        if settings.argon2_memory_kib < 8 * 1024 || settings.argon2_iterations == 0 {
            bail!("argon2_memory_kib: at least 8192, and argon2_iterations at least 1");
        }
        Ok(settings)
    }

    /// Where the keyring is: the `keyring` setting, or beside a SQLite data folder
    /// (`DATA.keyring`), outside the folder so that copying the folder does not copy the keys.
    pub fn keyring_path(&self) -> PathBuf {
        match (&self.keyring, &self.store) {
            (Some(path), _) => path.clone(),
            (None, StoreLocation::Sqlite(dir)) => {
                let mut name = dir
                    .file_name()
                    .map(|n| n.to_os_string())
                    .unwrap_or_else(|| "caseward-data".into());
                name.push(".keyring");
                dir.with_file_name(name)
            }
            // `resolve` refuses PostgreSQL without a keyring setting.
            (None, StoreLocation::Postgres(_)) => PathBuf::from("caseward.keyring"),
        }
    }

    /// Where attachment files are: the `attachments` setting, or `attachments` in a SQLite
    /// data folder (so that copying the folder copies them, still encrypted).
    pub fn attachments_path(&self) -> PathBuf {
        match (&self.attachments, &self.store) {
            (Some(path), _) => path.clone(),
            (None, StoreLocation::Sqlite(dir)) => dir.join("attachments"),
            // `resolve` refuses PostgreSQL without an attachments setting.
            (None, StoreLocation::Postgres(_)) => PathBuf::from("caseward-attachments"),
        }
    }

    /// The effective settings as TOML, with any password in the database URL redacted.
    pub fn to_redacted_toml(&self) -> String {
        let store = match &self.store {
            StoreLocation::Sqlite(dir) => format!("data = {:?}\n", dir.display().to_string()),
            StoreLocation::Postgres(_) => format!("database_url = {:?}\n", self.store.to_string()),
        };
        format!(
            "{store}listen = \"{}\"\n{}log = {:?}\nsession_idle_minutes = {}\nsession_absolute_hours = {}\nsecure_cookies = {}\nmax_connections = {}\nargon2_memory_kib = {}\nargon2_iterations = {}\nkeyring = {:?}\nattachments = {:?}\nattachment_max_mib = {}\n{}",
            self.listen,
            self.config_dir
                .as_ref()
                .map(|d| format!("config_dir = {:?}\n", d.display().to_string()))
                .unwrap_or_default(),
            self.log,
            self.session_idle_minutes,
            self.session_absolute_hours,
            self.secure_cookies,
            self.max_connections,
            self.argon2_memory_kib,
            self.argon2_iterations,
            self.keyring_path().display().to_string(),
            self.attachments_path().display().to_string(),
            self.attachment_max_bytes / (1024 * 1024),
            match &self.mfa_required_roles {
                None => "# mfa_required_roles: not set; every role that may do more than a \
                         case worker needs a second factor\n"
                    .to_string(),
                Some(roles) => format!(
                    "mfa_required_roles = {:?}\n",
                    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()
                ),
            },
        ) + &format!(
            "# smtp_url: {} (never printed)\n{}job_poll_ms = {}\ndeadline_sweep_seconds = {}\n",
            if self.smtp.is_some() {
                "set"
            } else {
                "not set"
            },
            self.smtp
                .as_ref()
                .map(|(_, from)| format!("smtp_from = {from:?}\n"))
                .unwrap_or_default(),
            self.job_poll_ms,
            self.deadline_sweep_seconds,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<Layer> {
        Layer::from_env(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .map(|(layer, _)| layer)
    }

    #[test]
    fn later_layers_win() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("caseward.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nlog = \"debug\"\nsession_idle_minutes = 20\n",
        )
        .unwrap();
        let env = env(&[("CASEWARD_LOG", "warn"), ("PATH", "/bin")]).unwrap();
        let flags = Layer {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            ..Layer::default()
        };
        let settings = Settings::resolve(Some(&file), env, flags).unwrap();
        assert_eq!(settings.listen.port(), 9100, "flag beats file");
        assert_eq!(settings.log, "warn", "environment beats file");
        assert_eq!(settings.session_idle_minutes, 20, "file beats default");
        assert_eq!(settings.session_absolute_hours, 12, "default");
        assert_eq!(settings.max_connections, 4, "SQLite's readers");
        let postgres = Layer {
            database_url: Some("postgres://db/caseward".into()),
            keyring: Some("/etc/caseward/keyring".into()),
            attachments: Some("/srv/caseward/attachments".into()),
            ..Layer::default()
        };
        let postgres = Settings::resolve(None, Layer::default(), postgres).unwrap();
        assert_eq!(postgres.max_connections, 8, "PostgreSQL's pool");
        let set = self::env(&[("CASEWARD_MAX_CONNECTIONS", "6")]).unwrap();
        assert_eq!(
            Settings::resolve(None, set, Layer::default())
                .unwrap()
                .max_connections,
            6
        );
    }

    #[test]
    fn errors_name_the_file_line_and_key_or_variable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("caseward.toml");
        std::fs::write(&file, "log = \"info\"\nlisten = 8080\n").unwrap();
        let error = Settings::resolve(Some(&file), Layer::default(), Layer::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("caseward.toml:2"), "{error}");
        std::fs::write(&file, "\nlistne = \"x\"\n").unwrap();
        let error = Settings::resolve(Some(&file), Layer::default(), Layer::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("caseward.toml:2") && error.contains("listne"),
            "{error}"
        );

        let error = env(&[("CASEWARD_LISTEN", "nowhere")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("CASEWARD_LISTEN"), "{error}");
        let (_, warnings) =
            Layer::from_env([("CASEWARD_LISTN".to_string(), "x".to_string())].into_iter()).unwrap();
        assert_eq!(
            warnings,
            ["environment variable CASEWARD_LISTN is not a Caseward setting; ignored"]
        );
    }

    #[test]
    fn database_passwords_are_redacted() {
        let flags = Layer {
            database_url: Some("postgres://app:hunter22@db/caseward".into()),
            keyring: Some("/etc/caseward/keyring".into()),
            attachments: Some("/srv/caseward/attachments".into()),
            ..Layer::default()
        };
        let settings = Settings::resolve(None, Layer::default(), flags).unwrap();
        let shown = settings.to_redacted_toml();
        assert!(!shown.contains("hunter22"), "{shown}");
        assert!(!format!("{settings:?}").contains("hunter22"));
        assert!(
            shown.contains("keyring = \"/etc/caseward/keyring\""),
            "{shown}"
        );
    }

    #[test]
    fn a_postgres_instance_needs_a_keyring_setting_and_sqlite_has_one_beside_its_folder() {
        let flags = Layer {
            database_url: Some("postgres://app@db/caseward".into()),
            ..Layer::default()
        };
        let error = Settings::resolve(None, Layer::default(), flags).unwrap_err();
        assert!(
            error.to_string().starts_with("keyring: required"),
            "{error}"
        );
        let flags = Layer {
            data: Some("/srv/caseward/data".into()),
            ..Layer::default()
        };
        let settings = Settings::resolve(None, Layer::default(), flags).unwrap();
        assert_eq!(
            settings.keyring_path(),
            std::path::PathBuf::from("/srv/caseward/data.keyring")
        );
        assert_eq!(
            settings.attachments_path(),
            std::path::PathBuf::from("/srv/caseward/data/attachments")
        );
        assert_eq!(settings.attachment_max_bytes, 25 * 1024 * 1024);
    }

    #[test]
    fn a_postgres_instance_needs_an_attachments_folder() {
        let flags = Layer {
            database_url: Some("postgres://app@db/caseward".into()),
            keyring: Some("/etc/caseward/keyring".into()),
            ..Layer::default()
        };
        let error = Settings::resolve(None, Layer::default(), flags).unwrap_err();
        assert!(
            error.to_string().starts_with("attachments: required"),
            "{error}"
        );
        let (env, _) = Layer::from_env(
            [
                (
                    "CASEWARD_ATTACHMENTS".to_string(),
                    "/srv/shared".to_string(),
                ),
                ("CASEWARD_ATTACHMENT_MAX_MIB".to_string(), "5".to_string()),
            ]
            .into_iter(),
        )
        .unwrap();
        let flags = Layer {
            database_url: Some("postgres://app@db/caseward".into()),
            keyring: Some("/etc/caseward/keyring".into()),
            ..Layer::default()
        };
        let settings = Settings::resolve(None, env, flags).unwrap();
        assert_eq!(
            settings.attachments_path(),
            std::path::PathBuf::from("/srv/shared")
        );
        assert_eq!(settings.attachment_max_bytes, 5 * 1024 * 1024);
        let (bad, _) = Layer::from_env(
            [(
                "CASEWARD_ATTACHMENT_MAX_MIB".to_string(),
                "lots".to_string(),
            )]
            .into_iter(),
        )
        .map(|l| (Some(l), ()))
        .unwrap_or((None, ()));
        assert!(
            bad.is_none(),
            "a bad number is refused, naming the variable"
        );
    }
}
