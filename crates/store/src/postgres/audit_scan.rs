//! The audit trail read for `audit verify` as `COPY … TO STDOUT (FORMAT binary)`: the rows
//! arrive in PostgreSQL's binary form, parsed here field by field and checked against their
//! hashes, instead of being decoded value by value into rows by sqlx. One backend producing
//! the rows was the bound of a verification (a core's worth), so the rows are copied in
//! ranges by one reader a core and one more, each a `COPY` of its own, and handed on in turn:
//! ranges of the table's blocks for a whole verification ([`scan_heap`]), or of sequence
//! numbers for the entries in order ([`scan`]), those appended meanwhile read after them.

use crate::audit_scan::{
    AuditPage, AuditScan, PAGE_ENTRIES, PAGES_AHEAD, PagePool, corrupt_entry, page_ranges, readers,
    required,
};
use crate::{Result, StoreError};
use caseward_domain::audit::{CanonicalEntry, CanonicalFields};
use futures_util::TryStreamExt;
use sqlx::PgPool;
use sqlx::postgres::PgPoolCopyExt;
use std::sync::Arc;
use tokio::sync::mpsc::{Sender, channel};

const COLUMNS: usize = 14;
const SELECT: &str = "SELECT seq, at, actor_id, actor_role, action, outcome, case_id, \
     subject_id, fields, reason, request_id, client, prev_hash, hash FROM audit_entries";
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
/// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// Start reading the entries after `after_seq`, in order.
pub(super) fn scan(pool: PgPool, after_seq: i64) -> AuditScan {
    let (pages, scan) = channel(PAGES_AHEAD);
    tokio::spawn(async move {
        if let Err(error) = read_all(&pool, after_seq, &pages).await {
            let _ = pages.send(Err(error)).await;
        }
    });
    scan
}

/// Start reading the entries there now in the order of the table's blocks, which is not
/// their order (see [`read_heap`]).
pub(super) fn scan_heap(pool: PgPool) -> AuditScan {
    let (pages, scan) = channel(PAGES_AHEAD);
    tokio::spawn(async move {
        if let Err(error) = read_heap(&pool, &pages).await {
            let _ = pages.send(Err(error)).await;
        }
    });
    scan
}

/// Blocks of the table a page of a heap scan covers: about 10,000 entries of 300 bytes.
const BLOCKS_A_PAGE: i64 = 384;

/// Read the table's blocks there when the scan starts, a range of them a page, without its
/// index: a `TID Range Scan` (PostgreSQL 14 and later) costs PostgreSQL about a fifth less a
/// row than reading in order through the index, and PostgreSQL is most of a verification's
/// work. Rows are mostly in the order of their sequence numbers, but not wholly (a row may go
/// into space left in an earlier block): the verifier puts them in order. Older servers read
/// nothing here, and the verifier reads the entries in order instead.
async fn read_heap(pool: &PgPool, pages: &Sender<Result<AuditPage>>) -> Result<()> {
    let (version, blocks): (i32, i64) = sqlx::query_as(
        "SELECT current_setting('server_version_num')::int, \
         pg_relation_size('audit_entries') / current_setting('block_size')::bigint",
    )
    .fetch_one(pool)
    .await?;
    if version < 140_000 {
        return Ok(());
    }
    let statements = (0..blocks)
        .step_by(BLOCKS_A_PAGE as usize)
        .map(|from| {
            let to = (from + BLOCKS_A_PAGE).min(blocks);
            format!(
                "COPY ({SELECT} WHERE ctid >= '({from},0)'::tid AND ctid < '({to},0)'::tid) \
                 TO STDOUT (FORMAT binary)"
            )
        })
        .collect();
    read_in_turn(pool, statements, &Arc::new(PagePool::default()), pages).await?;
    Ok(())
}

