//! Two `caseward serve` processes on one PostgreSQL database share the background work: every
//! passed deadline's alert is recorded once and emailed once, through a real local SMTP
//! receiver, however many sweeps both nodes run; a configuration version imported while they
//! run comes into force on both without a restart.

mod common;

use caseward_server::smtp_receiver::SmtpReceiver;
use caseward_store::testing::{Backend, TestDatabase};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CASES: usize = 24;

/// `caseward` with the instance's options, which must succeed.
fn caseward_on(args: &[&str], instance: &[&str], stdin: Option<&str>) {
    let output = common::caseward(&[instance, args].concat(), stdin);
    assert!(
        output.status.success(),
        "caseward {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A serve node and its address; killed on drop.
struct Node(Child, String);

impl Node {
    fn start(instance: &[&str], name: &str, smtp: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_caseward"))
            .args(instance)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("CASEWARD_NODE_NAME", name)
            .env("CASEWARD_SMTP_URL", smtp)
            .env("CASEWARD_SMTP_FROM", "Caseward <caseward@example.org>")
            .env("CASEWARD_JOB_POLL_MS", "20")
            .env("CASEWARD_DEADLINE_SWEEP_SECONDS", "1")
            .env("CASEWARD_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines
            .find_map(|line| {
                line.unwrap()
                    .strip_prefix("listening on ")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| panic!("node {name} started"));
        Self(child, url)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A PostgreSQL instance made with `init`, with one case worker, `worker1`.
struct Instance {
    url: String,
    keyring: String,
    attachments: String,
}

impl Instance {
    fn new(db: &TestDatabase, dir: &std::path::Path) -> Self {
        let caseward_store::StoreLocation::Postgres(url) = db.location.clone() else {
            unreachable!("a PostgreSQL test database")
        };
        let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
        let instance = Self {
            url,
            keyring: path("caseward.keyring"),
            attachments: path("attachments"),
        };
        caseward_on(&["init"], &instance.args(), None);
        caseward_on(
            &[
                "user",
                "add",
                "--username",
                "worker1",
                "--display-name",
                "Worker",
                "--role",
                "case_worker",
                "--password-stdin",
            ],
            &instance.args(),
            Some("a long enough password\n"),
        );
        instance
    }

    fn args(&self) -> [&str; 6] {
        [
            "--database",
            &self.url,
            "--keyring",
            &self.keyring,
            "--attachments",
            &self.attachments,
        ]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_run_each_job_once() {
    let (db, dir) = (
        TestDatabase::new(Backend::Postgres).await,
        tempfile::tempdir().unwrap(),
    );
    let made = Instance::new(&db, dir.path());
    let (url, instance) = (made.url.clone(), made.args());
    caseward_on(
        &["dev", "seed", "--cases", &CASES.to_string()],
        &instance,
        None,
    );
    // The cases were opened six weeks ago, so deadlines of their stages passed; the worker wants
    // alerts by email.
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE cases SET created_at = created_at - INTERVAL '45 days'")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO notification_emails (user_id, email, updated_at)
         SELECT id, 'worker1@example.org', now() FROM users WHERE username = 'worker1'",
    )
    .execute(&mut connection)
    .await
    .unwrap();

    let receiver = SmtpReceiver::start().await.unwrap();
    let nodes = [
        Node::start(&instance, "node-a", &receiver.url()),
        Node::start(&instance, "node-b", &receiver.url()),
    ];
    // The first email means the first sweep committed its alerts (all at once).
    receiver.wait_for(1, Duration::from_secs(90)).await;
    let alerts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alerts")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    let expected = usize::try_from(alerts).unwrap();
    assert!(expected >= 1);
    let received = receiver.wait_for(expected, Duration::from_secs(60)).await;
    assert_eq!(received.len(), expected, "an email per alert");
    assert!(received.iter().all(|m| m.to == ["worker1@example.org"]));
    // Both nodes keep sweeping every second: wait for a message that must not come.
    let later = receiver
        .wait_for(expected + 1, Duration::from_secs(4))
        .await;
    assert_eq!(later.len(), expected, "no email twice");
    let sweeps: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'deadline_sweep' AND done_at IS NOT NULL",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert!(
        sweeps >= 3,
        "the nodes swept again meanwhile ({sweeps} sweeps)"
    );
    drop(nodes);
    let alerts_now: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alerts")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(alerts_now, alerts, "later sweeps recorded nothing twice");
    let rows: Vec<(String, Option<String>, i32)> = sqlx::query_as(
        "SELECT kind, done_by, attempts FROM jobs WHERE done_at IS NOT NULL ORDER BY run_at",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    let mut by_node: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (kind, node, _) in &rows {
        *by_node
            .entry((kind.clone(), node.clone().unwrap()))
            .or_default() += 1;
    }
    let emails: usize = by_node
        .iter()
        .filter(|((kind, _), _)| kind == "alert_email")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(emails, expected, "each email job done once: {by_node:?}");
    assert!(
        by_node
            .keys()
            .all(|(_, node)| node == "node-a" || node == "node-b"),
        "{by_node:?}"
    );
    assert!(
        rows.iter().all(|(_, _, attempts)| *attempts == 0),
        "no job failed"
    );
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND kind = 'deadline_sweep'",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(pending, 1, "one sweep queued for whichever node comes next");
    eprintln!("jobs done by node: {by_node:?}");
    let _ = connection.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_imported_comes_into_force_on_every_node() {
    let (db, dir) = (
        TestDatabase::new(Backend::Postgres).await,
        tempfile::tempdir().unwrap(),
    );
    let made = Instance::new(&db, dir.path());
    let instance = made.args();
    let nodes = [
        Node::start(&instance, "node-a", "smtp://127.0.0.1:9"),
        Node::start(&instance, "node-b", "smtp://127.0.0.1:9"),
    ];
    let version_on = |node: &Node| {
        let base = node.1.clone();
        async move {
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let login = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({ "username": "worker1", "password": "a long enough password" }))
                .send()
                .await
                .unwrap();
            assert_eq!(login.status(), 200);
            let config: serde_json::Value = client
                .get(format!("{base}/api/v1/config"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            config["version"].as_u64().unwrap()
        }
    };
    for node in &nodes {
        assert_eq!(version_on(node).await, 1);
    }
    let folder = dir.path().join("config");
    caseward_on(
        &["config", "export", folder.to_str().unwrap()],
        &instance,
        None,
    );
    let gbv = folder.join("case_types/gbv.toml");
    let text = std::fs::read_to_string(&gbv).unwrap();
    std::fs::write(
        &gbv,
        text.replacen(
            "review_frequency_days = 30",
            "review_frequency_days = 21",
            1,
        ),
    )
    .unwrap();
    caseward_on(
        &["config", "import", folder.to_str().unwrap()],
        &instance,
        None,
    );
    // Each node polls every 20 ms: ask until it answers with the new version (bounded).
    for node in &nodes {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while version_on(node).await != 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "{} took up version 2",
                node.1
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
