//! Recording accesses in the audit trail.
//!
//! Writes hand their events to the store, which commits them in the write's own transaction.
//! Everything else (reads, lists, refusals, logins) goes through the [`AuditWriter`]: a task
//! that collects the events of concurrent requests and appends them in one transaction (group
//! commit), so that reads do not each pay a disk sync. A handler awaits its event's
//! durability before it answers; if the trail cannot be written, the request fails.

use crate::problem::{ApiError, ApiResult};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use caseward_domain::audit::{AuditAction, AuditEvent, Outcome};
use caseward_domain::clock::Clock;
use caseward_store::{Store, User};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most events one append carries.
const BATCH: usize = 512;

struct Pending {
    events: Vec<AuditEvent>,
    done: oneshot::Sender<bool>,
}

/// The queue into the audit trail, shared by every handler of a server.
#[derive(Clone)]
pub struct AuditWriter {
    queue: mpsc::Sender<Pending>,
}

impl AuditWriter {
    /// Start the writer's task on the current runtime.
    pub fn start(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let (queue, mut incoming) = mpsc::channel::<Pending>(4 * BATCH);
        tokio::spawn(async move {
            while let Some(first) = incoming.recv().await {
                let mut batch = vec![first];
                let mut count = batch[0].events.len();
                while count < BATCH {
                    match incoming.try_recv() {
                        Ok(next) => {
                            count += next.events.len();
                            batch.push(next);
                        }
                        Err(_) => break,
                    }
                }
                // The events are moved, not copied: a case read's event lists every field shown.
                let mut events: Vec<AuditEvent> = Vec::with_capacity(count);
                let mut waiting = Vec::with_capacity(batch.len());
                for pending in batch {
                    events.extend(pending.events);
                    waiting.push(pending.done);
                }
                let written = match store.append_audit(events, clock.now()).await {
                    Ok(_) => true,
                    Err(error) => {
                        tracing::error!(%error, count, "audit append failed");
                        false
                    }
                };
                for done in waiting {
                    let _ = done.send(written);
                }
            }
        });
        Self { queue }
    }

    /// Record events; they are durable when this returns `Ok`.
    pub async fn record(&self, events: Vec<AuditEvent>) -> ApiResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let (done, written) = oneshot::channel();
        self.queue
            .send(Pending { events, done })
            .await
            .map_err(|_| ApiError::Internal("the audit writer has stopped".into()))?;
        match written.await {
            Ok(true) => Ok(()),
            _ => Err(ApiError::Internal(
                "the audit trail could not be written".into(),
            )),
        }
    }
}

/// What the audit trail records about the request itself: its id and the client that made it.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub request_id: Option<String>,
    /// `web` (the web app says so), a device (`device:<id>`, later), otherwise `api`.
    pub client: String,
}

fn well_formed_client(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
}

impl<S: Send + Sync> FromRequestParts<S> for RequestInfo {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let client = header("x-caseward-client")
            .filter(|c| well_formed_client(c))
            .unwrap_or_else(|| "api".into());
        Ok(Self {
            request_id: header("x-request-id").filter(|id| id.len() <= 64),
            client,
        })
    }
}

impl RequestInfo {
    /// An event by `user` for this request, allowed unless marked otherwise.
    pub fn event(&self, user: &User, action: AuditAction) -> AuditEvent {
        AuditEvent {
            actor_role: Some(user.role.as_str().to_string()),
            request_id: self.request_id.clone(),
            client: self.client.clone(),
            ..AuditEvent::new(Some(user.id), action)
        }
    }

    /// A refused attempt by `user`.
    pub fn denied(&self, user: &User, action: AuditAction) -> AuditEvent {
        AuditEvent {
            outcome: Outcome::Denied,
            ..self.event(user, action)
        }
    }
}

/// Sign a checkpoint of the audit trail's head at every interval while the server runs (each
/// node does; a checkpoint another node made of the same head is kept as it is).
pub async fn sign_checkpoints(state: crate::state::AppState) {
    let mut ticks = tokio::time::interval(state.settings.audit_checkpoint_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let signed = caseward_store::audit_verify::checkpoint_head(
            state.store.as_ref(),
            state.keyring.signing_key(),
            state.clock.now(),
        )
        .await;
        match signed {
            Ok(Some(checkpoint)) => tracing::info!(seq = checkpoint.seq, "audit checkpoint signed"),
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "audit checkpoint failed"),
        }
    }
}
