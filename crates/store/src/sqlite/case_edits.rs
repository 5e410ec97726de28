//! Case edits on SQLite, committed in batches (group commit).
//!
//! SQLite writes one transaction at a time, and each durable commit waits for the disk. Edits
//! therefore wait in a queue; the queue's task takes every edit waiting (up to [`MAX_BATCH`])
//! and writes them together in one transaction on the rusqlite write connection's thread
//! (`write_thread.rs`): versions checked, contents sealed and written, search tokens and report
//! dimensions brought up to date, audit entries chained, then one commit. The whole batch is
//! one hand-off to that thread: through sqlx each of its dozen statements was a hand-off to
//! the connection's worker thread and back, and under load those waits were most of a batch's
//! time. Each edit is answered only once the batch is committed: its new record, or its own
//! refusal (a version conflict, a case that is gone), which writes nothing of it. If a
//! statement or the commit fails, every edit of the batch gets the failure and nothing of the
//! batch is kept.

use super::audit_appends::time_text;
use super::write_thread::WriteThread;
use crate::columns::{NamedRow, column_names};
use crate::sealing::{Sealing, wrapped_from_columns};
use crate::{CaseRecord, CaseUpdate, Result, StoreError};
use caseward_crypto::envelope::WrappedKey;
use caseward_domain::audit::AuditEvent;
use chrono::{DateTime, Utc};
use rusqlite::types::FromSql;
use rusqlite::{Connection, OptionalExtension, ToSql, TransactionBehavior, params};
// Keyed by case ids, hashed with foldhash (SipHash was a measurable part of an edit).
use foldhash::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// The batch's transaction.
type Tx<'c> = rusqlite::Transaction<'c>;

/// The most edits one transaction takes.
const MAX_BATCH: usize = 64;

type Answer = oneshot::Sender<Result<CaseRecord>>;

/// The queue of edits waiting for the writer.
pub(super) struct EditQueue {
    edits: mpsc::Sender<(CaseUpdate, Answer)>,
}

