// The audit trail: portable SQL, included by `sqlite/audit.rs` and `postgres/audit.rs` (see
// `portable/access.rs`). Appends lock the chain's head row, so concurrent appends, from any
// number of server nodes, queue up behind one another and the chain stays one chain.

use crate::{Result, StoreError};
use caseward_domain::audit::{AuditAction, AuditEntry, AuditEvent, Outcome};
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::Row;
use uuid::Uuid;

const ENTRY_COLUMNS: &str = "seq, at, actor_id, actor_role, action, outcome, case_id, subject_id, fields, reason, request_id, client, prev_hash, hash";

fn hash_of(bytes: Vec<u8>, what: &str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("audit {what} is not 32 bytes")))
}

fn entry_from_row(row: &DbRow) -> Result<AuditEntry> {
    let action: String = row.try_get("action")?;
    let outcome: String = row.try_get("outcome")?;
    let fields: String = row.try_get("fields")?;
    let seq: i64 = row.try_get("seq")?;
    Ok(AuditEntry {
        seq,
        at: row.try_get("at")?,
        event: AuditEvent {
            actor: row.try_get("actor_id")?,
            actor_role: row.try_get("actor_role")?,
            // A name this version does not know is reported by `verify`, not hidden.
            action: AuditAction::parse(&action)
                .ok_or_else(|| StoreError::Corrupt(format!("audit entry {seq}: unknown action {action:?}")))?,
            outcome: Outcome::parse(&outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("audit entry {seq}: unknown outcome {outcome:?}")))?,
            case_id: row.try_get("case_id")?,
            subject: row.try_get("subject_id")?,
            fields: if fields.is_empty() {
                Vec::new()
            } else {
                fields.split('\n').map(str::to_string).collect()
            },
            reason: row.try_get("reason")?,
            request_id: row.try_get("request_id")?,
            client: row.try_get("client")?,
        },
        prev_hash: hash_of(row.try_get("prev_hash")?, "previous hash")?,
        hash: hash_of(row.try_get("hash")?, "hash")?,
    })
}

/// Entries per INSERT statement: 14 parameters each, well under both databases' limits.
const ROWS_PER_INSERT: usize = 500;

/// Append `events` to the chain inside the caller's transaction, so that they commit (or not)
/// with the change they record. A reason that is case content is refused here: such events
/// go through [`append_case_in`], which seals it.
pub(super) async fn append_in(
    conn: &mut DbConnection,
    events: &[AuditEvent],
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>> {
    crate::audit_links::refuse_case_reasons(events)?;
    append_sealed_in(conn, events.to_vec(), now).await
}

/// Append `events` like [`append_in`], each reason that is case content sealed first with its
/// case's data key (bound to its case, action and subject), so that the trail holds it as it
/// holds the case: readable with the keyring by those who may read the case, gone with a purge.
pub(super) async fn append_case_in(
    conn: &mut DbConnection,
    sealing: &crate::sealing::Sealing,
    events: &[AuditEvent],
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>> {
    let mut sealed = events.to_vec();
    let mut texts: std::collections::HashMap<Uuid, crate::case_texts::CaseTexts> =
        std::collections::HashMap::new();
    for event in &mut sealed {
        if !crate::case_texts::sealed_reason(event) {
            continue;
        }
        let (Some(case), Some(reason)) = (event.case_id, &event.reason) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = texts.entry(case) {
            slot.insert(super::case_keys::texts_in(&mut *conn, sealing, case).await?);
        }
        let (kind, row) = crate::case_texts::reason_place(event);
        event.reason = Some(texts[&case].seal(&kind, row, reason));
    }
    append_sealed_in(conn, sealed, now).await
}

/// Open the sealed reasons of a case's entries (for its access log).
pub(super) async fn open_case_reasons(
    pool: &DbPool,
    sealing: &crate::sealing::Sealing,
    case: Uuid,
    entries: &mut [AuditEntry],
) -> Result<()> {
    let texts = super::case_keys::texts_in(&mut *pool.acquire().await?, sealing, case).await?;
    for entry in entries.iter_mut().filter(|e| e.event.case_id == Some(case)) {
        let (kind, row) = crate::case_texts::reason_place(&entry.event);
        if let Some(reason) = &entry.event.reason
            // A reason that does not open (its case purged) stays sealed; the chain, not this
            // view, is what proves entries unchanged.
            && let Ok(opened) = texts.open(&kind, row, reason)
        {
            entry.event.reason = Some(opened);
        }
    }
    Ok(())
}

async fn append_sealed_in(
    conn: &mut DbConnection,
    events: Vec<AuditEvent>,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>> {
    append_sealed_at(conn, events.into_iter().map(|e| (e, now)).collect()).await
}

/// Append entries whose reasons are sealed already, each at its own time, in the given order.
pub(super) async fn append_sealed_at(
    conn: &mut DbConnection,
    events: Vec<(AuditEvent, DateTime<Utc>)>,
) -> Result<Vec<AuditEntry>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let head = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let (seq, hash) = (head.try_get("seq")?, hash_of(head.try_get("hash")?, "head hash")?);
    let entries = crate::audit_links::link(seq, hash, events)?;
    let (seq, prev) = crate::audit_links::head_after(&entries, seq, hash);
    // One statement per batch of entries (a group commit holds many): each statement is a
    // round trip to the database, and the appends are what every read waits for.
    let batches = entries.len().div_ceil(ROWS_PER_INSERT);
    for (index, batch) in entries.chunks(ROWS_PER_INSERT).enumerate() {
        let with_head = HEAD_WITH_LAST_INSERT && index + 1 == batches;
        let mut insert =
            sqlx::QueryBuilder::<Db>::new(if with_head { "WITH inserted AS (" } else { "" });
        insert.push(
            "INSERT INTO audit_entries (seq, at, actor_id, actor_role, action, outcome, case_id, subject_id, fields, reason, request_id, client, prev_hash, hash) ",
        );
        insert.push_values(batch, |mut row, entry| {
            let event = &entry.event;
            row.push_bind(entry.seq)
                .push_bind(entry.at)
                .push_bind(event.actor)
                .push_bind(event.actor_role.clone())
                .push_bind(event.action.as_str())
                .push_bind(event.outcome.as_str())
                .push_bind(event.case_id)
                .push_bind(event.subject)
                .push_bind(event.fields.join("\n"))
                .push_bind(event.reason.clone())
                .push_bind(event.request_id.clone())
                .push_bind(event.client.clone())
                .push_bind(entry.prev_hash.to_vec())
                .push_bind(entry.hash.to_vec());
        });
        if with_head {
            insert
                .push(" RETURNING seq) UPDATE audit_head SET seq = ")
                .push_bind(seq)
                .push(", hash = ")
                .push_bind(prev.to_vec())
                .push(" WHERE id = 1");
        }
        insert.build().execute(&mut *conn).await?;
    }
    if !HEAD_WITH_LAST_INSERT {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev[..])
            .execute(&mut *conn)
            .await?;
    }
    Ok(entries)
}

/// Entries after `after_seq`, in order, at most `limit`.
pub(super) async fn entries_after(pool: &DbPool, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2"
    ))
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// The entries about one case, newest first, at most `limit`.
pub(super) async fn case_entries(pool: &DbPool, case: Uuid, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_entries WHERE case_id = $1 ORDER BY seq DESC LIMIT $2"
    ))
    .bind(case)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// The chain's head as the database records it: the last sequence number and its hash.
