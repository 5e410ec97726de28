//! Linking new entries onto the audit chain: each entry's hash covers the one before it. Pure;
//! both backends' appends (`portable/audit.rs`, `sqlite/audit_appends.rs`) link their entries
//! here, after the chain's head, read and locked inside their write transaction.

use crate::{Result, StoreError};
use caseward_crypto::audit_chain::chain_hash;
use caseward_domain::audit::{AuditEntry, AuditEvent, canonical_bytes};
use chrono::{DateTime, SubsecRound, Utc};

/// `events`, each at its own time, linked in order after the head (`seq`, `hash`). A field id
/// with a line break is refused: the trail keeps a field list one id a line.
pub(crate) fn link(
    seq: i64,
    hash: [u8; 32],
    events: Vec<(AuditEvent, DateTime<Utc>)>,
) -> Result<Vec<AuditEntry>> {
    let (mut seq, mut prev) = (seq, hash);
    let mut entries = Vec::with_capacity(events.len());
    for (event, at) in events {
        if event.fields.iter().any(|f| f.contains('\n')) {
            return Err(StoreError::Corrupt(
                "an audited field id holds a line break".into(),
            ));
        }
        // Both databases keep microseconds; hash what will be read back.
        let at = at.trunc_subsecs(6);
        seq += 1;
        let hash = chain_hash(&prev, &canonical_bytes(seq, at, &event));
        entries.push(AuditEntry {
            seq,
            at,
            event,
            prev_hash: prev,
            hash,
        });
        prev = hash;
    }
    Ok(entries)
}

/// An error when an event's reason is case content: such events are appended with their case's
/// write, which seals the reason first (`portable/audit.rs`, `append_case_in`).
pub(crate) fn refuse_case_reasons(events: &[AuditEvent]) -> Result<()> {
    if events.iter().any(crate::case_texts::sealed_reason) {
        return Err(StoreError::Corrupt(
            "a case's reason would enter the trail unsealed".into(),
        ));
    }
    Ok(())
}

/// The hash a chain's head holds after `entries`, or `hash` when there are none.
pub(crate) fn head_after(entries: &[AuditEntry], seq: i64, hash: [u8; 32]) -> (i64, [u8; 32]) {
    entries
        .last()
        .map_or((seq, hash), |last| (last.seq, last.hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use caseward_domain::audit::AuditAction;

    fn event(fields: &[&str]) -> AuditEvent {
        AuditEvent {
            fields: fields.iter().map(|f| f.to_string()).collect(),
            ..AuditEvent::new(None, AuditAction::CaseRead)
        }
    }

    #[test]
    fn entries_follow_the_head_and_each_other() {
        let at = DateTime::from_timestamp(1_800_000_000, 123_456_789).unwrap();
        let entries = link(7, [9; 32], vec![(event(&["a"]), at), (event(&["b"]), at)]).unwrap();
        assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [8, 9]);
        assert_eq!(entries[0].prev_hash, [9; 32]);
        assert_eq!(entries[1].prev_hash, entries[0].hash);
        assert_eq!(entries[0].at.timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(
            entries[1].hash,
            chain_hash(
                &entries[0].hash,
                &canonical_bytes(9, entries[1].at, &entries[1].event)
            )
        );
        assert_eq!(head_after(&entries, 7, [9; 32]), (9, entries[1].hash));
        assert_eq!(head_after(&[], 7, [9; 32]), (7, [9; 32]));
    }

    #[test]
    fn a_field_id_with_a_line_break_is_refused() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert!(link(0, [0; 32], vec![(event(&["a\nb"]), at)]).is_err());
    }
}
