//! Synthetic cases in bulk: realistic values from the configuration (`domain::synthetic`),
//! validated like any case, spread over the case types and the workers, opened over the last
//! ten months — the same cases for the same seed — each with the history it would have had by
//! now (`domain::synthetic_history`: its moves, contact notes, care plan), all audited at the
//! time it happened. One thread makes batches while the store writes the previous one, each
//! batch in one transaction (`Store::import_cases`).

use anyhow::Result;
use caseward_crypto::Keyring;
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::care_plan::CarePlanStatus;
use caseward_domain::config::Configuration;
use caseward_domain::synthetic::synthetic_case;
use caseward_domain::synthetic_history::synthetic_history;
use caseward_domain::user::UserId;
use caseward_domain::validate::validate_case;
use caseward_store::{
    ImportedCarePlan, ImportedCase, ImportedNote, ImportedTransition, NewCase, Store,
};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// What to make.
#[derive(Debug, Clone, Copy)]
pub struct SeedPlan {
    pub cases: u32,
    /// Cases a transaction.
    pub batch: u32,
    /// The random seed: the same seed, the same cases (relative to `today`).
    pub seed: u64,
    /// Print a progress line to standard error as batches are written.
    pub progress: bool,
}

/// What was made, and how fast.
#[derive(Debug, Clone, Copy)]
pub struct SeedReport {
    pub made: u32,
    /// Rows written, every table counted (a case with its history is many rows).
    pub rows: u64,
    pub elapsed: std::time::Duration,
}

