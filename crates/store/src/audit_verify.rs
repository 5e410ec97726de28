//! Verifying the audit trail: recompute every hash from the entries' content and check that
//! each entry follows the one before it, from the first to the recorded head.

use crate::audit_scan::{AuditPage, ScannedEntry};
use crate::{Result, Store};
use caseward_crypto::audit_chain::{GENESIS, chain_hash, checkpoint_message, hex};
use caseward_crypto::keyring::VerifyingKey;
use caseward_domain::audit::{AuditCheckpoint, AuditEntry, canonical_bytes};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

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
        link(verifier, wanted, entry)?;
    }
    Ok(())
}

/// Check the entry that follows the verifier's head, noting its hash if a checkpoint is at it.
fn link(
    verifier: &mut ChainVerifier,
    wanted: &mut BTreeMap<i64, Option<[u8; 32]>>,
    entry: &ScannedEntry,
) -> std::result::Result<(), ChainBreak> {
    verifier.push_scanned(entry)?;
    if let Some(slot) = wanted.get_mut(&entry.seq) {
        *slot = Some(entry.hash);
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

/// Entries of an unordered scan kept until those before them are read: about 7 MB. Rows out
/// of place in PostgreSQL's blocks are a few thousand entries from their place at most; more
/// waiting means entries are missing (or were appended where they were not read), and the
/// entries from the verifier's head on are read in order instead.
const WAITING_AT_MOST: usize = 100_000;

/// Puts the entries of an unordered scan in order: each is linked to the chain once the
/// entries before it are.
struct Reorder {
    waiting: BTreeMap<i64, ScannedEntry>,
    at_most: usize,
}

/// What taking an entry led to.
#[derive(Debug, PartialEq, Eq)]
enum Taken {
    /// It was linked, or waits for an entry before it.
    Kept,
    /// It cannot be put in order here (too many wait already, or its number is at or before
    /// the head's, which only a changed trail has): read on in order from the verifier's
    /// head, which names what is wrong as a verification in order does.
    ReadInOrder,
    Broken(ChainBreak),
}

impl Reorder {
    fn new(at_most: usize) -> Self {
        Self {
            waiting: BTreeMap::new(),
            at_most,
        }
    }

    fn take(
        &mut self,
        verifier: &mut ChainVerifier,
        wanted: &mut BTreeMap<i64, Option<[u8; 32]>>,
        entry: &ScannedEntry,
    ) -> Taken {
        let next = verifier.head().0 + 1;
        if entry.seq > next {
            let full = self.waiting.len() >= self.at_most;
            return match self.waiting.entry(entry.seq) {
                Entry::Vacant(place) if !full => {
                    place.insert(entry.clone());
                    Taken::Kept
                }
                _ => Taken::ReadInOrder,
            };
        }
        if entry.seq < next {
            return Taken::ReadInOrder;
        }
        if let Err(broken) = link(verifier, wanted, entry) {
            return Taken::Broken(broken);
        }
        while let Some(waited) = self.waiting.first_entry() {
            if *waited.key() != verifier.head().0 + 1 {
                break;
            }
            if let Err(broken) = link(verifier, wanted, &waited.remove()) {
                return Taken::Broken(broken);
            }
        }
        Taken::Kept
    }
}

/// Verify the entries of [`Store::scan_audit_unordered`] in order. Stops at the first break,
/// at an entry it cannot put in order, or at the end of the scan; the entries still waiting
/// are left to an ordered scan from the head.
async fn check_unordered(
    store: &dyn Store,
    mut verifier: ChainVerifier,
    mut wanted: BTreeMap<i64, Option<[u8; 32]>>,
) -> Result<Checked> {
    let mut scan = store.scan_audit_unordered();
    tokio::task::spawn_blocking(move || {
        let mut reorder = Reorder::new(WAITING_AT_MOST);
        while let Some(page) = scan.blocking_recv() {
            for entry in page?.entries() {
                match reorder.take(&mut verifier, &mut wanted, entry) {
                    Taken::Kept => {}
                    Taken::ReadInOrder => return Ok((verifier, wanted, None)),
                    Taken::Broken(broken) => return Ok((verifier, wanted, Some(broken))),
                }
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
        check_unordered(store, ChainVerifier::default(), wanted).await?;
    if first_break.is_none() {
        // What the unordered scan left out or left waiting, in order from its head.
        (verifier, wanted, first_break) = check_scan(store, verifier, wanted, None).await?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A chain of `n` entries, each content matching its hash.
    fn chain(n: i64) -> Vec<ScannedEntry> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let hash = chain_hash(&prev, &seq.to_be_bytes());
                let entry = ScannedEntry {
                    seq,
                    prev_hash: prev,
                    hash,
                    content_matches: true,
                };
                prev = hash;
                entry
            })
            .collect()
    }

    /// Take the entries of `chain` at `order` (sequence numbers) with a new verifier, keeping
    /// at most `at_most` waiting, until one is not kept: the last result, the verifier and
    /// what still waits.
    fn take_in(
        chain: &[ScannedEntry],
        at_most: usize,
        order: &[i64],
        wanted: &mut BTreeMap<i64, Option<[u8; 32]>>,
    ) -> (Taken, ChainVerifier, Reorder) {
        let (mut verifier, mut reorder) = (ChainVerifier::default(), Reorder::new(at_most));
        let mut last = Taken::Kept;
        for seq in order {
            last = reorder.take(&mut verifier, wanted, &chain[*seq as usize - 1]);
            if last != Taken::Kept {
                break;
            }
        }
        (last, verifier, reorder)
    }

    #[test]
    fn entries_out_of_place_are_linked_once_those_before_them_are() {
        let entries = chain(8);
        let mut wanted = BTreeMap::from([(4, None)]);
        let order = [2, 1, 4, 3, 5, 8, 6, 7];
        let (taken, verifier, reorder) = take_in(&entries, 10, &order, &mut wanted);
        assert_eq!(taken, Taken::Kept);
        assert_eq!(verifier.head(), (8, entries[7].hash));
        assert!(reorder.waiting.is_empty());
        let noted = wanted[&4];
        assert_eq!(noted, Some(entries[3].hash), "a checkpoint's entry noted");
    }

    #[test]
    fn too_many_waiting_hands_over_at_the_head() {
        let order = [1, 3, 4, 5];
        let (taken, verifier, _) = take_in(&chain(6), 2, &order, &mut BTreeMap::new());
        assert_eq!(taken, Taken::ReadInOrder);
        assert_eq!(verifier.head().0, 1);
    }

    #[test]
    fn an_altered_entry_breaks_the_chain_when_its_turn_comes() {
        let mut entries = chain(4);
        entries[2].content_matches = false;
        let order = [4, 3, 1, 2];
        let (taken, verifier, _) = take_in(&entries, 10, &order, &mut BTreeMap::new());
        let altered = Taken::Broken(ChainBreak::Altered { seq: 3 });
        assert_eq!(taken, altered);
        assert_eq!(verifier.head().0, 2);
    }

    #[test]
    fn an_entry_at_or_before_the_head_or_twice_hands_over_to_an_ordered_read() {
        for (order, head) in [([1, 1], 1), ([3, 3], 0), ([1, 2], 1)] {
            let mut entries = chain(3);
            // Renumbered in place (as a changed trail might be): entry 2 as entry 1.
            entries[1].seq = 1;
            let (taken, verifier, _) = take_in(&entries, 10, &order, &mut BTreeMap::new());
            assert_eq!(taken, Taken::ReadInOrder, "{order:?}");
            assert_eq!(verifier.head().0, head, "{order:?}");
        }
    }

    proptest! {
        #[test]
        fn any_order_of_an_intact_chain_is_intact(
            order in Just((1..=40).collect::<Vec<i64>>()).prop_shuffle()
        ) {
            let entries = chain(40);
            let (taken, verifier, reorder) = take_in(&entries, 40, &order, &mut BTreeMap::new());
            prop_assert_eq!(taken, Taken::Kept);
            prop_assert_eq!(verifier.head(), (40, entries[39].hash));
            prop_assert!(reorder.waiting.is_empty());
        }
    }
}