/// Read every entry after `after_seq` in order, handing each page to `pages` until the
/// verifier stops listening (it found a break).
async fn read_all(pool: &PgPool, after_seq: i64, pages: &Sender<Result<AuditPage>>) -> Result<()> {
    let last: i64 = sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM audit_entries")
        .fetch_one(pool)
        .await?;
    let statements = page_ranges(after_seq, last)
        .into_iter()
        .map(|(from, to)| in_order(from, Some(to)))
        .collect();
    let buffers = Arc::new(PagePool::default());
    if !read_in_turn(pool, statements, &buffers, pages).await? {
        return Ok(());
    }
    // Entries appended since the scan began.
    let mut after = last.max(after_seq);
    loop {
        let next = in_order(after, None);
        let page = copy_page(pool, &buffers, &next).await?;
        let full = page.len() >= PAGE_ENTRIES;
        after = page.last_seq().unwrap_or(after);
        if page.is_empty() || pages.send(Ok(page)).await.is_err() || !full {
            return Ok(());
        }
    }
}

/// The `COPY` of the entries after `after` up to `to` (or the next page of them), in order.
fn in_order(after: i64, to: Option<i64>) -> String {
    let bound = match to {
        Some(to) => format!("AND seq <= {to} ORDER BY seq"),
        None => format!("ORDER BY seq LIMIT {PAGE_ENTRIES}"),
    };
    format!("COPY ({SELECT} WHERE seq > {after} {bound}) TO STDOUT (FORMAT binary)")
}

