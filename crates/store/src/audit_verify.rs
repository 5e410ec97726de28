//! Verifying the audit trail: recompute every hash from the entries' content and check that
//! each entry follows the one before it, from the first to the recorded head.

use crate::{Result, Store};
use caseward_crypto::audit_chain::{GENESIS, chain_hash, hex};
use caseward_domain::audit::{AuditEntry, canonical_bytes};

/// The first place where the chain is not what it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its content does not match its hash (the entry was changed)")]
    Altered { seq: i64 },
    #[error(
        "entry {seq}: it does not follow entry {previous} (an entry was removed, inserted or \
         moved before it)"
    )]
    Unlinked { seq: i64, previous: i64 },
    #[error("entry {found} follows entry {previous}; entry {expected} is missing")]
    Missing {
        previous: i64,
        expected: i64,
        found: i64,
    },
    #[error(
        "the chain ends at entry {last}, but its recorded head is entry {head} (entries were \
         removed from the end, or added without being chained)"
    )]
    HeadMismatch { last: i64, head: i64 },
}

impl ChainBreak {
    /// The sequence number of the first bad entry.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Altered { seq } | Self::Unlinked { seq, .. } => *seq,
            Self::Missing { expected, .. } => *expected,
            Self::HeadMismatch { last, head } => (*last).min(*head) + 1,
        }
    }
}

/// Checks entries one by one, in order.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: [u8; 32],
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            last_seq: 0,
            last_hash: GENESIS,
        }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, entry: &AuditEntry) -> std::result::Result<(), ChainBreak> {
        let expected = self.last_seq + 1;
        if entry.seq != expected {
            return Err(ChainBreak::Missing {
                previous: self.last_seq,
                expected,
                found: entry.seq,
            });
        }
        if entry.hash
            != chain_hash(
                &entry.prev_hash,
                &canonical_bytes(entry.seq, entry.at, &entry.event),
            )
        {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        if entry.prev_hash != self.last_hash {
            return Err(ChainBreak::Unlinked {
                seq: entry.seq,
                previous: self.last_seq,
            });
        }
        self.last_seq = entry.seq;
        self.last_hash = entry.hash;
        Ok(())
    }

    /// The last verified entry: its sequence number and hash.
    pub fn head(&self) -> (i64, [u8; 32]) {
        (self.last_seq, self.last_hash)
    }
}

/// What a whole-chain verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries verified before the first break (all of them when intact).
    pub verified: i64,
    pub head_hash: String,
    pub first_break: Option<ChainBreak>,
}

/// Read the whole trail in pages and verify it against the recorded head.
pub async fn verify_chain(store: &dyn Store) -> Result<Verification> {
    const PAGE: u32 = 10_000;
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    let first_break = loop {
        let page = store.audit_entries(after, PAGE).await?;
        let Some(last) = page.last() else {
            break None;
        };
        after = last.seq;
        if let Some(broken) = page.iter().find_map(|e| verifier.push(e).err()) {
            break Some(broken);
        }
    };
    let (verified, head_hash) = verifier.head();
    let first_break = match first_break {
        Some(broken) => Some(broken),
        None => {
            let (head_seq, recorded_hash) = store.audit_head().await?;
            (head_seq != verified || recorded_hash != head_hash).then_some(
                ChainBreak::HeadMismatch {
                    last: verified,
                    head: head_seq,
                },
            )
        }
    };
    Ok(Verification {
        verified,
        head_hash: hex(&head_hash),
        first_break,
    })
}
