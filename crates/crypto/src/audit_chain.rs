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
    }
}
