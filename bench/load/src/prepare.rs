//! Before the clock starts: log every session in, and give each its part (the configuration
//! for choosing fields to edit, the cases its worker sees for the reads and updates mixes).

use crate::api::{CasePage, CaseSummary, ConfigDoc};
use crate::edit::EditRules;
use crate::mix::Behaviour;
use crate::plan::{Mix, Role, Seat};
use crate::session::Session;
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::sync::Arc;

/// Logins at once: each costs the server an Argon2 hash.
const CONCURRENT_LOGINS: usize = 4;
/// Cases gathered per worker for the reads and updates mixes.
const POOL: usize = 500;

/// Log in every seat, a few at a time; the sessions in the seats' order.
pub async fn log_in(url: &str, password: &str, seats: &[Seat]) -> Result<Vec<Session>> {
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_LOGINS));
    let mut tasks = Vec::new();
    for seat in seats {
        let (url, password, username) =
            (url.to_string(), password.to_string(), seat.username.clone());
        let permits = permits.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await?;
            Session::login(&url, &username, &password).await
        }));
    }
    let mut sessions = Vec::new();
    for task in tasks {
        sessions.push(task.await.context("a login task failed")??);
    }
    Ok(sessions)
}

/// Up to `POOL` of the cases `session` sees, newest update first.
async fn cases_of(session: &Session) -> Result<Vec<CaseSummary>> {
    let mut cases = Vec::new();
    for page in 1.. {
        let found: CasePage = session
            .get_json(&format!("/api/v1/cases?page={page}&per_page=100"))
            .await?;
        let last = found.items.len() < 100;
        cases.extend(found.items);
        if last || cases.len() as u64 >= found.total || cases.len() >= POOL {
            break;
        }
    }
    cases.truncate(POOL);
    if cases.is_empty() {
        bail!(
            "{} sees no cases: seed the instance first",
            session.username
        );
    }
    Ok(cases)
}

/// Each seat's part, in the seats' order.
pub async fn behaviours(mix: Mix, seats: &[Seat], sessions: &[Session]) -> Result<Vec<Behaviour>> {
    let first_worker = seats.iter().position(|s| s.role == Role::Worker);
    let rules = match (mix, first_worker) {
        (Mix::Realistic | Mix::Updates, Some(at)) => {
            let config: ConfigDoc = sessions[at].get_json("/api/v1/config").await?;
            Some(Arc::new(EditRules::from_config(&config)))
        }
        _ => None,
    };
    // One list of cases per worker user, from its first session.
    let mut pools: HashMap<&str, Arc<Vec<CaseSummary>>> = HashMap::new();
    if matches!(mix, Mix::Reads | Mix::Updates) {
        for (seat, session) in seats.iter().zip(sessions) {
            if seat.role == Role::Worker && !pools.contains_key(seat.username.as_str()) {
                pools.insert(&seat.username, Arc::new(cases_of(session).await?));
            }
        }
    }
    let mut out = Vec::new();
    for seat in seats {
        out.push(match (seat.role, mix, &rules) {
            (Role::Supervisor, _, _) => Behaviour::Supervisor,
            (Role::Manager, _, _) => Behaviour::Manager,
            (Role::Worker, Mix::Realistic, Some(rules)) => Behaviour::Worker(rules.clone()),
            (Role::Worker, Mix::Reads, _) => {
                Behaviour::Reader(pools[seat.username.as_str()].clone())
            }
            (Role::Worker, Mix::Updates, Some(rules)) => {
                editor(seat, &pools[seat.username.as_str()], rules)?
            }
            _ => bail!(
                "no part for a {:?} session in the {} mix",
                seat.role,
                mix.name()
            ),
        });
    }
    Ok(out)
}

/// The cases a seat edits: its share of its worker's cases (so that the sessions of one user
/// seldom edit the same case), each with the field to change; all of them if the share is
/// empty.
fn editor(seat: &Seat, pool: &[CaseSummary], rules: &EditRules) -> Result<Behaviour> {
    // A field per case, varying from case to case.
    let editable = |(i, case): (usize, &CaseSummary)| {
        let fields = rules.candidates(&case.case_type, &case.stage, &[]);
        let field = fields.get(i % fields.len().max(1))?;
        Some((case.clone(), (*field).clone()))
    };
    let share: Vec<_> = pool
        .iter()
        .enumerate()
        .filter(|(i, _)| i % seat.of_user.max(1) == seat.nth_of_user)
        .filter_map(editable)
        .collect();
    let targets = if share.is_empty() {
        pool.iter().enumerate().filter_map(editable).collect()
    } else {
        share
    };
    if targets.is_empty() {
        bail!(
            "{}: none of its cases has an optional text field to edit",
            seat.username
        );
    }
    Ok(Behaviour::Editor(targets))
}