pub(super) async fn head(pool: &DbPool) -> Result<(i64, [u8; 32])> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok((row.try_get("seq")?, hash_of(row.try_get("hash")?, "head hash")?))
}

/// Record a checkpoint; a second one at the same entry (another node) changes nothing.
pub(super) async fn add_checkpoint(
    store: &BackendStore,
    checkpoint: &caseward_domain::audit::AuditCheckpoint,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "INSERT INTO audit_checkpoints (seq, at, hash, key_id, signature) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (seq) DO NOTHING",
    )
    .bind(checkpoint.seq)
    .bind(checkpoint.at.trunc_subsecs(6))
    .bind(&checkpoint.hash[..])
    .bind(i64::from(checkpoint.key_id))
    .bind(&checkpoint.signature)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Every checkpoint, in order.
pub(super) async fn checkpoints(pool: &DbPool) -> Result<Vec<caseward_domain::audit::AuditCheckpoint>> {
    let rows = sqlx::query("SELECT seq, at, hash, key_id, signature FROM audit_checkpoints ORDER BY seq")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let key_id: i64 = row.try_get("key_id")?;
            Ok(caseward_domain::audit::AuditCheckpoint {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                hash: hash_of(row.try_get("hash")?, "checkpoint hash")?,
                key_id: u32::try_from(key_id)
                    .map_err(|_| StoreError::Corrupt("checkpoint key id".into()))?,
                signature: row.try_get("signature")?,
            })
        })
        .collect()
}

/// What the database knows of the keyring: key ids with their check values.
pub(super) async fn keyring_checks(pool: &DbPool) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT key_id, check_value FROM keyring_checks ORDER BY key_id")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("key_id")?, row.try_get("check_value")?)))
        .collect()
}

/// Remember keys' check values (ones already known are kept as they are).
pub(super) async fn add_keyring_checks(
    store: &BackendStore,
    checks: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for (key_id, check) in checks {
        sqlx::query(
            "INSERT INTO keyring_checks (key_id, check_value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (key_id) DO NOTHING",
        )
        .bind(key_id)
        .bind(check)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Entries matching `filter`, newest first.
pub(super) async fn search(pool: &DbPool, filter: &crate::AuditFilter) -> Result<Vec<AuditEntry>> {
    let mut query = sqlx::QueryBuilder::<Db>::new(format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_entries WHERE 1 = 1"
    ));
    if let Some(actor) = filter.actor {
        query.push(" AND actor_id = ").push_bind(actor);
    }
    if let Some(case) = filter.case_id {
        query.push(" AND case_id = ").push_bind(case);
    }
    if let Some(action) = filter.action {
        query.push(" AND action = ").push_bind(action.as_str());
    }
    if let Some(outcome) = filter.outcome {
        query.push(" AND outcome = ").push_bind(outcome.as_str());
    }
    if let Some(from) = filter.from {
        query.push(" AND at >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        query.push(" AND at < ").push_bind(to);
    }
    if let Some(before) = filter.before_seq {
        query.push(" AND seq < ").push_bind(before);
    }
    query
        .push(" ORDER BY seq DESC LIMIT ")
        .push_bind(i64::from(filter.limit));
    let rows = query.build().fetch_all(pool).await?;
    rows.iter().map(entry_from_row).collect()
}
