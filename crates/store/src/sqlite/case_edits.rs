//! Case edits on SQLite, committed in batches (group commit).
//!
//! SQLite writes one transaction at a time through one connection, and each statement is a
//! round trip to that connection's worker thread: under load about 0.1 ms, however short the
//! statement. An edit written alone took 14 of them and a durable commit, so 50 people editing
//! got about 350 edits a second with the machine half idle. Edits therefore wait in a queue; the
//! queue's task takes every edit waiting (up to [`MAX_BATCH`]) and writes them together, like a
//! bulk import: one statement per table for the whole batch (versions checked, contents and
//! search tokens and report dimensions brought up to date, audit entries chained), then one
//! commit. Each edit is answered only once the batch is committed: its new record, or its own
//! refusal (a version conflict, a case that is gone), which writes nothing of it. If a
//! statement or the commit fails, every edit of the batch gets the failure and nothing of the
//! batch is kept.

use crate::sealing::{Sealing, wrapped_from_columns};
use crate::{CaseRecord, CaseUpdate, Result, StoreError};
use caseward_crypto::envelope::WrappedKey;
use caseward_domain::audit::AuditEvent;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
// Keyed by case ids, hashed with foldhash (SipHash was a measurable part of an edit).
use foldhash::{HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// The batch's transaction.
type Tx = Transaction<'static, Sqlite>;

/// The most edits one transaction takes.
const MAX_BATCH: usize = 64;

type Answer = oneshot::Sender<Result<CaseRecord>>;

/// The queue of edits waiting for the writer.
pub(super) struct EditQueue {
    edits: mpsc::Sender<(CaseUpdate, Answer)>,
}

impl EditQueue {
    /// Start the queue's task, writing through `writer` (the pool of the one writing
    /// connection) with `sealing` (none: every edit is refused for want of the keyring).
    pub(super) fn start(writer: super::writer::Writer, sealing: Option<Sealing>) -> Self {
        let (edits, waiting) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(serve(writer, sealing, waiting));
        Self { edits }
    }

    /// Write `update` in the next batch; its new record once the batch is committed.
    pub(super) async fn edit(&self, update: CaseUpdate) -> Result<CaseRecord> {
        let (answer, answered) = oneshot::channel();
        self.edits
            .send((update, answer))
            .await
            .map_err(|_| StoreError::NotCommitted("the writer has stopped".into()))?;
        answered.await.map_err(|_| {
            StoreError::NotCommitted("the batch stopped before this edit was committed".into())
        })?
    }
}

async fn serve(
    writer: super::writer::Writer,
    sealing: Option<Sealing>,
    mut waiting: mpsc::Receiver<(CaseUpdate, Answer)>,
) {
    // An edit of a case already in the batch waits for the next one (it is based on the
    // version the batch's edit makes or replaces).
    let mut held: Option<(CaseUpdate, Answer)> = None;
    loop {
        let first = match held.take() {
            Some(edit) => edit,
            None => match waiting.recv().await {
                Some(edit) => edit,
                None => return,
            },
        };
        let mut batch = vec![first];
        let mut cases: HashSet<Uuid> = HashSet::from_iter([batch[0].0.id]);
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(edit) if cases.insert(edit.0.id) => batch.push(edit),
                Ok(edit) => {
                    held = Some(edit);
                    break;
                }
                Err(_) => break,
            }
        }
        let (updates, answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        let outcomes = match &sealing {
            Some(sealing) => match write(&writer, sealing, updates).await {
                Ok(outcomes) => outcomes,
                Err(failure) => {
                    let failure = failure.to_string();
                    tracing::error!(edits = answers.len(), %failure, "a batch of case edits was not committed");
                    answers
                        .iter()
                        .map(|_| Err(StoreError::NotCommitted(failure.clone())))
                        .collect()
                }
            },
            None => answers.iter().map(|_| Err(StoreError::NoKeyring)).collect(),
        };
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // The caller may have gone (its request cancelled); the edit stands.
            let _ = answer.send(outcome);
        }
    }
}

/// One accepted edit: its update, sealed content and change sequence number.
struct Accepted {
    update: CaseUpdate,
    sealed: Vec<u8>,
    change_seq: i64,
}

