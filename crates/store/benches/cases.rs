//! Case create and get on both stores, through the `Store` trait as the server uses it.
//!
//! Run: `cargo bench -p caseward-store --bench cases` (PostgreSQL at 127.0.0.1:5432, or
//! `CASEWARD_TEST_POSTGRES`). Each create is one durable transaction (SQLite: WAL with
//! `synchronous = FULL`; PostgreSQL: default `synchronous_commit = on`).

use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::config::{Configuration, SourceFile, load};
use caseward_domain::synthetic::synthetic_case;
use caseward_domain::user::Role;
use caseward_store::testing::{Backend, TestDatabase};
use caseward_store::{NewCase, NewUser, Store};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use std::path::Path;
use std::sync::Arc;

fn default_config() -> Configuration {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let mut paths = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .iter()
        .map(|p| SourceFile {
            name: p.display().to_string(),
            text: std::fs::read_to_string(p).unwrap(),
        })
        .collect();
    load(&sources).unwrap()
}

fn new_case(config: &Configuration, worker: uuid::Uuid, rng: &mut rand::rngs::StdRng) -> NewCase {
    let case_type = config.case_type("child_protection").unwrap();
    let now = chrono::Utc::now();
    let case = synthetic_case(config, case_type, rng, now);
    let id = uuid::Uuid::now_v7();
    // A create commits its audit entry in the same transaction, as the server's does.
    let event = AuditEvent {
        case_id: Some(id),
        actor_role: Some("case_worker".into()),
        fields: case.fields.keys().cloned().collect(),
        ..AuditEvent::new(Some(worker), AuditAction::CaseCreate)
    };
    NewCase {
        id,
        case_type: case_type.id.clone(),
        case_type_code: case_type.code.clone(),
        stage: case.stage,
        intensity: case.intensity,
        assigned_to: worker,
        created_by: worker,
        config_version: config.version,
        fields: case.fields,
        caseload_override_reason: None,
        search_tokens: Vec::new(),
        dimensions: Vec::new(),
        audit: vec![event],
        now,
    }
}

fn bench_cases(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = default_config();
    let mut group = c.benchmark_group("case");
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = format!("{backend:?}").to_lowercase();
        let database = runtime.block_on(TestDatabase::new(backend));
        let store: Arc<dyn Store> = runtime.block_on(database.open());
        let worker = runtime
            .block_on(store.create_user(NewUser {
                id: uuid::Uuid::now_v7(),
                username: "bench".into(),
                display_name: "Bench".into(),
                role: Role::CASE_WORKER,
                agency: None,
                password_hash: "x".into(),
                audit: Vec::new(),
                now: chrono::Utc::now(),
            }))
            .unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        group.bench_function(BenchmarkId::new("create", &name), |b| {
            b.to_async(&runtime).iter_batched(
                || new_case(&config, worker.id, &mut rng),
                |case| {
                    let store = store.clone();
                    async move { store.create_case(case).await.unwrap() }
                },
                criterion::BatchSize::SmallInput,
            )
        });
        let ids: Vec<uuid::Uuid> = runtime.block_on(async {
            let mut ids = Vec::new();
            for _ in 0..200 {
                ids.push(
                    store
                        .create_case(new_case(&config, worker.id, &mut rng))
                        .await
                        .unwrap()
                        .summary
                        .id,
                );
            }
            ids
        });
        let mut next = 0;
        group.bench_function(BenchmarkId::new("get", &name), |b| {
            b.to_async(&runtime).iter(|| {
                next = (next + 1) % ids.len();
                let (store, id) = (store.clone(), ids[next]);
                async move { store.case_by_id(id).await.unwrap().unwrap() }
            })
        });
        drop(store);
        drop(database);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(5));
    targets = bench_cases
}
criterion_main!(benches);