impl SeedReport {
    pub fn per_second(&self) -> f64 {
        f64::from(self.made) / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Who holds the synthetic cases: a worker, and the supervisor who approves their plans.
#[derive(Debug, Clone, Copy)]
pub struct Holder {
    pub worker: UserId,
    pub supervisor: Option<UserId>,
}

/// One case with its history, ready for the store, or `None` when the synthetic values do not
/// validate.
fn make_case(
    config: &Configuration,
    keyring: &Keyring,
    rng: &mut rand_chacha::ChaCha8Rng,
    index: u32,
    count: u32,
    holders: &[Holder],
    today: DateTime<Utc>,
) -> Option<ImportedCase> {
    let case_type = &config.case_types[index as usize % config.case_types.len()];
    let holder = holders[(index as usize / config.case_types.len()) % holders.len()];
    let worker = holder.worker;
    // Opened in order over the last ten months, as cases come in: each case's id (a UUIDv7 of
    // its opening) follows the one before, so a million inserts append to the indexes keyed by
    // case instead of scattering across them.
    let span = 300 * 24 * 60 - 60;
    let step = span as f64 / f64::from(count.max(1));
    let minutes_ago =
        span - (f64::from(index) * step) as i64 - rng.gen_range(0..step.ceil().max(1.0) as i64);
    let opened = today - Duration::minutes(minutes_ago.max(60));
    let case = synthetic_case(config, case_type, rng, opened);
    if !validate_case(config, case_type, &case.stage, &case.fields, opened).is_empty() {
        return None;
    }
    // A UUIDv7 of the opening time and seeded bytes: the same seed gives the same ids.
    let id = seeded_id(rng, opened);
    let event = |action: AuditAction, subject: Option<uuid::Uuid>| AuditEvent {
        case_id: Some(id),
        subject,
        client: "cli".into(),
        ..AuditEvent::new(Some(worker), action)
    };
    let history = synthetic_history(config, case_type, &case.stage, opened, today, rng);
    let mut imported = ImportedCase::new(NewCase {
        id,
        case_type: case_type.id.clone(),
        case_type_code: case_type.code.clone(),
        stage: case.stage,
        intensity: case.intensity,
        assigned_to: worker,
        created_by: worker,
        config_version: config.version,
        search_tokens: caseward_server::search_tokens(keyring, case_type, &case.fields),
        dimensions: caseward_domain::dimensions::report_dimensions(
            config,
            case_type,
            &case.fields,
            opened.date_naive(),
        ),
        audit: vec![AuditEvent {
            fields: case.fields.keys().cloned().collect(),
            reason: Some("synthetic case".into()),
            ..event(AuditAction::CaseCreate, None)
        }],
        fields: case.fields,
        caseload_override_reason: None,
        now: opened,
    });
    for step in history.moves {
        let move_id = seeded_id(rng, opened);
        imported.history_audit.push((
            AuditEvent {
                fields: vec![step.to.clone()],
                ..event(AuditAction::CaseTransition, Some(move_id))
            },
            step.at,
        ));
        imported.transitions.push(ImportedTransition {
            id: move_id,
            from: step.from,
            to: step.to,
            by: worker,
            at: step.at,
            reason: None,
        });
    }
    for note in history.notes {
        let note_id = seeded_id(rng, opened);
        imported
            .history_audit
            .push((event(AuditAction::NoteCreate, Some(note_id)), note.at));
        imported.notes.push(ImportedNote {
            id: note_id,
            kind: note.kind.to_string(),
            body: note.body,
            confidential: false,
            written_by: worker,
            written_at: note.at,
            next_contact_on: note.next_contact_on,
        });
    }
    if let Some(plan) = history.care_plan {
        let plan_id = seeded_id(rng, opened);
        imported.history_audit.push((
            event(AuditAction::CarePlanSave, Some(plan_id)),
            plan.written_at,
        ));
        let decision = plan.approved_at.zip(holder.supervisor);
        if let Some((at, supervisor)) = decision {
            imported.history_audit.push((
                AuditEvent {
                    actor: Some(supervisor),
                    ..event(AuditAction::CarePlanDecide, Some(plan_id))
                },
                at,
            ));
        }
        imported.care_plans.push(ImportedCarePlan {
            id: plan_id,
            version: 1,
            status: if decision.is_some() {
                CarePlanStatus::Approved
            } else {
                CarePlanStatus::Submitted
            },
            content: plan.content,
            written_by: worker,
            written_at: plan.written_at,
            decided_by: decision.map(|(_, by)| by),
            decided_at: decision.map(|(at, _)| at),
            comment: None,
        });
    }
    Some(imported)
}

/// A UUIDv7 of `at` and seeded bytes: the same seed gives the same ids. A case's history rows
/// take its opening time too, as rows brought in with it: since cases come in time order, every
/// table's primary key then grows at its end (ids of the rows' own times would land all over
/// the months after the opening, each insert on another page of the index).
fn seeded_id(rng: &mut rand_chacha::ChaCha8Rng, at: DateTime<Utc>) -> uuid::Uuid {
    uuid::Builder::from_unix_timestamp_millis(
        at.timestamp_millis() as u64,
        &rng.r#gen::<[u8; 10]>(),
    )
    .into_uuid()
}

/// Make and write the plan's cases for `workers`.
pub async fn seed_cases(
    config: Arc<Configuration>,
    keyring: Arc<Keyring>,
    store: &Arc<dyn Store>,
    holders: Vec<Holder>,
    plan: SeedPlan,
    today: DateTime<Utc>,
) -> Result<SeedReport> {
    let started = Instant::now();
    if holders.is_empty() || plan.cases == 0 || config.case_types.is_empty() {
        return Ok(SeedReport {
            made: 0,
            rows: 0,
            elapsed: started.elapsed(),
        });
    }
    let batch = plan.batch.max(1);
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<ImportedCase>>(2);
    let maker = tokio::task::spawn_blocking(move || {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(plan.seed);
        let mut next = Vec::with_capacity(batch as usize);
        for index in 0..plan.cases {
            if let Some(case) = make_case(
                &config, &keyring, &mut rng, index, plan.cases, &holders, today,
            ) {
                next.push(case);
            }
            if next.len() == batch as usize {
                let full = std::mem::replace(&mut next, Vec::with_capacity(batch as usize));
                if sender.blocking_send(full).is_err() {
                    return;
                }
            }
        }
        if !next.is_empty() {
            let _ = sender.blocking_send(next);
        }
    });
    // Two batches in flight: one seals while the other holds the write lock.
    let mut writing = tokio::task::JoinSet::new();
    let mut made = 0u32;
    let mut rows = 0u64;
    while let Some(cases) = batches.recv().await {
        if writing.len() == 2 {
            made += writing.join_next().await.expect("a batch in flight")??;
        }
        rows += cases.iter().map(|c| c.rows() as u64).sum::<u64>();
        let store = store.clone();
        writing.spawn(async move { store.import_cases(cases).await });
        if plan.progress {
            let rate = f64::from(made) / started.elapsed().as_secs_f64().max(1e-9);
            eprint!(
                "\r{made:>10} of {} cases ({:>3.0} %), {rate:>8.0} a second",
                plan.cases,
                100.0 * f64::from(made) / f64::from(plan.cases)
            );
            let _ = std::io::stderr().flush();
        }
    }
    while let Some(written) = writing.join_next().await {
        made += written??;
    }
    maker.await?;
    if plan.progress {
        eprintln!();
    }
    Ok(SeedReport {
        made,
        rows,
        elapsed: started.elapsed(),
    })
}
