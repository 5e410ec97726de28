//! Reading the whole audit trail for `audit verify`: each backend streams pages of entries
//! already in their canonical form (the bytes the chain hashes), straight from its rows,
//! without building an [`AuditEntry`](caseward_domain::audit::AuditEntry) per entry. The
//! verifier hashes one page while the backend reads the next.

use crate::{Result, StoreError};
use caseward_domain::audit::{AuditAction, CanonicalEntry, Outcome};

/// Entries in a page.
pub const PAGE_ENTRIES: usize = 10_000;

/// Pages of the trail in order, from a backend's reader; an error ends the scan.
pub type AuditScan = tokio::sync::mpsc::Receiver<Result<AuditPage>>;

/// The pages a scan may read ahead of the verifier.
pub(crate) const PAGES_AHEAD: usize = 2;

/// A stored entry that cannot be read.
pub(crate) fn corrupt_entry(seq: i64, what: &str) -> StoreError {
    StoreError::Corrupt(format!("audit entry {seq}: {what}"))
}

/// A value the entry must have.
pub(crate) fn required(value: Option<&[u8]>, seq: i64) -> Result<&[u8]> {
    value.ok_or_else(|| corrupt_entry(seq, "a value is missing"))
}

/// One entry of a page: its sequence number and stored hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedEntry {
    pub seq: i64,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
    /// Where its canonical bytes end in the page's buffer.
    end: usize,
}

/// Consecutive entries: their canonical bytes in one buffer, and their hashes.
#[derive(Debug, Default)]
pub struct AuditPage {
    canonical: Vec<u8>,
    entries: Vec<ScannedEntry>,
}

impl AuditPage {
    pub(crate) fn new() -> Self {
        Self {
            canonical: Vec::with_capacity(PAGE_ENTRIES * 320),
            entries: Vec::with_capacity(PAGE_ENTRIES),
        }
    }

    /// Add a stored entry. Its action and outcome must be names this version knows (an
    /// unknown one is reported, not hidden) and its hashes 32 bytes.
    pub(crate) fn push(
        &mut self,
        entry: &CanonicalEntry<'_>,
        prev_hash: &[u8],
        hash: &[u8],
    ) -> Result<()> {
        let seq = entry.seq;
        let name = |bytes: &[u8]| std::str::from_utf8(bytes).unwrap_or_default().to_owned();
        if std::str::from_utf8(entry.action)
            .ok()
            .and_then(AuditAction::parse)
            .is_none()
        {
            let action = name(entry.action);
            return Err(corrupt_entry(seq, &format!("unknown action {action:?}")));
        }
        if std::str::from_utf8(entry.outcome)
            .ok()
            .and_then(Outcome::parse)
            .is_none()
        {
            let outcome = name(entry.outcome);
            return Err(corrupt_entry(seq, &format!("unknown outcome {outcome:?}")));
        }
        let hash_of = |bytes: &[u8], what: &str| -> Result<[u8; 32]> {
            bytes
                .try_into()
                .map_err(|_| StoreError::Corrupt(format!("audit {what} is not 32 bytes")))
        };
        let prev_hash = hash_of(prev_hash, "previous hash")?;
        let hash = hash_of(hash, "hash")?;
        entry.write(&mut self.canonical);
        self.entries.push(ScannedEntry {
            seq,
            prev_hash,
            hash,
            end: self.canonical.len(),
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

    /// Each entry with its canonical bytes, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&ScannedEntry, &[u8])> {
        let mut start = 0;
        self.entries.iter().map(move |entry| {
            let bytes = &self.canonical[start..entry.end];
            start = entry.end;
            (entry, bytes)
        })
    }
}