/// Write a batch of edits of distinct cases in one transaction; each edit's outcome, in order.
async fn write(
    writer: &super::writer::Writer,
    sealing: &Sealing,
    updates: Vec<CaseUpdate>,
) -> Result<Vec<Result<CaseRecord>>> {
    let ids: Vec<Uuid> = updates.iter().map(|u| u.id).collect();
    let mut tx = writer.begin().await?;
    let versions = current_versions(&mut tx, &ids).await?;
    let mut keys = wrapped_keys(&mut tx, &ids).await?;
    let mut outcomes: Vec<Option<Result<CaseRecord>>> = Vec::with_capacity(updates.len());
    let mut accepted = Vec::new();
    for update in updates {
        match versions.get(&update.id) {
            None => outcomes.push(Some(Err(StoreError::NotFound))),
            Some(&current) if current != update.expected_version => {
                outcomes.push(Some(Err(StoreError::Conflict {
                    expected: update.expected_version,
                    current,
                })));
            }
            Some(_) => {
                // The case's own data key (a case from before sealing gets one now).
                let sealed = match keys.get(&update.id) {
                    Some(wrapped) => {
                        sealing.reseal(update.id, wrapped, update.config_version, &update.fields)
                    }
                    None => {
                        let (wrapped, sealed) =
                            sealing.seal_new(update.id, update.config_version, &update.fields);
                        super::case_keys::insert_key(&mut tx, update.id, &wrapped, update.now)
                            .await?;
                        keys.insert(update.id, wrapped);
                        Ok(sealed)
                    }
                };
                match sealed {
                    Ok(sealed) => {
                        outcomes.push(None);
                        accepted.push(Accepted {
                            update,
                            sealed,
                            change_seq: 0,
                        });
                    }
                    Err(error) => outcomes.push(Some(Err(error))),
                }
            }
        }
    }
    if accepted.is_empty() {
        return Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Err(StoreError::NotFound)))
            .collect());
    }
    let seqs = super::next_change_seqs(&mut tx, accepted.len()).await?;
    for (edit, seq) in accepted.iter_mut().zip(seqs) {
        edit.change_seq = seq;
    }
    update_cases(&mut tx, &accepted).await?;
    replace_tokens(&mut tx, &accepted).await?;
    replace_dimensions(&mut tx, &accepted).await?;
    let audit = sealed_audit(sealing, &keys, &accepted)?;
    super::audit::append_sealed_at(&mut tx, audit).await?;
    let mut records = records(&mut tx, &accepted).await?;
    tx.commit().await?;
    let mut accepted = accepted.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                let edit = accepted.next().expect("one accepted edit per open outcome");
                records
                    .remove(&edit.update.id)
                    .map(|summary| {
                        Ok(CaseRecord {
                            summary,
                            fields: edit.update.fields,
                        })
                    })
                    .unwrap_or(Err(StoreError::NotFound))
            })
        })
        .collect())
}

/// `SELECT … WHERE {column} IN (the ids)`.
fn in_ids<'a>(select: &str, column: &str, ids: &'a [Uuid]) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::new(format!("{select} WHERE {column} IN ("));
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    query.push(")");
    query
}

async fn current_versions(tx: &mut Tx, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
    in_ids("SELECT id, version FROM cases", "id", ids)
        .build()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("version")?)))
        .collect()
}

async fn wrapped_keys(tx: &mut Tx, ids: &[Uuid]) -> Result<HashMap<Uuid, WrappedKey>> {
    let mut keys = HashMap::default();
    for row in in_ids(
        "SELECT case_id, master_key_id, wrapped FROM case_keys",
        "case_id",
        ids,
    )
    .build()
    .fetch_all(&mut **tx)
    .await?
    {
        if let Some(wrapped) =
            wrapped_from_columns(row.try_get("master_key_id")?, row.try_get("wrapped")?)?
        {
            keys.insert(row.try_get("case_id")?, wrapped);
        }
    }
    Ok(keys)
}

