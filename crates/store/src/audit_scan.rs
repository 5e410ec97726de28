//! Reading the whole audit trail for `audit verify`: each backend streams pages of checked
//! entries. A reader writes each row's canonical form (the bytes the chain hashes) straight
//! from the row, without building an [`AuditEntry`](caseward_domain::audit::AuditEntry), and
//! hashes it at once, while the bytes are in the cache: the hashing is spread over the
//! readers (one a core and one more), and the page keeps only each entry's sequence number,
//! stored hashes and whether its content matches its hash. The verifier links the pages'
//! entries in order.

use crate::{Result, StoreError};
use caseward_crypto::audit_chain::chain_hash;
use caseward_domain::audit::{AuditAction, CanonicalEntry, Outcome};
use std::sync::{Arc, Mutex};

/// Entries in a page.
pub const PAGE_ENTRIES: usize = 10_000;

/// Pages of the trail in order, from a backend's reader; an error ends the scan.
pub type AuditScan = tokio::sync::mpsc::Receiver<Result<AuditPage>>;

/// The pages a scan may read ahead of the verifier.
pub(crate) const PAGES_AHEAD: usize = 2;

/// Readers of a scan at once: one a core and one more, at most four. A reader waits part of
/// the time (on PostgreSQL for the rows of its `COPY`, its backend for the reader): with one
/// a core, both cores of a 2-core machine were idle 4 % of a verification; with three readers
/// there it was 1.06 times as fast (the same with four or six; on SQLite the same with two
/// or three).
pub(crate) fn readers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| (n.get() + 1).min(4))
}

/// The ranges of sequence numbers, `(from, to]`, a page each at most, that cover the entries
/// after `after_seq` up to `last`, in order: what a scan's readers share out.
pub(crate) fn page_ranges(after_seq: i64, last: i64) -> Vec<(i64, i64)> {
    let size = PAGE_ENTRIES as i64;
    let mut ranges = Vec::new();
    let mut from = after_seq;
    while from < last {
        let to = from.saturating_add(size).min(last);
        ranges.push((from, to));
        from = to;
    }
    ranges
}

/// A stored entry that cannot be read.
pub(crate) fn corrupt_entry(seq: i64, what: &str) -> StoreError {
    StoreError::Corrupt(format!("audit entry {seq}: {what}"))
}

/// A value the entry must have.
pub(crate) fn required(value: Option<&[u8]>, seq: i64) -> Result<&[u8]> {
    value.ok_or_else(|| corrupt_entry(seq, "a value is missing"))
}

/// One entry of a page: its sequence number, stored hashes, and whether the hash of its
/// content with its stored previous hash is its stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedEntry {
    pub seq: i64,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
    pub content_matches: bool,
}

/// Checked entries read together, and the buffer each one's canonical bytes are written to
/// before they are hashed. A page taken from a [`PagePool`] gives its buffers back to it when
/// dropped.
#[derive(Debug, Default)]
pub struct AuditPage {
    canonical: Vec<u8>,
    entries: Vec<ScannedEntry>,
    pool: Option<Arc<PagePool>>,
}

impl AuditPage {
    pub(crate) fn new() -> Self {
        Self {
            canonical: Vec::with_capacity(1024),
            entries: Vec::with_capacity(PAGE_ENTRIES),
            pool: None,
        }
    }

    /// Check and add a stored entry. Its action and outcome must be names this version knows
    /// (an unknown one is reported, not hidden) and its hashes 32 bytes.
    pub(crate) fn push(
        &mut self,
        entry: &CanonicalEntry<'_>,
        prev_hash: &[u8],
        hash: &[u8],
    ) -> Result<()> {
        let seq = entry.seq;
        for (what, name, is_known) in [
            (
                "action",
                entry.action,
                AuditAction::parse_bytes(entry.action).is_some(),
            ),
            (
                "outcome",
                entry.outcome,
                Outcome::parse_bytes(entry.outcome).is_some(),
            ),
        ] {
            if !is_known {
                let name = String::from_utf8_lossy(name);
                return Err(corrupt_entry(seq, &format!("unknown {what} {name:?}")));
            }
        }
        let hash_of = |bytes: &[u8]| {
            <[u8; 32]>::try_from(bytes).map_err(|_| corrupt_entry(seq, "a hash is not 32 bytes"))
        };
        let prev_hash = hash_of(prev_hash)?;
        let hash = hash_of(hash)?;
        self.canonical.clear();
        entry.write(&mut self.canonical);
        let content_matches = chain_hash(&prev_hash, &self.canonical) == hash;
        self.entries.push(ScannedEntry {
            seq,
            prev_hash,
            hash,
            content_matches,
        });
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The last entry's sequence number.
    pub fn last_seq(&self) -> Option<i64> {
        self.entries.last().map(|e| e.seq)
    }

    /// The entries, in the order they were read.
    pub fn entries(&self) -> &[ScannedEntry] {
        &self.entries
    }
}

impl Drop for AuditPage {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            pool.give_back(
                std::mem::take(&mut self.canonical),
                std::mem::take(&mut self.entries),
            );
        }
    }
}