/// Run the `COPY` statements by the scan's readers, each on a connection of its own, and hand
/// their pages to `pages` in the statements' order; whether the verifier still listens.
async fn read_in_turn(
    pool: &PgPool,
    statements: Vec<String>,
    buffers: &Arc<PagePool>,
    pages: &Sender<Result<AuditPage>>,
) -> Result<bool> {
    let statements = Arc::new(statements);
    let count = readers();
    let mut received = Vec::with_capacity(count);
    for reader in 0..count {
        let (sender, receiver) = channel(PAGES_AHEAD);
        received.push(receiver);
        let (pool, statements, buffers) = (pool.clone(), statements.clone(), buffers.clone());
        tokio::spawn(async move {
            for statement in statements.iter().skip(reader).step_by(count) {
                let page = copy_page(&pool, &buffers, statement).await;
                let failed = page.is_err();
                // The pages are not wanted any more, or this one failed: stop.
                if sender.send(page).await.is_err() || failed {
                    return;
                }
            }
        });
    }
    for turn in 0..statements.len() {
        let page = received[turn % count]
            .recv()
            .await
            .ok_or_else(|| corrupt("a reader of the audit trail stopped"))??;
        if !page.is_empty() && pages.send(Ok(page)).await.is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The entries a `COPY` statement reads, as one page. The connection goes back to the pool
/// before the page is handed on.
async fn copy_page(pool: &PgPool, buffers: &Arc<PagePool>, statement: &str) -> Result<AuditPage> {
    let mut chunks = pool.copy_out_raw(statement).await?;
    let mut reader = CopyReader::default();
    let mut page = buffers.page();
    while let Some(chunk) = chunks.try_next().await? {
        reader.feed(&chunk, &mut page)?;
    }
    if !reader.ended || !reader.pending.is_empty() {
        return Err(corrupt("the copied rows end early"));
    }
    Ok(page)
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("audit trail: {what}"))
}

/// Parses COPY's binary stream, whose rows may span chunks.
#[derive(Default)]
struct CopyReader {
    header_read: bool,
    ended: bool,
    /// The start of a row whose end is in a later chunk.
    pending: Vec<u8>,
}

impl CopyReader {
    fn feed(&mut self, chunk: &[u8], page: &mut AuditPage) -> Result<()> {
        if self.pending.is_empty() {
            let used = self.parse(chunk, page)?;
            self.pending.extend_from_slice(&chunk[used..]);
        } else {
            let mut bytes = std::mem::take(&mut self.pending);
            bytes.extend_from_slice(chunk);
            let used = self.parse(&bytes, page)?;
            bytes.drain(..used);
            self.pending = bytes;
        }
        Ok(())
    }

    /// Parse the complete rows at the start of `bytes`; how many bytes they took.
    fn parse(&mut self, bytes: &[u8], page: &mut AuditPage) -> Result<usize> {
        let mut at = 0;
        if !self.header_read {
            let Some(length) = header(bytes)? else {
                return Ok(0);
            };
            at = length;
            self.header_read = true;
        }
        while !self.ended && at < bytes.len() {
            let mut cursor = Cursor { bytes, at };
            let Some(count) = cursor.take(2) else {
                break;
            };
            let count = i16::from_be_bytes([count[0], count[1]]);
            if count == -1 {
                self.ended = true;
                at = cursor.at;
                break;
            }
            if count as usize != COLUMNS {
                return Err(corrupt("a copied row has an unexpected number of columns"));
            }
            let mut values = [None; COLUMNS];
            for value in &mut values {
                match cursor.value()? {
                    Some(v) => *value = v,
                    None => return Ok(at),
                }
            }
            push_row(&values, page)?;
            at = cursor.at;
        }
        if self.ended && at < bytes.len() {
            return Err(corrupt("data after the end of the copied rows"));
        }
        Ok(at)
    }
}

/// The header's length, once all of it is there.
fn header(bytes: &[u8]) -> Result<Option<usize>> {
    let fixed = SIGNATURE.len() + 8;
    if bytes.len() < fixed {
        return Ok(None);
    }
    if &bytes[..SIGNATURE.len()] != SIGNATURE {
        return Err(corrupt("not PostgreSQL's binary copy format"));
    }
    let extension = &bytes[SIGNATURE.len() + 4..fixed];
    let extension = u32::from_be_bytes([extension[0], extension[1], extension[2], extension[3]]);
    let length = fixed + extension as usize;
    Ok((bytes.len() >= length).then_some(length))
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let taken = self.bytes.get(self.at..self.at + n)?;
        self.at += n;
        Some(taken)
    }

    /// The next value (`Some(None)` for NULL); `None` if it is not all here yet.
    fn value(&mut self) -> Result<Option<Option<&'a [u8]>>> {
        let Some(length) = self.take(4) else {
            return Ok(None);
        };
        let length = i32::from_be_bytes([length[0], length[1], length[2], length[3]]);
        if length == -1 {
            return Ok(Some(None));
        }
        let length = usize::try_from(length).map_err(|_| corrupt("a negative value length"))?;
        Ok(self.take(length).map(Some))
    }
}

