//! `caseward-load`: closed-loop HTTP load against a running Caseward server (issue 7).
//!
//! Logs every session in first (each its own cookie jar and connection), gathers what the mix
//! needs (the configuration, the workers' case lists), then runs every session for the warm-up
//! and the timed period and prints, per operation, the successful requests a second and their
//! latency percentiles, the errors and the version conflicts. Exits with 1 when more than 1 %
//! of the requests failed (version conflicts aside) or none succeeded.
//!
//! ```sh
//! caseward-load --url http://127.0.0.1:8080 --password PW --workers 3 --supervisors 1 \
//!     --sessions 50 --duration 20 --mix realistic --server-pid PID --json out.json
//! ```

mod api;
mod connection;
mod edit;
mod mix;
mod plan;
mod prepare;
mod rss;
mod session;
mod stats;

use anyhow::{Context, Result};
use clap::Parser;
use mix::{ErrorLog, Window};
use plan::Mix;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(
    name = "caseward-load",
    about = "Closed-loop load on a Caseward server: case workers listing, opening and editing cases, supervisors loading the dashboard."
)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// The password of every user the sessions log in as.
    #[arg(long, env = "CASEWARD_LOAD_PASSWORD", hide_env_values = true)]
    password: String,
    /// Case-worker users: worker1..workerK.
    #[arg(long, default_value_t = 3)]
    workers: u32,
    /// Supervisor users: supervisor1..supervisorS.
    #[arg(long, default_value_t = 1)]
    supervisors: u32,
    /// Concurrent sessions (users are shared round-robin).
    #[arg(long, default_value_t = 50)]
    sessions: usize,
    /// The timed period, in seconds.
    #[arg(long, default_value_t = 20.0)]
    duration: f64,
    /// Seconds of load before the timed period, not counted.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    #[arg(long, value_enum, default_value_t = Mix::Realistic)]
    mix: Mix,
    /// The server's process id: report its resident memory (/proc/PID/status).
    #[arg(long, value_name = "PID")]
    server_pid: Option<u32>,
    /// Also write the figures as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// The random seed of the sessions' choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Threads of the load generator (it shares the machine with the server).
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

#[derive(Debug, serde::Serialize)]
struct Report {
    mix: Mix,
    url: String,
    sessions: usize,
    worker_sessions: usize,
    supervisor_sessions: usize,
    manager_sessions: usize,
    workers: u32,
    supervisors: u32,
    warmup_s: f64,
    duration_s: f64,
    operations: Vec<stats::OpReport>,
    total: stats::OpReport,
    /// Errors / (successful + errors); version conflicts are neither.
    failed_fraction: f64,
    first_errors: Vec<String>,
    rss: Option<rss::RssReport>,
    passed: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    };
    let result = runtime
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(run(args)));
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// The run; whether it passed.
async fn run(args: Args) -> Result<bool> {
    anyhow::ensure!(
        args.duration > 0.0 && args.warmup >= 0.0,
        "--duration must be positive and --warmup not negative"
    );
    let url = args.url.trim_end_matches('/').to_string();
    let seats = plan::seats(args.mix, args.sessions, args.workers, args.supervisors)?;
    let started = Instant::now();
    let sessions = prepare::log_in(&url, &args.password, &seats).await?;
    let behaviours = prepare::behaviours(args.mix, &seats, &sessions).await?;
    let count = |role: plan::Role| seats.iter().filter(|s| s.role == role).count();
    let worker_sessions = count(plan::Role::Worker);
    let supervisor_sessions = count(plan::Role::Supervisor);
    let manager_sessions = count(plan::Role::Manager);
    println!(
        "{} mix: {} sessions ({worker_sessions} case worker, {supervisor_sessions} supervisor, \
         {manager_sessions} programme manager) logged in and ready in {:.1} s; \
         {:.0} s warm-up, {:.0} s timed",
        args.mix.name(),
        seats.len(),
        started.elapsed().as_secs_f64(),
        args.warmup,
        args.duration
    );

    let now = Instant::now();
    let warm_end = now + Duration::from_secs_f64(args.warmup);
    let window = Window {
        warm_end,
        end: warm_end + Duration::from_secs_f64(args.duration),
    };
    let errors = Arc::new(ErrorLog::default());
    let memory = args.server_pid.map(|pid| {
        tokio::spawn(rss::sample(
            pid,
            tokio::time::Instant::from_std(window.warm_end),
            tokio::time::Instant::from_std(window.end),
        ))
    });
    let mut tasks = Vec::new();
    for (index, (session, behaviour)) in sessions.into_iter().zip(behaviours).enumerate() {
        let seed = args.seed.wrapping_mul(1_000_003).wrapping_add(index as u64);
        tasks.push(tokio::spawn(mix::drive(
            session,
            behaviour,
            window,
            errors.clone(),
            seed,
        )));
    }
    let mut recorder = stats::Recorder::default();
    for task in tasks {
        recorder.merge(task.await.context("a session failed")?);
    }
    let rss = match memory {
        Some(task) => task.await.context("the memory sampler failed")?,
        None => None,
    };

    let (operations, total) = stats::rows(&recorder, args.duration);
    let failed_fraction = stats::failed_fraction(&total);
    let passed = total.ok > 0 && failed_fraction <= 0.01;
    print!("{}", stats::table(&operations, &total));
    if let Some(rss) = &rss {
        println!(
            "server RSS (pid {}, {} samples): peak {:.1} MiB, last {:.1} MiB{}",
            rss.pid,
            rss.samples,
            rss.peak_mib,
            rss.last_mib,
            rss.hwm_mib
                .map(|h| format!(", VmHWM since start {h:.1} MiB"))
                .unwrap_or_default()
        );
    } else if let Some(pid) = args.server_pid {
        println!("server RSS: /proc/{pid}/status could not be read");
    }
    let first_errors = errors.first();
    if !first_errors.is_empty() {
        println!("first errors:");
        for error in &first_errors {
            println!("  {error}");
        }
    }
    if !passed {
        println!(
            "FAILED: {} of {} requests failed ({:.2} %; at most 1 % allowed){}",
            total.errors,
            total.ok + total.errors,
            100.0 * failed_fraction,
            if total.ok == 0 {
                "; none succeeded"
            } else {
                ""
            }
        );
    }
    if let Some(path) = &args.json {
        let report = Report {
            mix: args.mix,
            url,
            sessions: seats.len(),
            worker_sessions,
            supervisor_sessions,
            manager_sessions,
            workers: args.workers,
            supervisors: args.supervisors,
            warmup_s: args.warmup,
            duration_s: args.duration,
            operations,
            total,
            failed_fraction,
            first_errors,
            rss,
            passed,
        };
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(passed)
}