impl EditQueue {
    /// Start the queue's task, writing on `writes` (the rusqlite write connection) in the
    /// writers' turn (`writer`), with `sealing` (none: every edit is refused for want of the
    /// keyring).
    pub(super) fn start(
        writer: super::writer::Writer,
        writes: Arc<WriteThread>,
        sealing: Option<Sealing>,
    ) -> Self {
        let (edits, waiting) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(serve(writer, writes, sealing, waiting));
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
    writes: Arc<WriteThread>,
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
            Some(sealing) => match write_in_turn(&writer, &writes, sealing, updates).await {
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

/// Write a batch on the write thread, in the writers' turn.
async fn write_in_turn(
    writer: &super::writer::Writer,
    writes: &WriteThread,
    sealing: &Sealing,
    updates: Vec<CaseUpdate>,
) -> Result<Vec<Result<CaseRecord>>> {
    let _turn = writer.turn().await;
    let sealing = sealing.clone();
    writes
        .run(move |connection| write(connection, &sealing, updates))
        .await
}

/// One accepted edit: its update, sealed content and change sequence number.
struct Accepted {
    update: CaseUpdate,
    sealed: Vec<u8>,
    change_seq: i64,
}

/// Write a batch of edits of distinct cases in one transaction; each edit's outcome, in order.
fn write(
    connection: &mut Connection,
    sealing: &Sealing,
    updates: Vec<CaseUpdate>,
) -> Result<Vec<Result<CaseRecord>>> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut keys: HashMap<Uuid, WrappedKey> = HashMap::default();
    let mut outcomes: Vec<Option<Result<CaseRecord>>> = Vec::with_capacity(updates.len());
    let mut accepted = Vec::new();
    for update in updates {
        let current: Option<i64> = tx
            .prepare_cached("SELECT version FROM cases WHERE id = ?1")?
            .query_row([update.id.into_bytes()], |row| row.get(0))
            .optional()?;
        match current {
            None => outcomes.push(Some(Err(StoreError::NotFound))),
            Some(current) if current != update.expected_version => {
                outcomes.push(Some(Err(StoreError::Conflict {
                    expected: update.expected_version,
                    current,
                })));
            }
            Some(_) => {
                // The case's own data key (a case from before sealing gets one now).
                let sealed = match wrapped_key(&tx, update.id)? {
                    Some(wrapped) => {
                        let sealed = sealing.reseal(
                            update.id,
                            &wrapped,
                            update.config_version,
                            &update.fields,
                        );
                        keys.insert(update.id, wrapped);
                        sealed
                    }
                    None => {
                        let (wrapped, sealed) =
                            sealing.seal_new(update.id, update.config_version, &update.fields);
                        insert_key(&tx, update.id, &wrapped, update.now)?;
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
    let last: i64 = tx
        .prepare_cached(
            "UPDATE change_counter SET value = value + ?1 WHERE id = 1 RETURNING value",
        )?
        .query_row([accepted.len() as i64], |row| row.get(0))?;
    let first = last - accepted.len() as i64 + 1;
    for (edit, seq) in accepted.iter_mut().zip(first..) {
        edit.change_seq = seq;
    }
    for edit in &accepted {
        update_case(&tx, edit)?;
        replace_tokens(&tx, &edit.update)?;
        replace_dimensions(&tx, &edit.update)?;
    }
    let audit = sealed_audit(sealing, &keys, &accepted)?;
    super::audit_appends::append_in(&tx, audit)?;
    let mut records = records(&tx, &accepted)?;
    tx.commit()?;
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

/// A case's wrapped data key, inside the batch's transaction.
fn wrapped_key(tx: &Tx<'_>, case: Uuid) -> Result<Option<WrappedKey>> {
    let columns: Option<(Option<i64>, Option<Vec<u8>>)> = tx
        .prepare_cached("SELECT master_key_id, wrapped FROM case_keys WHERE case_id = ?1")?
        .query_row([case.into_bytes()], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    match columns {
        Some((master_key_id, wrapped)) => wrapped_from_columns(master_key_id, wrapped),
        None => Ok(None),
    }
}

/// Store a case's new wrapped data key, inside the batch's transaction.
fn insert_key(tx: &Tx<'_>, case: Uuid, wrapped: &WrappedKey, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO case_keys (case_id, master_key_id, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        case.into_bytes(),
        i64::from(wrapped.master_key_id),
        wrapped.bytes,
        time_text(now)
    ])?;
    Ok(())
}

/// The case's new version, configuration version, change sequence number and time, and its
/// sealed content.
fn update_case(tx: &Tx<'_>, edit: &Accepted) -> Result<()> {
    let id = edit.update.id.into_bytes();
    let cases = tx
        .prepare_cached(
            "UPDATE cases SET config_version = ?1, version = version + 1, change_seq = ?2, updated_at = ?3 WHERE id = ?4",
        )?
        .execute(params![
            i64::from(edit.update.config_version),
            edit.change_seq,
            time_text(edit.update.now),
            id
        ])?;
    let contents = tx
        .prepare_cached("UPDATE case_contents SET content = ?1 WHERE case_id = ?2")?
        .execute(params![edit.sealed, id])?;
    if cases == 1 && contents == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "{cases} rows of cases and {contents} of their contents changed for one edit"
        )))
    }
}

/// The case's search tokens, brought up to date.
fn replace_tokens(tx: &Tx<'_>, update: &CaseUpdate) -> Result<()> {
    let wanted = super::case_keys::merged_tokens(&update.search_tokens)
        .into_iter()
        .map(|(token, restricted)| (token.to_vec(), restricted))
        .collect();
    bring_up_to_date(tx, &SEARCH_TOKENS, update.id, wanted)
}

/// The case's report dimensions, brought up to date (the tallies' triggers follow them).
fn replace_dimensions(tx: &Tx<'_>, update: &CaseUpdate) -> Result<()> {
    let wanted = update
        .dimensions
        .iter()
        .map(|d| (d.field.clone(), d.value.clone()))
        .collect();
    bring_up_to_date(tx, &DIMENSIONS, update.id, wanted)
}

/// A table of a case's derived rows (`case_id` and two columns), with the statements that read,
/// delete and insert them, written out once.
struct DerivedRows {
    table: &'static str,
    select: &'static str,
    delete: &'static str,
    insert: &'static str,
}

const SEARCH_TOKENS: DerivedRows = DerivedRows {
    table: "case_search_tokens",
    select: "SELECT token, restricted FROM case_search_tokens WHERE case_id = ?1",
    delete: "DELETE FROM case_search_tokens WHERE case_id = ?1 AND token = ?2 AND restricted = ?3",
    insert: "INSERT INTO case_search_tokens (case_id, token, restricted) VALUES (?1, ?2, ?3)",
};

const DIMENSIONS: DerivedRows = DerivedRows {
    table: "case_dimensions",
    select: "SELECT field_id, value FROM case_dimensions WHERE case_id = ?1",
    delete: "DELETE FROM case_dimensions WHERE case_id = ?1 AND field_id = ?2 AND value = ?3",
    insert: "INSERT INTO case_dimensions (case_id, field_id, value) VALUES (?1, ?2, ?3)",
};

/// Make a case's rows of `rows` the `wanted` ones (`row_changes`): the stored rows read, those
/// no longer wanted deleted, the new ones inserted. Rows that stay are not touched.
fn bring_up_to_date<A, B>(
    tx: &Tx<'_>,
    rows: &DerivedRows,
    case: Uuid,
    wanted: crate::row_changes::Rows<(A, B)>,
) -> Result<()>
where
    A: ToSql + FromSql + Eq + std::hash::Hash,
    B: ToSql + FromSql + Eq + std::hash::Hash,
{
    let id = case.into_bytes();
    let stored = tx
        .prepare_cached(rows.select)?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<crate::row_changes::Rows<(A, B)>>>()?;
    let (gone, new) = crate::row_changes::changes(stored, wanted);
    if !gone.is_empty() {
        let mut delete = tx.prepare_cached(rows.delete)?;
        for (first, second) in &gone {
            let deleted = delete.execute(params![id, first, second])?;
            if deleted != 1 {
                return Err(StoreError::Corrupt(format!(
                    "{deleted} rows of {} deleted for one gone",
                    rows.table
                )));
            }
        }
    }
    if !new.is_empty() {
        let mut insert = tx.prepare_cached(rows.insert)?;
        for (first, second) in &new {
            insert.execute(params![id, first, second])?;
        }
    }
    Ok(())
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
fn records(tx: &Tx<'_>, accepted: &[Accepted]) -> Result<HashMap<Uuid, crate::CaseSummary>> {
    static SELECT: OnceLock<String> = OnceLock::new();
    let select = SELECT.get_or_init(|| {
        format!(
            "SELECT {} FROM cases c JOIN users u ON u.id = c.assigned_to WHERE c.id = ?1",
            super::cases::SUMMARY_COLUMNS
        )
    });
    let mut statement = tx.prepare_cached(select)?;
    let names = column_names(&statement);
    let mut records = HashMap::default();
    for edit in accepted {
        let summary = statement
            .query_row([edit.update.id.into_bytes()], |row| {
                Ok(super::cases::summary_from_row(&NamedRow::new(row, &names)))
            })
            .optional()?
            .transpose()?;
        if let Some(summary) = summary {
            records.insert(summary.id, summary);
        }
    }
    Ok(records)
}
