//! Verifying the audit trail: recompute every hash from the entries' content and check that
//! each entry follows the one before it, from the first to the recorded head.

use crate::audit_scan::{AuditPage, ScannedEntry};
use crate::{Result, Store};
use caseward_crypto::audit_chain::{GENESIS, chain_hash, checkpoint_message, hex};
use caseward_crypto::keyring::VerifyingKey;
use caseward_domain::audit::{AuditCheckpoint, AuditEntry, canonical_bytes};
use std::collections::BTreeMap;

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

/// Where the chain disagrees with a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointBreak {
    #[error(
        "the checkpoint at entry {seq} is not signed by this instance's key (forged or damaged)"
    )]
    BadSignature { seq: i64 },
    #[error(
        "entry {seq} differs from its signed checkpoint (it, or an entry before it, was \
         rewritten and the hashes recomputed)"
    )]
    Rewritten { seq: i64 },
    #[error(
        "the chain ends at entry {last}, before the signed checkpoint at entry {seq} (entries \
         were removed from the end)"
    )]
    Truncated { seq: i64, last: i64 },
}

impl CheckpointBreak {
    pub fn seq(&self) -> i64 {
        match self {
            Self::BadSignature { seq } | Self::Rewritten { seq } => *seq,
            Self::Truncated { last, .. } => last + 1,
        }
    }
}

/// Whether a checkpoint carries a valid signature by `key`.
pub fn checkpoint_is_signed(checkpoint: &AuditCheckpoint, key: &VerifyingKey) -> bool {
    checkpoint.key_id == key.id()
        && key.verify(
            &checkpoint_message(
                checkpoint.seq,
                &checkpoint.hash,
                checkpoint.at.timestamp_micros(),
            ),
            &checkpoint.signature,
        )
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
        self.push_canonical(
            entry.seq,
            &canonical_bytes(entry.seq, entry.at, &entry.event),
            &entry.prev_hash,
            &entry.hash,
        )
    }

    /// Check the entry `seq` whose canonical bytes are `canonical` and whose stored hashes
    /// are `prev_hash` and `hash`.
    pub fn push_canonical(
        &mut self,
        seq: i64,
        canonical: &[u8],
        prev_hash: &[u8; 32],
        hash: &[u8; 32],
    ) -> std::result::Result<(), ChainBreak> {
        self.push_scanned(&ScannedEntry {
            seq,
            prev_hash: *prev_hash,
            hash: *hash,
            content_matches: *hash == chain_hash(prev_hash, canonical),
        })
    }

    /// Check an entry whose content was checked against its hash as it was read.
    pub fn push_scanned(&mut self, entry: &ScannedEntry) -> std::result::Result<(), ChainBreak> {
        let ScannedEntry {
            seq,
            prev_hash,
            hash,
            content_matches,
        } = entry;
        let (seq, expected) = (*seq, self.last_seq + 1);
        if seq != expected {
            return Err(ChainBreak::Missing {
                previous: self.last_seq,
                expected,
                found: seq,
            });
        }
        if !content_matches {
            return Err(ChainBreak::Altered { seq });
        }
        if *prev_hash != self.last_hash {
            return Err(ChainBreak::Unlinked {
                seq,
                previous: self.last_seq,
            });
        }
        self.last_seq = seq;
        self.last_hash = *hash;
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
    /// Signed checkpoints compared with the chain.
    pub checkpoints: usize,
    pub checkpoint_break: Option<CheckpointBreak>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none() && self.checkpoint_break.is_none()
    }
}

/// Check one page of entries in order, up to entry `up_to` if given, noting the hashes of the
/// entries checkpoints are at.
fn check_page(
    verifier: &mut ChainVerifier,
    wanted: &mut BTreeMap<i64, Option<[u8; 32]>>,
    page: &AuditPage,
    up_to: Option<i64>,
) -> std::result::Result<(), ChainBreak> {
    for entry in page.entries() {
        if up_to.is_some_and(|last| entry.seq > last) {
            break;
        }
        verifier.push_scanned(entry)?;
        if let Some(slot) = wanted.get_mut(&entry.seq) {
            *slot = Some(entry.hash);
        }
    }
    Ok(())
}

/// Where a scan left the verification: the verifier, the checkpoints' hashes, and the first
/// break if one was found.
type Checked = (
    ChainVerifier,
    BTreeMap<i64, Option<[u8; 32]>>,
    Option<ChainBreak>,
);

