// Bulk import of cases with their history: portable SQL, included by `sqlite/import.rs` and
// `postgres/import.rs` (see `portable/access.rs`). A batch is one transaction of multi-row
// statements — one per table, not one per case — each case numbered, keyed, assigned, indexed
// and audited exactly as `create_case` does it one at a time.

use crate::import::{ImportedCase, SealedImport};
use crate::{Result, StoreError};
use chrono::Datelike;
use sqlx::QueryBuilder;

/// At most this many bound values a statement (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;

/// Rows of `columns` values a statement may carry.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns).max(1)
}

pub(super) async fn import_cases(store: &BackendStore, cases: Vec<ImportedCase>) -> Result<u32> {
    // Sealing is CPU work: off the async threads, and before the write lock, so that it runs
    // while another batch's statements do.
    let sealing = store.sealing()?.clone();
    let sealed: Vec<SealedImport> = tokio::task::spawn_blocking(move || {
        cases
            .into_iter()
            .map(|case| crate::import::seal(&sealing, case))
            .collect()
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("sealing a batch stopped: {e}")))?;
    if sealed.is_empty() {
        return Ok(0);
    }
    let mut tx = store.begin_write().await?;
    let numbers = case_numbers(&mut tx, &sealed).await?;
    let change_seqs = super::next_change_seqs(&mut tx, sealed.len()).await?;
    insert_cases(&mut tx, &sealed, &numbers, &change_seqs).await?;
    insert_assignments(&mut tx, &sealed).await?;
    insert_keys(&mut tx, &sealed).await?;
    insert_tokens(&mut tx, &sealed).await?;
    insert_dimensions(&mut tx, &sealed).await?;
    insert_transitions(&mut tx, &sealed).await?;
    insert_notes(&mut tx, &sealed).await?;
    insert_care_plans(&mut tx, &sealed).await?;
    let audit = sealed.iter().flat_map(|c| c.audit.iter().cloned()).collect();
    super::audit::append_sealed_at(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(u32::try_from(sealed.len()).unwrap_or(u32::MAX))
}

/// Each case's number, in the batch's order: one counter update per case type and year.
async fn case_numbers(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<Vec<String>> {
    let mut counts: std::collections::BTreeMap<(&str, i32), i64> = Default::default();
    for case in cases {
        *counts
            .entry((case.case.case_type_code.as_str(), case.case.now.year()))
            .or_default() += 1;
    }
    // The first number of each (type, year) in this batch.
    let mut next: std::collections::BTreeMap<(&str, i32), i64> = Default::default();
    for (&(code, year), &count) in &counts {
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO case_number_counters (case_type_code, year, last_value) VALUES ($1, $2, CAST($3 AS INTEGER))
             ON CONFLICT (case_type_code, year) DO UPDATE SET last_value = case_number_counters.last_value + CAST($3 AS INTEGER)
             RETURNING CAST(last_value AS BIGINT)",
        )
        .bind(code)
        .bind(year)
        .bind(count)
        .fetch_one(&mut *conn)
        .await?;
        next.insert((code, year), last - count + 1);
    }
    Ok(cases
        .iter()
        .map(|case| {
            let code = case.case.case_type_code.as_str();
            let year = case.case.now.year();
            let slot = next.get_mut(&(code, year)).expect("counted above");
            let number = format!("{code}-{year}-{:05}", *slot);
            *slot += 1;
            number
        })
        .collect())
}

async fn insert_cases(
    conn: &mut DbConnection,
    cases: &[SealedImport],
    numbers: &[String],
    change_seqs: &[i64],
) -> Result<()> {
    let rows: Vec<_> = cases.iter().zip(numbers).zip(change_seqs).collect();
    for chunk in rows.chunks(rows_per_statement(13)) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO cases (id, case_number, case_type, stage, intensity, assigned_to, created_by, config_version,
                                version, change_seq, created_at, updated_at, history_digest) ",
        );
        insert.push_values(chunk, |mut row, ((sealed, number), change_seq)| {
            let case = &sealed.case;
            row.push_bind(case.id)
                .push_bind(number.as_str())
                .push_bind(case.case_type.as_str())
                .push_bind(case.stage.as_str())
                .push_bind(SmallInt::from(case.intensity.level()))
                .push_bind(case.assigned_to)
                .push_bind(case.created_by)
                .push_bind(case.config_version as Int)
                .push_bind(sealed.version)
                .push_bind(**change_seq)
                .push_bind(case.now)
                .push_bind(sealed.updated_at)
                .push_bind(sealed.history_digest.as_slice());
        });
        insert
            .build()
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::unique(e, "case id"))?;
    }
    for chunk in cases.chunks(rows_per_statement(2)) {
        let mut insert =
            QueryBuilder::<Db>::new("INSERT INTO case_contents (case_id, content) ");
        insert.push_values(chunk, |mut row, sealed| {
            row.push_bind(sealed.case.id)
                .push_bind(sealed.content.as_slice());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_assignments(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    for chunk in cases.chunks(rows_per_statement(8)) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO case_assignments (id, case_id, from_user, to_user, assigned_by, reason, caseload_override_reason, assigned_at) ",
        );
        insert.push_values(chunk, |mut row, sealed| {
            let case = &sealed.case;
            row.push_bind(sealed.assignment_id)
                .push_bind(case.id)
                .push_bind(None::<uuid::Uuid>)
                .push_bind(case.assigned_to)
                .push_bind(case.created_by)
                .push_bind(sealed.assignment_reason.as_str())
                .push_bind(None::<String>)
                .push_bind(case.now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_keys(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    for chunk in cases.chunks(rows_per_statement(4)) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO case_keys (case_id, master_key_id, wrapped, created_at) ",
        );
        insert.push_values(chunk, |mut row, sealed| {
            row.push_bind(sealed.case.id)
                .push_bind(i64::from(sealed.wrapped.master_key_id))
                .push_bind(sealed.wrapped.bytes.as_slice())
                .push_bind(sealed.case.now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_tokens(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    let mut rows = Vec::new();
    for sealed in cases {
        // One row a token: a word in a restricted field and in a standard one matches for all.
        let mut merged: std::collections::BTreeMap<[u8; 32], bool> = Default::default();
        for token in &sealed.case.search_tokens {
            merged
                .entry(token.token)
                .and_modify(|restricted| *restricted &= token.restricted)
                .or_insert(token.restricted);
        }
        rows.extend(merged.into_iter().map(|(token, restricted)| (sealed.case.id, token, restricted)));
    }
    for chunk in rows.chunks(rows_per_statement(3)) {
        let mut insert =
            QueryBuilder::<Db>::new("INSERT INTO case_search_tokens (case_id, token, restricted) ");
        insert.push_values(chunk, |mut row, (case, token, restricted)| {
            row.push_bind(*case).push_bind(&token[..]).push_bind(*restricted);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_dimensions(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    let rows: Vec<_> = cases
        .iter()
        .flat_map(|sealed| sealed.case.dimensions.iter().map(move |d| (sealed.case.id, d)))
        .collect();
    for chunk in rows.chunks(rows_per_statement(3)) {
        let mut insert =
            QueryBuilder::<Db>::new("INSERT INTO case_dimensions (case_id, field_id, value) ");
        insert.push_values(chunk, |mut row, (case, value)| {
            row.push_bind(*case)
                .push_bind(value.field.as_str())
                .push_bind(value.value.as_str());
        });
        insert.push(" ON CONFLICT (case_id, field_id, value) DO NOTHING");
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_transitions(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    let rows: Vec<_> = cases
        .iter()
        .flat_map(|sealed| sealed.transitions.iter().map(move |t| (sealed.case.id, t)))
        .collect();
    for chunk in rows.chunks(rows_per_statement(8)) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO case_transitions (id, case_id, from_stage, to_stage, moved_by, moved_at, reason, survivor_decision) ",
        );
        insert.push_values(chunk, |mut row, (case, (transition, reason))| {
            row.push_bind(transition.id)
                .push_bind(*case)
                .push_bind(transition.from.as_str())
                .push_bind(transition.to.as_str())
                .push_bind(transition.by)
                .push_bind(transition.at)
                .push_bind(reason.as_deref())
                .push_bind(false);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_notes(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    let rows: Vec<_> = cases
        .iter()
        .flat_map(|sealed| sealed.notes.iter().map(move |n| (sealed.case.id, n)))
        .collect();
    for chunk in rows.chunks(rows_per_statement(8)) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO case_notes (id, case_id, kind, confidential, body, written_by, written_at, next_contact_on) ",
        );
        insert.push_values(chunk, |mut row, (case, (note, body))| {
            row.push_bind(note.id)
                .push_bind(*case)
                .push_bind(note.kind.as_str())
                .push_bind(note.confidential)
                .push_bind(body.as_str())
                .push_bind(note.written_by)
                .push_bind(note.written_at)
                .push_bind(note.next_contact_on);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_care_plans(conn: &mut DbConnection, cases: &[SealedImport]) -> Result<()> {
    let rows: Vec<_> = cases
        .iter()
        .flat_map(|sealed| sealed.care_plans.iter().map(move |p| (sealed.case.id, p)))
        .collect();
    for chunk in rows.chunks(rows_per_statement(12)) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO care_plans (id, case_id, version, status, content, interventions, objectives_and_timelines,
                                     written_by, written_at, decided_by, decided_at, comment) ",
        );
        insert.push_values(chunk, |mut row, (case, (plan, content, comment))| {
            row.push_bind(plan.id)
                .push_bind(*case)
                .push_bind(plan.version)
                .push_bind(plan.status.as_str())
                .push_bind(content.as_str())
                .push_bind(i64::try_from(plan.content.interventions.len()).unwrap_or(i64::MAX))
                .push_bind(plan.content.has_objectives_and_timelines())
                .push_bind(plan.written_by)
                .push_bind(plan.written_at)
                .push_bind(plan.decided_by)
                .push_bind(plan.decided_at)
                .push_bind(comment.as_deref());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}
