// Keeping each case's history digest (`history_digest.rs`): portable SQL, included by
// `sqlite/history_digests.rs` and `postgres/history_digests.rs` (see `portable/access.rs`).
// A digest is made again from the case's rows — the rows are the record — in the transaction
// that wrote them, so that a committed digest never says other than its rows.

use crate::team_reads::{
    CONTACT_COLUMNS, CONTACTS_ONLY, MOVE_COLUMNS, PLAN_COLUMNS, TeamPart, TeamReading,
};
use sqlx::QueryBuilder;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Cases a statement reads or writes.
const CASES_A_STATEMENT: usize = 500;

/// The history rows of the cases, as the dashboard reads them (`team_reads.rs`): each part,
/// its columns, its table and its filter.
const HISTORY: [(TeamPart, &str, &str, Option<&str>); 3] = [
    (TeamPart::Moves, MOVE_COLUMNS, "case_transitions", None),
    (
        TeamPart::Contacts,
        CONTACT_COLUMNS,
        "case_notes",
        Some(CONTACTS_ONLY),
    ),
    (TeamPart::Plans, PLAN_COLUMNS, "care_plans", None),
];

/// Write the digests of up to `batch` cases without one, the first after `after` (by the
/// partial index `cases_undigested`); the last case written, `None` when none was left.
pub(super) async fn fill_missing(
    store: &BackendStore,
    after: Option<Uuid>,
    batch: u32,
) -> crate::Result<Option<Uuid>> {
    let mut tx = store.begin_write().await?;
    let cases: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM cases WHERE history_digest IS NULL AND id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after.unwrap_or(Uuid::nil()))
    .bind(i64::from(batch))
    .fetch_all(&mut *tx)
    .await?;
    refresh(&mut tx, &cases).await?;
    tx.commit().await?;
    Ok(cases.last().copied())
}

/// Write the history digest of each of `cases` from its rows.
pub(super) async fn refresh(conn: &mut DbConnection, cases: &[Uuid]) -> crate::Result<()> {
    for chunk in cases.chunks(CASES_A_STATEMENT) {
        if LOCKS_ROWS {
            // The cases' rows first. Another transaction writing one of these cases' history
            // holds its row until it commits: waiting for it here, the reads below see what
            // it wrote (each statement reads what was committed before it began), so of two
            // notes written at once the digest written last holds both. The lock an update
            // takes, not `FOR UPDATE`: a history row's foreign key already holds its case's
            // row shared, which `FOR UPDATE` waits for, and two notes at once deadlocked.
            let mut lock = QueryBuilder::<Db>::new("SELECT id FROM cases WHERE id IN (");
            let mut ids = lock.separated(", ");
            for case in chunk {
                ids.push_bind(*case);
            }
            lock.push(") ORDER BY id FOR NO KEY UPDATE");
            lock.build().fetch_all(&mut *conn).await?;
        }
        let mut reading = TeamReading::default();
        for (part, columns, table, filter) in HISTORY {
            let mut read = QueryBuilder::<Db>::new(format!("SELECT {columns} FROM {table} r WHERE "));
            if let Some(filter) = filter {
                read.push(format!("{filter} AND "));
            }
            read.push("r.case_id IN (");
            let mut ids = read.separated(", ");
            for case in chunk {
                ids.push_bind(*case);
            }
            read.push(")");
            for row in read.build().fetch_all(&mut *conn).await? {
                part.read(&row, &mut reading, &[])?;
            }
        }
        let records = reading.records;
        let mut moves: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
        for step in &records.moves {
            moves.entry(step.case).or_default().push(step);
        }
        let mut contacts: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
        for contact in &records.contacts {
            contacts.entry(contact.case).or_default().push(contact);
        }
        let mut plans: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
        for plan in &records.plans {
            plans.entry(plan.case).or_default().push(plan);
        }
        let digests: Vec<(Uuid, Vec<u8>)> = chunk
            .iter()
            .map(|case| {
                let digest = crate::history_digest::encode(
                    rows_of(&moves, case),
                    rows_of(&contacts, case),
                    rows_of(&plans, case),
                );
                (*case, digest)
            })
            .collect();
        // Both databases name a VALUES list's columns column1, column2.
        let mut write = QueryBuilder::<Db>::new("UPDATE cases SET history_digest = v.column2 FROM (");
        write.push_values(&digests, |mut row, (case, digest)| {
            row.push_bind(*case).push_bind(digest.as_slice());
        });
        write.push(") AS v WHERE cases.id = v.column1");
        write.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// A case's rows among `rows`, none if it has none.
fn rows_of<'a, T>(rows: &'a BTreeMap<Uuid, Vec<&'a T>>, case: &Uuid) -> &'a [&'a T] {
    rows.get(case).map(Vec::as_slice).unwrap_or(&[])
}
