//! Envelope encryption: each record (a case) has its own random data key; the data key is
//! stored wrapped (encrypted) by a master key from the keyring; the record's content is sealed
//! with the data key. XChaCha20-Poly1305 throughout, with random 192-bit nonces.
//!
//! Every ciphertext names the key that made it (a wrapped key names its master key's version)
//! and is bound by associated data to its place — the record, what it holds, the schema
//! version — so a ciphertext copied to another record or field fails to open.

use crate::keyring::{Keyring, MasterKey};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::{CryptoRng, RngCore};
use std::fmt;
use zeroize::Zeroizing;

/// The first bytes of sealed content: tells it from the plaintext JSON of older records.
pub const SEALED_MAGIC: [u8; 3] = *b"CW\x01";

/// Why something would not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the data key was wrapped by master key {0}, which the keyring lacks")]
    UnknownMasterKey(u32),
    #[error("the ciphertext does not open here (damaged, or moved from another place)")]
    Rejected,
    #[error("not sealed content")]
    NotSealed,
}

/// A record's data key. Cannot be printed or copied by accident; zeroed when dropped.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(key.as_mut_slice());
        Self(key)
    }

    /// The key's bytes, for deriving the keys of this crate's other constructions.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A data key as stored: the master key version that wrapped it, and the wrapped bytes
/// (nonce, ciphertext and tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub master_key_id: u32,
    pub bytes: Vec<u8>,
}

fn seal_with(
    key: &[u8; 32],
    plaintext: &[u8],
    aad: &[u8],
    rng: &mut (impl RngCore + CryptoRng),
) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; 24];
    rng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encrypts any length we store");
    let mut out = Vec::with_capacity(24 + ciphertext.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

fn open_with(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
    if sealed.len() < 24 + 16 {
        return Err(EnvelopeError::Rejected);
    }
    let (nonce, ciphertext) = sealed.split_at(24);
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| EnvelopeError::Rejected)
}

/// A record's id as the 16 bytes of its UUID.
pub type RecordId = [u8; 16];

fn wrap_aad(record: &RecordId, master_key_id: u32) -> Vec<u8> {
    let mut aad = b"caseward-data-key/1".to_vec();
    aad.extend_from_slice(record);
    aad.extend_from_slice(&master_key_id.to_be_bytes());
    aad
}

/// Wrap `key` for `record` with `master`.
pub fn wrap(
    master: &MasterKey,
    key: &DataKey,
    record: &RecordId,
    rng: &mut (impl RngCore + CryptoRng),
) -> WrappedKey {
    WrappedKey {
        master_key_id: master.id(),
        bytes: seal_with(
            master.expose(),
            key.0.as_slice(),
            &wrap_aad(record, master.id()),
            rng,
        ),
    }
}

/// Unwrap `record`'s data key with the keyring's master key of the right version.
pub fn unwrap(
    keyring: &Keyring,
    wrapped: &WrappedKey,
    record: &RecordId,
) -> Result<DataKey, EnvelopeError> {
    let master = keyring
        .master(wrapped.master_key_id)
        .ok_or(EnvelopeError::UnknownMasterKey(wrapped.master_key_id))?;
    let bytes = Zeroizing::new(open_with(
        master.expose(),
        &wrapped.bytes,
        &wrap_aad(record, wrapped.master_key_id),
    )?);
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| EnvelopeError::Rejected)?;
    Ok(DataKey(Zeroizing::new(key)))
}

/// Seal `plaintext` with a record's data key, bound to `place` (what the ciphertext is: the
/// record, the part of it, the schema version). The result starts with [`SEALED_MAGIC`].
pub fn seal(
    key: &DataKey,
    plaintext: &[u8],
    place: &[u8],
    rng: &mut (impl RngCore + CryptoRng),
) -> Vec<u8> {
    let mut out = SEALED_MAGIC.to_vec();
    out.extend(seal_with(&key.0, plaintext, place, rng));
    out
}

/// Whether `bytes` are sealed content (rather than an older record's plaintext).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(&SEALED_MAGIC)
}

/// Open content sealed by [`seal`] for the same `place`.
pub fn open(
    key: &DataKey,
    sealed: &[u8],
    place: &[u8],
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let body = sealed
        .strip_prefix(&SEALED_MAGIC)
        .ok_or(EnvelopeError::NotSealed)?;
    open_with(&key.0, body, place).map(Zeroizing::new)
}

/// Re-wrap a data key under the keyring's current master key (rotation), keeping the key.
pub fn rewrap(
    keyring: &Keyring,
    wrapped: &WrappedKey,
    record: &RecordId,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<WrappedKey, EnvelopeError> {
    let key = unwrap(keyring, wrapped, record)?;
    Ok(wrap(keyring.current_master(), &key, record, rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(11)
    }

    #[test]
    fn sealed_content_opens_only_in_its_place_with_its_key() {
        let mut rng = rng();
        let keyring = Keyring::generate(&mut rng);
        let (a, b) = ([1u8; 16], [2u8; 16]);
        let key = DataKey::generate(&mut rng);
        let wrapped = wrap(keyring.current_master(), &key, &a, &mut rng);
        let sealed = seal(
            &key,
            b"the survivor's address",
            b"case:a:content:1",
            &mut rng,
        );
        assert!(is_sealed(&sealed));
        assert!(!sealed.windows(7).any(|w| w == b"address"));

        let unwrapped = unwrap(&keyring, &wrapped, &a).unwrap();
        assert_eq!(
            open(&unwrapped, &sealed, b"case:a:content:1")
                .unwrap()
                .as_slice(),
            b"the survivor's address"
        );
        // Another place, another record, another keyring: nothing opens.
        assert_eq!(
            open(&unwrapped, &sealed, b"case:b:content:1"),
            Err(EnvelopeError::Rejected)
        );
        assert_eq!(
            open(&unwrapped, &sealed, b"case:a:content:2"),
            Err(EnvelopeError::Rejected)
        );
        assert!(matches!(
            unwrap(&keyring, &wrapped, &b),
            Err(EnvelopeError::Rejected)
        ));
        let stranger = Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(12));
        assert!(matches!(
            unwrap(&stranger, &wrapped, &a),
            Err(EnvelopeError::Rejected)
        ));
        let mut damaged = sealed.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert_eq!(
            open(&unwrapped, &damaged, b"case:a:content:1"),
            Err(EnvelopeError::Rejected)
        );
        assert_eq!(
            open(&unwrapped, b"{\"plain\":1}", b"x"),
            Err(EnvelopeError::NotSealed)
        );
    }

    #[test]
    fn rotation_rewraps_without_changing_the_data_key() {
        let mut rng = rng();
        let mut keyring = Keyring::generate(&mut rng);
        let record = [7u8; 16];
        let key = DataKey::generate(&mut rng);
        let old = wrap(keyring.current_master(), &key, &record, &mut rng);
        let sealed = seal(&key, b"content", b"place", &mut rng);
        keyring.add_master_key(&mut rng);
        let new = rewrap(&keyring, &old, &record, &mut rng).unwrap();
        assert_eq!((old.master_key_id, new.master_key_id), (1, 2));
        let reopened = unwrap(&keyring, &new, &record).unwrap();
        assert_eq!(
            open(&reopened, &sealed, b"place").unwrap().as_slice(),
            b"content"
        );
        assert_eq!(
            unwrap(&Keyring::generate(&mut rng), &new, &record).err(),
            Some(EnvelopeError::UnknownMasterKey(2))
        );
        assert_eq!(format!("{reopened:?}"), "DataKey(..)");
    }
}
