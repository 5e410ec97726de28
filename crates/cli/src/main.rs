//! `caseward`: one binary to set up, run and operate a Caseward instance.

mod audit;
mod cases;
mod commands;
mod config_files;
mod configuration;
mod demo;
mod huge_pages;
mod keys;
mod reindex;
mod report_tallies;
mod seed;
mod seed_staff;
mod serve;
mod settings;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use settings::{Layer, Settings};
use std::net::SocketAddr;
use std::path::PathBuf;

/// mimalloc instead of glibc's allocator: the server allocates and frees small objects on every
/// request across threads, and each login's Argon2id hash takes 19 MiB. glibc kept that memory
/// in per-thread heaps (resident memory grew with every round of logins, 500-900 MB under the
/// load tests) and spent a tenth of a case read in `malloc` and `free`; mimalloc returns freed
/// pages to the system and allocates from thread-local pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "caseward",
    version,
    about = "Protection case management: confidential by construction."
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct GlobalArgs {
    /// Settings file (TOML). Environment variables CASEWARD_* override it; flags override both.
    #[arg(long, global = true, value_name = "FILE")]
    settings: Option<PathBuf>,
    /// SQLite data folder.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user@host/db) instead of a SQLite data folder.
    #[arg(long, global = true, value_name = "URL")]
    database: Option<String>,
    /// Configuration folder to use instead of the built-in default configuration.
    #[arg(long, global = true, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    /// The keyring file (default: beside the SQLite data folder, DATA.keyring).
    #[arg(long, global = true, value_name = "FILE")]
    keyring: Option<PathBuf>,
    /// The attachments folder (default: attachments in the SQLite data folder; required with
    /// PostgreSQL, a folder every server node shares).
    #[arg(long, global = true, value_name = "DIR")]
    attachments: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new instance's data folder (SQLite) or database tables (PostgreSQL).
    Init,
    /// Serve the API and the web app.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Check or show configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check the tamper-evident audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The keyring: the instance's keys, kept outside the database.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Purge cases (crypto-shredding).
    #[command(subcommand)]
    Case(CaseCommand),
    /// Tools for development and measurement.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Run a demonstration instance with demo users and about 200 synthetic cases.
    Demo {
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Password for every demo user (at least 10 characters).
        #[arg(long, value_name = "PASSWORD")]
        demo_password: String,
        /// How many synthetic cases to create in a new instance.
        #[arg(long, default_value_t = 200)]
        cases: u32,
        /// Require a second factor for supervisors, managers and administrators, as a real
        /// instance does (they enrol at first login).
        #[arg(long)]
        mfa: bool,
    },
    /// Print the OpenAPI 3.1 document of the HTTP API.
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from standard input (or asked for on a terminal).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// case_worker, supervisor, programme_manager, system_administrator or a custom role
        /// of the configuration.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every entry's hash and link, from the first to the recorded head, and compare
    /// the chain with the signed checkpoints; name the first bad entry.
    Verify {
        /// Also compare with checkpoints exported earlier to FILE (catches a removed or
        /// rewritten tail even when the database's own checkpoints were removed too).
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// Sign a checkpoint of the chain's head now (the server makes one every minute).
    Checkpoint,
    /// Append the checkpoints not yet in FILE to it; keep FILE where the database
    /// administrator cannot write.
    ExportCheckpoints { file: PathBuf },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Destroy a case's data key and every row about it, leaving a tombstone; recorded in the
    /// shred journal beside the keyring so that a restored backup cannot bring it back.
    Purge {
        /// The case's id.
        id: String,
        /// Why (recorded in the audit trail and the tombstone).
        #[arg(long)]
        reason: String,
    },
    /// Purge again the journal's cases that a restored backup brought back (`serve` does this
    /// at every start).
    ApplyShreds,
    /// Bring every case's search tokens and report dimensions up to date with the
    /// configuration, write its history digest again, and seal history texts an older
    /// version wrote in clear (after an upgrade, or a change to searchable or
    /// report-dimension fields).
    Reindex,
    /// Check the running tallies aggregate reports read against a fresh count of the cases
    /// (exit status 1 when they differ); `--repair` counts them afresh.
    Tallies {
        #[arg(long)]
        repair: bool,
    },
}

#[derive(Subcommand)]
enum DevCommand {
    /// Measure the database's raw insert rate: rows of 1,500 random bytes into a scratch table,
    /// `--batch` rows a durable transaction (1: single-row inserts, each its own commit).
    Baseline {
        #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        rows: u32,
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch: u32,
    },
    /// Add synthetic cases for the instance's case workers, in batches, and report the rate
    /// against the database's raw batched insert rate measured in the same run.
    Seed {
        #[arg(long, default_value_t = 100)]
        cases: u32,
        /// Cases a transaction.
        #[arg(long, default_value_t = 500)]
        batch: u32,
        /// The random seed: the same seed makes the same cases.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// First make case workers worker1…workerN in teams of ten, each team with its
        /// supervisor (supervisor1…), and manager1 (users that exist are kept).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
        workers: Option<u32>,
        /// Read the new users' password from the first line of standard input.
        #[arg(long, requires = "workers")]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a keyring for an instance that has none (made before keyrings existed).
    Init,
    /// Copy the keyring to FILE (a new file), after checking it is this instance's.
    Backup { file: PathBuf },
    /// Add a new master key and rewrap every case's data key with it (the server may keep
    /// running; run it again to resume after an interruption).
    Rotate {
        /// Data keys rewrapped per transaction (smaller batches hold the write lock for less).
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch: u32,
    },
    /// Open every case with the keyring and report which master keys wrap the data keys; a
    /// case that does not open is named by its number (exit status 1).
    Verify,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate a configuration folder; every problem is listed with file, line and key.
    Validate {
        /// The folder (default: the built-in configuration).
        dir: Option<PathBuf>,
    },
    /// Print the effective settings (defaults, file, environment, flags), secrets redacted.
    Show,
    /// Write the configuration in force (or an earlier version) into a new folder, in the
    /// format of `config/`.
    Export {
        dir: PathBuf,
        /// The version to export (default: the newest).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Make a folder the newest configuration version, after checking it whole and against
    /// the cases recorded; prints its changes and every problem.
    Import {
        dir: PathBuf,
        /// Print the changes and every problem; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Make an XLSForm workbook (.xlsx: survey, choices, settings) a case type's form; what
    /// does not map is listed by sheet, row and column and left out.
    Xlsform {
        file: PathBuf,
        /// The case type whose form it becomes (made if it does not exist).
        #[arg(long)]
        case_type: String,
        /// The classification of questions whose row does not give one: standard, restricted
        /// or confidential.
        #[arg(long)]
        classification: String,
        /// The code of a new case type (2 to 5 upper-case letters).
        #[arg(long)]
        code: Option<String>,
        /// Print the changes, the problems and what is left out; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import what maps although some constructs do not (they are listed); without it,
        /// any such construct refuses the import.
        #[arg(long)]
        accept_left_out: bool,
    },
}

fn settings(global: &GlobalArgs, listen: Option<SocketAddr>) -> Result<Settings> {
    let (env, warnings) = Layer::from_env(std::env::vars())?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    let flags = Layer {
        data: global.data.clone(),
        database_url: global.database.clone(),
        config_dir: global.config_dir.clone(),
        keyring: global.keyring.clone(),
        attachments: global.attachments.clone(),
        listen,
        ..Layer::default()
    };
    Settings::resolve(global.settings.as_deref(), env, flags)
}

fn main() -> std::process::ExitCode {
    // Before any thread starts or the allocator hands out much memory.
    huge_pages::turn_off();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init => commands::init(&settings(&cli.global, None)?).await,
        Command::Serve { listen } => serve::serve(&settings(&cli.global, listen)?).await,
        Command::Migrate => commands::migrate(&settings(&cli.global, None)?).await,
        Command::User(UserCommand::Add {
            username,
            display_name,
            role,
            password_stdin,
        }) => {
            commands::add_user(
                &settings(&cli.global, None)?,
                &username,
                &display_name,
                &role,
                password_stdin,
            )
            .await
        }
        Command::Config(ConfigCommand::Validate { dir }) => {
            commands::validate_config(dir.as_deref().or(cli.global.config_dir.as_deref()))
        }
        Command::Config(ConfigCommand::Export { dir, version }) => {
            config_files::export(&settings(&cli.global, None)?, &dir, version).await
        }
        Command::Config(ConfigCommand::Import { dir, dry_run }) => {
            config_files::import(&settings(&cli.global, None)?, &dir, dry_run).await
        }
        Command::Config(ConfigCommand::Xlsform {
            file,
            case_type,
            classification,
            code,
            dry_run,
            accept_left_out,
        }) => {
            config_files::import_xlsform(
                &settings(&cli.global, None)?,
                &file,
                &case_type,
                &classification,
                code.as_deref(),
                dry_run,
                accept_left_out,
            )
            .await
        }
        Command::Audit(AuditCommand::Verify { against }) => {
            audit::verify(&settings(&cli.global, None)?, against.as_deref()).await
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            audit::checkpoint(&settings(&cli.global, None)?).await
        }
        Command::Audit(AuditCommand::ExportCheckpoints { file }) => {
            audit::export_checkpoints(&settings(&cli.global, None)?, &file).await
        }
        Command::Case(CaseCommand::Purge { id, reason }) => {
            cases::purge(&settings(&cli.global, None)?, &id, &reason).await
        }
        Command::Case(CaseCommand::Reindex) => {
            reindex::reindex(&settings(&cli.global, None)?).await
        }
        Command::Case(CaseCommand::Tallies { repair }) => {
            report_tallies::check(&settings(&cli.global, None)?, repair).await
        }
        Command::Case(CaseCommand::ApplyShreds) => {
            cases::apply_shreds(&settings(&cli.global, None)?).await
        }
        Command::Dev(DevCommand::Baseline { rows, batch }) => {
            cases::baseline(&settings(&cli.global, None)?, rows, batch).await
        }
        Command::Dev(DevCommand::Seed {
            cases,
            batch,
            seed,
            workers,
            password_stdin,
        }) => {
            let password = password_stdin
                .then(|| commands::read_password(true))
                .transpose()?;
            let options = cases::SeedOptions {
                cases,
                batch,
                seed,
                workers,
                password,
            };
            cases::seed(&settings(&cli.global, None)?, options).await
        }
        Command::Keys(KeysCommand::Init) => keys::init(&settings(&cli.global, None)?).await,
        Command::Keys(KeysCommand::Rotate { batch }) => {
            keys::rotate(&settings(&cli.global, None)?, batch).await
        }
        Command::Keys(KeysCommand::Verify) => keys::verify(&settings(&cli.global, None)?).await,
        Command::Keys(KeysCommand::Backup { file }) => {
            keys::backup(&settings(&cli.global, None)?, &file).await
        }
        Command::Config(ConfigCommand::Show) => {
            print!("{}", settings(&cli.global, None)?.to_redacted_toml());
            Ok(())
        }
        Command::Demo {
            listen,
            demo_password,
            cases,
            mfa,
        } => {
            demo::demo(
                &settings(&cli.global, listen)?,
                caseward_crypto::Password::new(demo_password),
                cases,
                mfa,
            )
            .await
        }
        Command::Openapi => {
            println!("{}", caseward_server::openapi_json());
            Ok(())
        }
    }
}