/// The buffers of a scan's pages once checked, for its readers to fill again. A page's
/// entries take about 800 KB: allocated anew for each page, the kernel zeroed their memory.
#[derive(Debug, Default)]
pub(crate) struct PagePool {
    free: Mutex<Vec<(Vec<u8>, Vec<ScannedEntry>)>>,
}

/// Buffers a pool keeps: those of the pages in flight (each reader's, those waiting for the
/// verifier); more are freed.
const POOLED_PAGES: usize = 12;

impl PagePool {
    /// An empty page, with buffers used before when there are some.
    pub(crate) fn page(self: &Arc<Self>) -> AuditPage {
        let reused = self.free.lock().ok().and_then(|mut free| free.pop());
        let mut page = reused.map_or_else(AuditPage::new, |(canonical, entries)| AuditPage {
            canonical,
            entries,
            pool: None,
        });
        page.pool = Some(self.clone());
        page
    }

    fn give_back(&self, mut canonical: Vec<u8>, mut entries: Vec<ScannedEntry>) {
        canonical.clear();
        entries.clear();
        if let Ok(mut free) = self.free.lock()
            && free.len() < POOLED_PAGES
        {
            free.push((canonical, entries));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pooled_page_is_empty_and_its_buffers_go_back_to_a_bounded_pool() {
        let pool = Arc::new(PagePool::default());
        let mut page = pool.page();
        let entry = CanonicalEntry {
            seq: 1,
            at_micros: 0,
            actor: None,
            actor_role: None,
            action: b"case.read",
            outcome: b"allowed",
            case_id: None,
            subject: None,
            fields: caseward_domain::audit::CanonicalFields::Lines(b"name"),
            reason: None,
            request_id: None,
            client: b"web",
        };
        page.push(&entry, &[1; 32], &[2; 32]).unwrap();
        let buffer = page.entries.as_ptr();
        drop(page);
        let again = pool.page();
        assert!(again.is_empty() && again.canonical.is_empty());
        assert_eq!(again.entries.as_ptr(), buffer, "the same buffer");
        drop(again);
        // More pages at once than it keeps: the pool keeps no more than its bound.
        let pages: Vec<AuditPage> = (0..POOLED_PAGES + 3).map(|_| pool.page()).collect();
        drop(pages);
        assert_eq!(pool.free.lock().unwrap().len(), POOLED_PAGES);
    }

    #[test]
    fn each_entry_is_checked_against_its_stored_hash_as_it_is_read() {
        let entry = |client: &'static [u8]| CanonicalEntry {
            seq: 7,
            at_micros: 1_700_000_000_000_000,
            actor: Some(&[3; 16]),
            actor_role: Some(b"caseworker"),
            action: b"case.read",
            outcome: b"allowed",
            case_id: Some(&[4; 16]),
            subject: None,
            fields: caseward_domain::audit::CanonicalFields::Lines(b"name\nsex"),
            reason: None,
            request_id: Some(b"r-1"),
            client,
        };
        let mut canonical = Vec::new();
        entry(b"web").write(&mut canonical);
        let hash = chain_hash(&[9; 32], &canonical);
        let mut page = AuditPage::new();
        page.push(&entry(b"web"), &[9; 32], &hash).unwrap();
        page.push(&entry(b"cli"), &[9; 32], &hash).unwrap();
        page.push(&entry(b"web"), &[8; 32], &hash).unwrap();
        let matches: Vec<bool> = page.entries().iter().map(|e| e.content_matches).collect();
        assert_eq!(
            matches,
            [true, false, false],
            "content, then previous hash, changed"
        );
        assert_eq!(page.entries()[2].prev_hash, [8; 32]);
        assert!(page.push(&entry(b"web"), &[9; 31], &hash).is_err());
    }

    #[test]
    fn page_ranges_cover_the_entries_once_in_order() {
        let size = PAGE_ENTRIES as i64;
        assert_eq!(page_ranges(0, 0), []);
        assert_eq!(page_ranges(7, 7), []);
        assert_eq!(page_ranges(9, 3), [], "nothing after the end");
        assert_eq!(page_ranges(0, 5), [(0, 5)]);
        assert_eq!(page_ranges(0, size), [(0, size)]);
        assert_eq!(
            page_ranges(3, 2 * size + 4),
            [
                (3, size + 3),
                (size + 3, 2 * size + 3),
                (2 * size + 3, 2 * size + 4)
            ]
        );
    }
}
