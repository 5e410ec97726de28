//! The audit trail's hash chain: each entry's hash covers the previous entry's hash and the
//! entry's canonical bytes, so that changing, removing, inserting or reordering an entry breaks
//! every hash after it.

use sha2::{Digest, Sha256};

/// The "previous hash" of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

const DOMAIN: &[u8] = b"caseward-audit-chain/1";

/// The hash of an entry whose predecessor's hash is `prev` and whose canonical bytes are
/// `canonical`.
pub fn chain_hash(prev: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(prev);
    hasher.update(canonical);
    hasher.finalize().into()
}

/// Lower-case hex, for messages and exports.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (either case); `None` if it is not hex.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// What a checkpoint's signature covers: the chain's head (sequence number and hash) at a
/// time, in microseconds since the Unix epoch.
pub fn checkpoint_message(seq: i64, hash: &[u8; 32], at_micros: i64) -> Vec<u8> {
    let mut message = b"caseward-audit-checkpoint/1".to_vec();
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(hash);
    message.extend_from_slice(&at_micros.to_be_bytes());
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hash_depends_on_its_predecessor_and_its_content() {
        let first = chain_hash(&GENESIS, b"entry one");
        assert_ne!(first, chain_hash(&GENESIS, b"entry one."));
        assert_ne!(chain_hash(&first, b"two"), chain_hash(&GENESIS, b"two"));
        assert_eq!(first, chain_hash(&GENESIS, b"entry one"), "deterministic");
        assert_eq!(hex(&[0x00, 0xab, 0x10]), "00ab10");
        assert_eq!(unhex("00AB10"), Some(vec![0x00, 0xab, 0x10]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
        assert_ne!(
            checkpoint_message(1, &GENESIS, 5),
            checkpoint_message(2, &GENESIS, 5)
        );
    }
}