/// Each accepted case's new version, configuration version, change sequence number and time,
/// and its sealed content: one statement per row, all sent at once (SQLite runs the
/// statements of one query in turn, so the batch is one round trip to the writer; an
/// `UPDATE … FROM (VALUES …)` had SQLite 3.46 scan the whole table).
async fn update_cases(tx: &mut Tx, accepted: &[Accepted]) -> Result<()> {
    let mut query = QueryBuilder::<Sqlite>::new("");
    for edit in accepted {
        query
            .push("UPDATE cases SET config_version = ")
            .push_bind(i64::from(edit.update.config_version))
            .push(", version = version + 1, change_seq = ")
            .push_bind(edit.change_seq)
            .push(", updated_at = ")
            .push_bind(edit.update.now)
            .push(" WHERE id = ")
            .push_bind(edit.update.id)
            .push("; UPDATE case_contents SET content = ")
            .push_bind(edit.sealed.as_slice())
            .push(" WHERE case_id = ")
            .push_bind(edit.update.id)
            .push(";");
    }
    let done = query.build().execute(&mut **tx).await?;
    expect_rows(
        done.rows_affected(),
        2 * accepted.len(),
        "cases and their contents",
    )
}

/// A statement that changed another number of rows than the batch's edits: the batch fails.
fn expect_rows(changed: u64, expected: usize, table: &str) -> Result<()> {
    if changed == expected as u64 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "{changed} rows of {table} changed for {expected} edits"
        )))
    }
}

fn ids(accepted: &[Accepted]) -> Vec<Uuid> {
    accepted.iter().map(|edit| edit.update.id).collect()
}

/// The accepted cases' search tokens, brought up to date.
async fn replace_tokens(tx: &mut Tx, accepted: &[Accepted]) -> Result<()> {
    let wanted = accepted
        .iter()
        .flat_map(|edit| {
            super::case_keys::merged_tokens(&edit.update.search_tokens)
                .into_iter()
                .map(move |(token, restricted)| (edit.update.id, token.to_vec(), restricted))
        })
        .collect();
    let columns = ["token", "restricted"];
    super::dimensions::bring_up_to_date(tx, "case_search_tokens", columns, &ids(accepted), wanted)
        .await
}

/// The accepted cases' report dimensions, brought up to date.
async fn replace_dimensions(tx: &mut Tx, accepted: &[Accepted]) -> Result<()> {
    let wanted = accepted
        .iter()
        .flat_map(|edit| {
            edit.update
                .dimensions
                .iter()
                .map(|d| (edit.update.id, d.field.clone(), d.value.clone()))
        })
        .collect();
    let columns = ["field_id", "value"];
    super::dimensions::bring_up_to_date(tx, "case_dimensions", columns, &ids(accepted), wanted)
        .await
}

/// The edits' audit entries, in order, each at its edit's time; a reason that is case content
/// sealed with its case's data key, as `append_case_in` does it.
fn sealed_audit(
    sealing: &Sealing,
    keys: &HashMap<Uuid, WrappedKey>,
    accepted: &[Accepted],
) -> Result<Vec<(AuditEvent, DateTime<Utc>)>> {
    let mut entries = Vec::new();
    for edit in accepted {
        for event in &edit.update.audit {
            let mut event = event.clone();
            if crate::case_texts::sealed_reason(&event)
                && let (Some(case), Some(reason)) = (event.case_id, &event.reason)
            {
                let texts = crate::case_texts::CaseTexts::new(sealing, case, keys.get(&case))?;
                let (kind, row) = crate::case_texts::reason_place(&event);
                event.reason = Some(texts.seal(&kind, row, reason));
            }
            entries.push((event, edit.update.now));
        }
    }
    Ok(entries)
}

/// The accepted cases' summaries as the batch leaves them (their fields are the edits' own).
async fn records(tx: &mut Tx, accepted: &[Accepted]) -> Result<HashMap<Uuid, crate::CaseSummary>> {
    let ids = ids(accepted);
    let select = format!(
        "SELECT {} FROM cases c JOIN users u ON u.id = c.assigned_to",
        super::cases::SUMMARY_COLUMNS
    );
    in_ids(&select, "c.id", &ids)
        .build()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| {
            let summary = super::cases::summary_from_row(row)?;
            Ok((summary.id, summary))
        })
        .collect()
}