fn push_row(values: &[Option<&[u8]>; COLUMNS], page: &mut AuditPage) -> Result<()> {
    let eight = |i: usize| -> Result<i64> {
        let bytes: [u8; 8] = values[i]
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| corrupt("a number or time is not 8 bytes"))?;
        Ok(i64::from_be_bytes(bytes))
    };
    let seq = eight(0)?;
    let entry_corrupt = |what: &str| corrupt_entry(seq, what);
    let hash = |i: usize| values[i].ok_or_else(|| entry_corrupt("a hash is missing"));
    // Texts are hashed as the bytes they are stored as.
    let entry = CanonicalEntry {
        seq,
        at_micros: eight(1)? + POSTGRES_EPOCH_MICROS,
        actor: values[2],
        actor_role: values[3],
        action: required(values[4], seq)?,
        outcome: required(values[5], seq)?,
        case_id: values[6],
        subject: values[7],
        fields: CanonicalFields::Lines(required(values[8], seq)?),
        reason: values[9],
        request_id: values[10],
        client: required(values[11], seq)?,
    };
    page.push(&entry, hash(12)?, hash(13)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary COPY stream of `rows` rows of fourteen values each.
    fn stream(rows: &[[Option<Vec<u8>>; COLUMNS]]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        for row in rows {
            out.extend_from_slice(&(COLUMNS as i16).to_be_bytes());
            for value in row {
                match value {
                    None => out.extend_from_slice(&(-1i32).to_be_bytes()),
                    Some(v) => {
                        out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                        out.extend_from_slice(v);
                    }
                }
            }
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    fn row(seq: i64) -> [Option<Vec<u8>>; COLUMNS] {
        let text = |s: &str| Some(s.as_bytes().to_vec());
        [
            Some(seq.to_be_bytes().to_vec()),
            Some(0i64.to_be_bytes().to_vec()),
            Some(vec![7; 16]),
            None,
            text("case.create"),
            text("allowed"),
            None,
            None,
            text("name\nsex"),
            None,
            None,
            text("web"),
            Some(vec![1; 32]),
            Some(vec![2; 32]),
        ]
    }

    #[test]
    fn rows_split_anywhere_between_chunks_parse_alike() {
        let bytes = stream(&[row(1), row(2), row(3)]);
        let mut whole = AuditPage::new();
        let mut reader = CopyReader::default();
        reader.feed(&bytes, &mut whole).unwrap();
        assert!(reader.ended && reader.pending.is_empty());
        assert_eq!(whole.len(), 3);
        for split in 1..bytes.len() {
            let mut page = AuditPage::new();
            let mut reader = CopyReader::default();
            reader.feed(&bytes[..split], &mut page).unwrap();
            reader.feed(&bytes[split..], &mut page).unwrap();
            assert!(reader.ended, "split at {split}");
            let seqs: Vec<i64> = page.entries().iter().map(|e| e.seq).collect();
            assert_eq!(seqs, [1, 2, 3]);
            assert!(page.entries() == whole.entries(), "split at {split}");
        }
    }

    /// The hash `row(seq)` must store for its content to match, were it made `at_micros`
    /// after the Unix epoch.
    fn hash_of_row(seq: i64, at_micros: i64) -> Vec<u8> {
        let entry = CanonicalEntry {
            seq,
            at_micros,
            actor: Some(&[7; 16]),
            actor_role: None,
            action: b"case.create",
            outcome: b"allowed",
            case_id: None,
            subject: None,
            fields: CanonicalFields::Lines(b"name\nsex"),
            reason: None,
            request_id: None,
            client: b"web",
        };
        let mut canonical = Vec::new();
        entry.write(&mut canonical);
        caseward_crypto::audit_chain::chain_hash(&[1; 32], &canonical).to_vec()
    }

    #[test]
    fn times_count_from_the_unix_epoch() {
        let checked = |hash: Vec<u8>| {
            let mut stored = row(1);
            stored[13] = Some(hash);
            let mut page = AuditPage::new();
            CopyReader::default()
                .feed(&stream(&[stored]), &mut page)
                .unwrap();
            page.entries()[0].content_matches
        };
        // PostgreSQL's time 0 is 2000-01-01, which the canonical bytes count from 1970.
        assert!(checked(hash_of_row(1, POSTGRES_EPOCH_MICROS)));
        assert!(!checked(hash_of_row(1, 0)));
        assert!(!checked(hash_of_row(2, POSTGRES_EPOCH_MICROS)));
    }

    #[test]
    fn a_damaged_stream_is_refused() {
        let mut bytes = stream(&[row(1)]);
        bytes[0] = b'X';
        assert!(
            CopyReader::default()
                .feed(&bytes, &mut AuditPage::new())
                .is_err()
        );
        let mut short = row(1);
        short[13] = Some(vec![2; 31]);
        assert!(
            CopyReader::default()
                .feed(&stream(&[short]), &mut AuditPage::new())
                .is_err()
        );
        let mut unknown = row(1);
        unknown[4] = Some(b"case.eat".to_vec());
        assert!(
            CopyReader::default()
                .feed(&stream(&[unknown]), &mut AuditPage::new())
                .is_err()
        );
    }
}
