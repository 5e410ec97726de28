//! What a session does, closed-loop: it sends its next request when the previous one has
//! answered, until the end of the timed period. Requests that start after the warm-up are
//! recorded.

use crate::api::{CaseAnswer, CasePage, CaseSummary, Problem};
use crate::edit::{Candidate, EditRules, new_value};
use crate::session::{Answer, Session, Timed, describe};
use crate::stats::{Op, Outcome, Recorder};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Cases a list page shows, as the web app asks.
pub const PER_PAGE: u64 = 25;

/// The warm-up ends at `warm_end`, the timed period at `end`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub warm_end: Instant,
    pub end: Instant,
}

/// The first few errors of the timed period, described without case content.
#[derive(Debug, Default)]
pub struct ErrorLog {
    first: Mutex<Vec<String>>,
}

impl ErrorLog {
    const KEEP: usize = 5;

    fn push(&self, text: String) {
        if let Ok(mut first) = self.first.lock()
            && first.len() < Self::KEEP
        {
            first.push(text);
        }
    }

    pub fn first(&self) -> Vec<String> {
        self.first.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

/// A session's part.
#[derive(Debug)]
pub enum Behaviour {
    /// Loads the dashboard.
    Supervisor,
    /// Reads aggregate reports, one of [`REPORTS`] after the other.
    Manager,
    /// Lists (35 %), opens (45 %) and edits (20 %) its cases.
    Worker(Arc<EditRules>),
    /// Opens cases of this pool.
    Reader(Arc<Vec<CaseSummary>>),
    /// Edits these cases, each with the field chosen for it.
    Editor(Vec<(CaseSummary, Candidate)>),
}

/// The reports a manager reads in turn: the seed's standard aggregate reports over every case.
const REPORTS: [&str; 5] = [
    "rows=stage&columns=case_type&status=all",
    "rows=sex&columns=case_type&status=all",
    "rows=age_group&columns=case_type&status=all",
    "rows=current_location&status=all",
    "rows=opened_month&columns=case_type&status=all",
];

/// An opened case: what editing it needs.
#[derive(Debug)]
struct Opened {
    id: String,
    version: i64,
    field: Option<Candidate>,
}

struct Runner {
    session: Session,
    window: Window,
    errors: Arc<ErrorLog>,
    recorder: Recorder,
    rng: ChaCha8Rng,
}

/// Run `behaviour` as `session` until `window.end`; what it recorded.
pub async fn drive(
    session: Session,
    behaviour: Behaviour,
    window: Window,
    errors: Arc<ErrorLog>,
    seed: u64,
) -> Recorder {
    let mut runner = Runner {
        session,
        window,
        errors,
        recorder: Recorder::default(),
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    match behaviour {
        Behaviour::Supervisor => runner.supervisor().await,
        Behaviour::Manager => runner.manager().await,
        Behaviour::Worker(rules) => runner.worker(&rules).await,
        Behaviour::Reader(pool) => runner.reader(&pool).await,
        Behaviour::Editor(targets) => runner.editor(targets).await,
    }
    runner.recorder
}

/// A `409` of problem type `conflict`: the case changed since the version sent (another
/// `409`, such as `caseload-exceeded`, is an error).
fn is_version_conflict(answer: &Answer) -> bool {
    answer.status == 409
        && serde_json::from_slice::<Problem>(&answer.body)
            .is_ok_and(|p| p.problem_type.as_deref() == Some("urn:caseward:problem:conflict"))
}

fn case_path(id: &str) -> String {
    format!("/api/v1/cases/{id}")
}

fn edit_body(version: i64, field: &Candidate, rng: &mut impl Rng) -> serde_json::Value {
    let mut fields = serde_json::Map::new();
    fields.insert(field.id.clone(), new_value(field, rng).into());
    serde_json::json!({ "version": version, "fields": fields })
}

impl Runner {
    fn running(&self) -> bool {
        Instant::now() < self.window.end
    }

    /// Record `timed` if it started after the warm-up; the answer when it succeeded (2xx), and
    /// whether it was a version conflict.
    fn note(&mut self, op: Op, timed: Timed) -> (Option<Answer>, bool) {
        let counted = timed.started >= self.window.warm_end;
        let (outcome, answer) = match timed.result {
            Ok(answer) if (200..300).contains(&answer.status) => (Outcome::Ok, Some(answer)),
            Ok(answer) if op == Op::Edit && is_version_conflict(&answer) => {
                (Outcome::Conflict, None)
            }
            Ok(answer) => {
                if counted {
                    self.errors.push(format!(
                        "{} as {}: {}",
                        op.name(),
                        self.session.username,
                        describe(answer.status, &answer.body)
                    ));
                }
                (Outcome::Status(answer.status), None)
            }
            Err(error) => {
                if counted {
                    self.errors.push(format!(
                        "{} as {}: no answer ({})",
                        op.name(),
                        self.session.username,
                        error
                    ));
                }
                (Outcome::Transport, None)
            }
        };
        if counted {
            self.recorder.record(op, outcome, timed.millis);
        }
        (answer, outcome == Outcome::Conflict)
    }

    /// A successful answer whose body did not parse is an error too.
    fn parse<T: serde::de::DeserializeOwned>(
        &mut self,
        op: Op,
        started: Instant,
        answer: &Answer,
    ) -> Option<T> {
        match serde_json::from_slice(&answer.body) {
            Ok(value) => Some(value),
            Err(_) => {
                if started >= self.window.warm_end {
                    self.recorder.unparsable(op);
                    self.errors.push(format!(
                        "{} as {}: {} with an answer of an unexpected shape",
                        op.name(),
                        self.session.username,
                        answer.status
                    ));
                }
                None
            }
        }
    }

    async fn supervisor(&mut self) {
        while self.running() {
            let timed = self.session.get("/api/v1/dashboard").await;
            self.note(Op::Dashboard, timed);
        }
    }

    async fn manager(&mut self) {
        let mut next = self.rng.gen_range(0..REPORTS.len());
        while self.running() {
            let path = format!("/api/v1/reports/cases?{}", REPORTS[next]);
            let timed = self.session.get(&path).await;
            self.note(Op::Report, timed);
            next = (next + 1) % REPORTS.len();
        }
    }

    async fn reader(&mut self, pool: &[CaseSummary]) {
        while self.running() {
            let Some(case) = pool.choose(&mut self.rng) else {
                return;
            };
            let timed = self.session.get(&case_path(&case.id)).await;
            self.note(Op::Open, timed);
        }
    }

    /// `GET /api/v1/cases/{id}`, and what an edit of it needs (`rules`: choose a field).
    async fn open(&mut self, id: &str, rules: Option<&EditRules>) -> Option<Opened> {
        let timed = self.session.get(&case_path(id)).await;
        let started = timed.started;
        let answer = self.note(Op::Open, timed).0?;
        let case: CaseAnswer = self.parse(Op::Open, started, &answer)?;
        let field = match rules {
            Some(rules) if case.access.may_update => rules
                .pick(
                    &case.summary.case_type,
                    &case.summary.stage,
                    &case.unwritable(),
                    &mut self.rng,
                )
                .cloned(),
            _ => None,
        };
        Some(Opened {
            id: case.summary.id,
            version: case.summary.version,
            field,
        })
    }

    /// `PATCH` one field of `case`; on a version conflict, read it again and try once more.
    /// Its new version, or `None` when the edit did not go through.
    async fn edit(&mut self, id: &str, version: i64, field: &Candidate) -> Option<i64> {
        let mut version = version;
        for attempt in 0..2 {
            let body = edit_body(version, field, &mut self.rng);
            let timed = self.session.patch(&case_path(id), &body).await;
            let started = timed.started;
            match self.note(Op::Edit, timed) {
                (Some(answer), _) => {
                    let case: CaseAnswer = self.parse(Op::Edit, started, &answer)?;
                    return Some(case.summary.version);
                }
                (None, true) if attempt == 0 => {
                    version = self.open(id, None).await?.version;
                }
                _ => return None,
            }
        }
        None
    }

    async fn worker(&mut self, rules: &EditRules) {
        let mut pages: Option<u64> = None;
        let mut listed: Vec<CaseSummary> = Vec::new();
        let mut current: Option<Opened> = None;
        while self.running() {
            let roll = self.rng.gen_range(0..100);
            let editable = current.as_ref().is_some_and(|c| c.field.is_some());
            // An edit needs an opened case with a field to change, an open a listed page.
            let op = if roll >= 80 && editable {
                Op::Edit
            } else if roll >= 35 && !listed.is_empty() {
                Op::Open
            } else {
                Op::List
            };
            match op {
                Op::List => {
                    let page = pages.map_or(1, |n| self.rng.gen_range(1..=n.max(1)));
                    let path = format!("/api/v1/cases?page={page}&per_page={PER_PAGE}");
                    let timed = self.session.get(&path).await;
                    let started = timed.started;
                    if let Some(answer) = self.note(Op::List, timed).0
                        && let Some(found) = self.parse::<CasePage>(Op::List, started, &answer)
                    {
                        pages = Some(found.total.div_ceil(PER_PAGE));
                        if !found.items.is_empty() {
                            listed = found.items;
                        }
                    }
                }
                Op::Open => {
                    let Some(id) = listed.choose(&mut self.rng).map(|c| c.id.clone()) else {
                        continue;
                    };
                    current = self.open(&id, Some(rules)).await;
                }
                _ => {
                    let Some(case) = current.as_mut() else {
                        continue;
                    };
                    let Some(field) = case.field.clone() else {
                        continue;
                    };
                    let (id, version) = (case.id.clone(), case.version);
                    match self.edit(&id, version, &field).await {
                        Some(version) => case.version = version,
                        None => current = None,
                    }
                }
            }
        }
    }

    async fn editor(&mut self, mut targets: Vec<(CaseSummary, Candidate)>) {
        while self.running() && !targets.is_empty() {
            let index = self.rng.gen_range(0..targets.len());
            let (case, field) = &targets[index];
            let (id, version, field) = (case.id.clone(), case.version, field.clone());
            match self.edit(&id, version, &field).await {
                Some(version) => targets[index].0.version = version,
                // Read it again before the next try (counted as an open).
                None => {
                    if let Some(opened) = self.open(&id, None).await {
                        targets[index].0.version = opened.version;
                    }
                }
            }
        }
    }
}
