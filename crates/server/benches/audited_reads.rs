//! Audited case reads over HTTP against the same database's durable single-row insert rate,
//! measured in the same run (issue 4: audited reads must not each pay a disk sync; target at
//! least twice the single-insert rate on SQLite).
//!
//! Each round: (1) append one audit entry per transaction, sequentially, for a fixed time —
//! the database's durable single-row insert rate; (2) 50 logged-in clients read one case
//! concurrently over HTTP (session check, policy, projection, durable audit entry) for a
//! fixed time. Three rounds per backend; the medians are printed with the ratio.
//!
//! Then `audit verify`'s rate: the chain is filled to `VERIFY_ENTRIES` entries (in batches)
//! and verified whole.
//!
//! `cargo bench -p caseward-server --bench audited_reads` (PostgreSQL at
//! `CASEWARD_TEST_POSTGRES`, as for the tests). `-- --quick` runs one short round per backend;
//! so does `cargo test --benches` (what CI runs to keep the bench working).

use caseward_crypto::{Keyring, Password, PasswordHasher, PasswordParams};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::{CaseFields, FieldValue};
use caseward_domain::clock::SystemClock;
use caseward_domain::config::{Intensity, SourceFile, load};
use caseward_domain::user::Role;
use caseward_server::{AppState, ServerSettings};
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{NewCase, NewUser, Store};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;
const VERIFY_ENTRIES: i64 = 200_000;

const CONFIG: &str = r#"
[instance]
version = 1
default_language = "en"
languages = ["en"]

[[stage]]
id = "identification"
label = { en = "Identification" }

[case_type]
id = "child_protection"
code = "CP"
name = { en = "Child protection" }
domain = "child_protection"
default_intensity = 2
recommended_caseload = 20
maximum_caseload = 25
review_frequency_days = 30
stages = ["identification"]

[[section]]
id = "main"
label = { en = "Main" }

[[section.field]]
id = "child_name"
type = "short_text"
label = { en = "Name" }
classification = "restricted"

[[section.field]]
id = "summary"
type = "long_text"
label = { en = "Summary" }
classification = "standard"
"#;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Durable single-entry appends per second, one transaction each, for `period`.
async fn single_insert_rate(store: &Arc<dyn Store>, period: Duration) -> f64 {
    let started = Instant::now();
    let mut count = 0u64;
    while started.elapsed() < period {
        store
            .append_audit(
                vec![AuditEvent::new(None, AuditAction::LoginFailed)],
                chrono::Utc::now(),
            )
            .await
            .expect("append");
        count += 1;
    }
    count as f64 / started.elapsed().as_secs_f64()
}

/// Audited reads per second by `CLIENTS` concurrent sessions, for `period`.
async fn audited_read_rate(url: &str, case_id: uuid::Uuid, period: Duration) -> f64 {
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let response = client
            .post(format!("{url}/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": "worker1", "password": "bench-password-1" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login");
        clients.push(client);
    }
    let reads = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in clients {
        let (reads, stop) = (reads.clone(), stop.clone());
        let target = format!("{url}/api/v1/cases/{case_id}");
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let response = client.get(&target).send().await.unwrap();
                assert_eq!(response.status(), 200);
                response.bytes().await.unwrap();
                reads.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(period).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    reads.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

async fn run(backend: Backend, rounds: usize, period: Duration, quick: bool) {
    let database = TestDatabase::new(backend).await;
    let store = database.open().await;
    let config = Arc::new(
        load(&[SourceFile {
            name: "bench.toml".into(),
            text: CONFIG.into(),
        }])
        .expect("bench configuration"),
    );
    let hasher = PasswordHasher::new(PasswordParams::insecure_for_tests()).unwrap();
    let now = chrono::Utc::now();
    let worker = store
        .create_user(NewUser {
            id: uuid::Uuid::now_v7(),
            username: "worker1".into(),
            display_name: "Worker".into(),
            role: Role::CASE_WORKER,
            agency: None,
            password_hash: hasher
                .hash(&Password::new("bench-password-1".into()))
                .unwrap(),
            audit: Vec::new(),
            now,
        })
        .await
        .unwrap();
    let case = store
        .create_case(NewCase {
            id: uuid::Uuid::now_v7(),
            case_type: "child_protection".into(),
            case_type_code: "CP".into(),
            stage: "identification".into(),
            intensity: Intensity::Medium,
            assigned_to: worker.id,
            created_by: worker.id,
            config_version: 1,
            fields: CaseFields::from([
                ("child_name".into(), FieldValue::Text("Amina K.".into())),
                (
                    "summary".into(),
                    FieldValue::Text("Separated at the border crossing.".repeat(20)),
                ),
            ]),
            caseload_override_reason: None,
            search_tokens: Vec::new(),
            dimensions: Vec::new(),
            audit: Vec::new(),
            now,
        })
        .await
        .unwrap();
    let state = AppState::new(
        store.clone(),
        config,
        Arc::new(Keyring::generate(&mut rand::rngs::OsRng)),
        Arc::new(SystemClock),
        hasher,
        ServerSettings {
            mfa_required_roles: Vec::new(),
            ..ServerSettings::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(caseward_server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let (mut inserts, mut reads) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        inserts.push(single_insert_rate(&store, period).await);
        reads.push(audited_read_rate(&url, case.summary.id, period).await);
    }
    let (insert, read) = (median(inserts.clone()), median(reads.clone()));
    println!(
        "{backend:?}: durable single-row inserts {insert:.0}/s (rounds {inserts:.0?}); \
         audited reads at {CLIENTS} sessions {read:.0}/s (rounds {reads:.0?}); ratio {:.1}",
        read / insert
    );
    let _ = stop.send(());
    let _ = server.await;

    // `audit verify`: fill the chain, then verify it whole.
    let target = if quick { 2_000 } else { VERIFY_ENTRIES };
    let batch: Vec<AuditEvent> = (0..1000)
        .map(|i| AuditEvent {
            actor: Some(worker.id),
            actor_role: Some("case_worker".into()),
            case_id: Some(case.summary.id),
            fields: vec!["child_name".into(), "summary".into(), format!("f{i}")],
            request_id: Some(uuid::Uuid::now_v7().to_string()),
            client: "web".into(),
            ..AuditEvent::new(Some(worker.id), AuditAction::CaseRead)
        })
        .collect();
    while store.audit_head().await.unwrap().0 < target {
        store
            .append_audit(batch.clone(), chrono::Utc::now())
            .await
            .unwrap();
    }
    let started = Instant::now();
    let verified = caseward_store::audit_verify::verify_chain(store.as_ref())
        .await
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert!(verified.is_intact());
    println!(
        "{backend:?}: audit verify {} entries in {seconds:.2} s: {:.0} entries/s",
        verified.verified,
        verified.verified as f64 / seconds
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` (CI keeping it working) does not,
    // and gets the quick run, like criterion's test mode.
    let quick =
        std::env::args().any(|a| a == "--quick") || !std::env::args().any(|a| a == "--bench");
    let (rounds, period) = if quick {
        (1, Duration::from_millis(300))
    } else {
        (3, Duration::from_secs(5))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        runtime.block_on(run(backend, rounds, period, quick));
    }
}