/// Verify the entries after the verifier's head (up to entry `up_to` if given) as `store`
/// reads them: the backend's readers decode and hash the next pages (SQLite on threads of its
/// own, or PostgreSQL's COPY) while a blocking thread links the current one.
async fn check_scan(
    store: &dyn Store,
    mut verifier: ChainVerifier,
    mut wanted: BTreeMap<i64, Option<[u8; 32]>>,
    up_to: Option<i64>,
) -> Result<Checked> {
    let mut scan = store.scan_audit(verifier.head().0);
    tokio::task::spawn_blocking(move || {
        while let Some(page) = scan.blocking_recv() {
            let page = page?;
            if let Err(broken) = check_page(&mut verifier, &mut wanted, &page, up_to) {
                return Ok((verifier, wanted, Some(broken)));
            }
            // The page reached the last entry wanted: the rest is not read.
            if up_to.is_some_and(|last| page.last_seq().is_some_and(|seq| seq >= last)) {
                break;
            }
        }
        Ok((verifier, wanted, None))
    })
    .await
    .map_err(|e| crate::StoreError::Corrupt(format!("verifying the audit trail stopped: {e}")))?
}

/// Read the whole trail and verify it against the recorded head.
pub async fn verify_chain(store: &dyn Store) -> Result<Verification> {
    verify_chain_against(store, &[], None).await
}

/// Verify the whole trail, then compare it with signed `checkpoints` (each must carry a valid
/// signature by `key` and match the chain's hash at its entry; a checkpoint beyond the chain's
/// end means the tail was removed).
pub async fn verify_chain_against(
    store: &dyn Store,
    checkpoints: &[AuditCheckpoint],
    key: Option<&VerifyingKey>,
) -> Result<Verification> {
    let wanted: BTreeMap<i64, Option<[u8; 32]>> =
        checkpoints.iter().map(|c| (c.seq, None)).collect();
    let (mut verifier, mut wanted, mut first_break) =
        check_scan(store, ChainVerifier::default(), wanted, None).await?;
    if first_break.is_none() {
        let (head_seq, recorded_hash) = store.audit_head().await?;
        // Entries appended while the trail was read (the server kept running) are checked up
        // to the head just read; those appended since are left for the next verification.
        if verifier.head().0 < head_seq {
            (verifier, wanted, first_break) =
                check_scan(store, verifier, wanted, Some(head_seq)).await?;
        }
        let (verified, head_hash) = verifier.head();
        if first_break.is_none() && (head_seq != verified || recorded_hash != head_hash) {
            first_break = Some(ChainBreak::HeadMismatch {
                last: verified,
                head: head_seq,
            });
        }
    }
    let (verified, head_hash) = verifier.head();
    let mut sorted: Vec<&AuditCheckpoint> = checkpoints.iter().collect();
    sorted.sort_by_key(|c| c.seq);
    let checkpoint_break = sorted.iter().find_map(|checkpoint| {
        if key.is_some_and(|key| !checkpoint_is_signed(checkpoint, key)) {
            return Some(CheckpointBreak::BadSignature {
                seq: checkpoint.seq,
            });
        }
        match wanted.get(&checkpoint.seq).copied().flatten() {
            Some(hash) if hash == checkpoint.hash => None,
            Some(_) => Some(CheckpointBreak::Rewritten {
                seq: checkpoint.seq,
            }),
            // Not reached: past the end of an intact chain, or past its first break (which
            // is reported already).
            None if first_break.is_none() => Some(CheckpointBreak::Truncated {
                seq: checkpoint.seq,
                last: verified,
            }),
            None => None,
        }
    });
    Ok(Verification {
        verified,
        head_hash: hex(&head_hash),
        first_break,
        checkpoints: checkpoints.len(),
        checkpoint_break,
    })
}

/// Sign a checkpoint of the chain's current head with `key` and record it, unless the head is
/// empty or already checkpointed. Returns the new checkpoint.
pub async fn checkpoint_head(
    store: &dyn Store,
    key: &caseward_crypto::keyring::SigningKey,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<AuditCheckpoint>> {
    use chrono::SubsecRound;
    let (seq, hash) = store.audit_head().await?;
    if seq == 0 {
        return Ok(None);
    }
    let at = now.trunc_subsecs(6);
    let checkpoint = AuditCheckpoint {
        seq,
        at,
        hash,
        key_id: key.id(),
        signature: key
            .sign(&checkpoint_message(seq, &hash, at.timestamp_micros()))
            .to_vec(),
    };
    Ok(store
        .add_audit_checkpoint(&checkpoint)
        .await?
        .then_some(checkpoint))
}
