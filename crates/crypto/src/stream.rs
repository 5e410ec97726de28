//! Streaming encryption of a file (an attachment) too large to hold whole in memory: the
//! STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, 2015) over XChaCha20-Poly1305.
//!
//! The plaintext is cut into chunks of [`CHUNK`] bytes, each sealed on its own under a file key
//! derived from the record's data key and the file's id. Each chunk's nonce is the file's
//! random 19-byte prefix, the chunk's 32-bit counter and a last-chunk flag, so chunks cannot be
//! reordered, dropped, or the file cut short or extended without a chunk failing to open; the
//! associated data binds every chunk to the file's place (record and file ids), so a file
//! moved to another record or name does not open.
//!
//! Layout: [`STREAM_MAGIC`] (4 bytes), nonce prefix (19 bytes), then the sealed chunks, each
//! [`CHUNK`] + 16 bytes but the last (at most that; 16 for an empty file).

use crate::envelope::{DataKey, EnvelopeError};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::{CryptoRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// A sealed chunk's overhead (the Poly1305 tag).
pub const TAG: usize = 16;
/// The first bytes of a sealed stream.
pub const STREAM_MAGIC: [u8; 4] = *b"CWS\x01";
/// The header's length: magic and nonce prefix.
pub const HEADER: usize = STREAM_MAGIC.len() + PREFIX;
const PREFIX: usize = 19;

/// The length of a sealed stream of `plaintext` bytes.
pub fn sealed_len(plaintext: u64) -> u64 {
    let chunks = plaintext.div_ceil(CHUNK as u64).max(1);
    HEADER as u64 + plaintext + chunks * TAG as u64
}

fn file_cipher(key: &DataKey, file: &[u8]) -> XChaCha20Poly1305 {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose())
        .expect("HMAC accepts a key of any length");
    mac.update(b"caseward/stream-key/1");
    mac.update(file);
    let derived = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
    XChaCha20Poly1305::new(derived.as_slice().into())
}

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> XNonce {
    let mut nonce = [0u8; 24];
    nonce[..PREFIX].copy_from_slice(prefix);
    nonce[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    nonce[23] = u8::from(last);
    nonce.into()
}

/// Seals a file chunk by chunk. `place` names the file (record and file ids).
pub struct StreamSealer {
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    counter: u32,
    place: Vec<u8>,
    finished: bool,
}

impl StreamSealer {
    /// A sealer and the header to write before its chunks.
    pub fn new(
        key: &DataKey,
        place: &[u8],
        rng: &mut (impl RngCore + CryptoRng),
    ) -> (Self, Vec<u8>) {
        let mut prefix = [0u8; PREFIX];
        rng.fill_bytes(&mut prefix);
        let mut header = STREAM_MAGIC.to_vec();
        header.extend_from_slice(&prefix);
        let sealer = Self {
            cipher: file_cipher(key, place),
            prefix,
            counter: 0,
            place: place.to_vec(),
            finished: false,
        };
        (sealer, header)
    }

    /// Seal the next chunk: exactly [`CHUNK`] bytes, or at most that for the `last` one.
    pub fn seal_chunk(&mut self, plaintext: &[u8], last: bool) -> Result<Vec<u8>, StreamError> {
        if self.finished {
            return Err(StreamError::Finished);
        }
        if plaintext.len() > CHUNK || (!last && plaintext.len() != CHUNK) {
            return Err(StreamError::ChunkSize);
        }
        let sealed = self
            .cipher
            .encrypt(
                &nonce(&self.prefix, self.counter, last),
                Payload {
                    msg: plaintext,
                    aad: &self.place,
                },
            )
            .expect("XChaCha20-Poly1305 encrypts a chunk");
        self.counter = self.counter.checked_add(1).ok_or(StreamError::TooLong)?;
        self.finished = last;
        Ok(sealed)
    }
}

/// Opens a sealed file chunk by chunk, in order.
pub struct StreamOpener {
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    counter: u32,
    place: Vec<u8>,
    finished: bool,
}

impl StreamOpener {
    /// An opener for the stream whose header is `header` ([`HEADER`] bytes).
    pub fn new(key: &DataKey, place: &[u8], header: &[u8]) -> Result<Self, StreamError> {
        let prefix = header
            .strip_prefix(&STREAM_MAGIC)
            .and_then(|p| <[u8; PREFIX]>::try_from(p).ok())
            .ok_or(StreamError::Envelope(EnvelopeError::NotSealed))?;
        Ok(Self {
            cipher: file_cipher(key, place),
            prefix,
            counter: 0,
            place: place.to_vec(),
            finished: false,
        })
    }

    /// Open the next chunk; `last` says whether the reader found nothing after it. A chunk
    /// that was sealed as last but is not the end (or the reverse) does not open.
    pub fn open_chunk(
        &mut self,
        sealed: &[u8],
        last: bool,
    ) -> Result<Zeroizing<Vec<u8>>, StreamError> {
        if self.finished {
            return Err(StreamError::Finished);
        }
        let plaintext = self
            .cipher
            .decrypt(
                &nonce(&self.prefix, self.counter, last),
                Payload {
                    msg: sealed,
                    aad: &self.place,
                },
            )
            .map_err(|_| StreamError::Envelope(EnvelopeError::Rejected))?;
        self.counter = self.counter.checked_add(1).ok_or(StreamError::TooLong)?;
        self.finished = last;
        Ok(Zeroizing::new(plaintext))
    }
}

/// Why a stream would not seal or open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("a chunk of the wrong size (only the last may be short)")]
    ChunkSize,
    #[error("the stream has ended")]
    Finished,
    #[error("the stream is longer than 2^32 chunks")]
    TooLong,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn seal_all(key: &DataKey, place: &[u8], data: &[u8]) -> Vec<u8> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let (mut sealer, mut out) = StreamSealer::new(key, place, &mut rng);
        let chunks: Vec<&[u8]> = if data.is_empty() {
            vec![&[]]
        } else {
            data.chunks(CHUNK).collect()
        };
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.into_iter().enumerate() {
            out.extend(sealer.seal_chunk(chunk, i == last).unwrap());
        }
        out
    }

    /// Open as a reader does: fixed-size sealed chunks, the last being whatever remains.
    fn open_all(key: &DataKey, place: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StreamError> {
        if sealed.len() < HEADER {
            return Err(StreamError::Envelope(EnvelopeError::NotSealed));
        }
        let (header, body) = sealed.split_at(HEADER);
        let mut opener = StreamOpener::new(key, place, header)?;
        let mut out = Vec::new();
        let mut rest = body;
        loop {
            let take = rest.len().min(CHUNK + TAG);
            let (chunk, after) = rest.split_at(take);
            out.extend_from_slice(&opener.open_chunk(chunk, after.is_empty())?);
            if after.is_empty() {
                return Ok(out);
            }
            rest = after;
        }
    }

    fn key(seed: u64) -> DataKey {
        DataKey::generate(&mut rand::rngs::StdRng::seed_from_u64(seed))
    }

    #[test]
    fn round_trips_at_the_chunk_boundaries() {
        let key = key(1);
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal_all(&key, b"a", &data);
            assert_eq!(sealed.len() as u64, sealed_len(len as u64), "{len}");
            assert_eq!(open_all(&key, b"a", &sealed).unwrap(), data, "{len}");
        }
    }

    #[test]
    fn a_cut_reordered_or_moved_stream_does_not_open() {
        let key = key(1);
        let data = vec![7u8; 3 * CHUNK];
        let sealed = seal_all(&key, b"case-a/file-1", &data);
        let rejected = Err(StreamError::Envelope(EnvelopeError::Rejected));
        // Cut at a chunk boundary: the new last chunk was not sealed as last.
        assert_eq!(
            open_all(
                &key,
                b"case-a/file-1",
                &sealed[..HEADER + 2 * (CHUNK + TAG)]
            ),
            rejected
        );
        // Two chunks swapped.
        let mut swapped = sealed.clone();
        let (a, b) = (HEADER, HEADER + CHUNK + TAG);
        let first = sealed[a..b].to_vec();
        swapped[a..b].copy_from_slice(&sealed[b..b + CHUNK + TAG]);
        swapped[b..b + CHUNK + TAG].copy_from_slice(&first);
        assert_eq!(open_all(&key, b"case-a/file-1", &swapped), rejected);
        // Another place, another key.
        assert_eq!(open_all(&key, b"case-b/file-1", &sealed), rejected);
        assert_eq!(open_all(&self::key(2), b"case-a/file-1", &sealed), rejected);
        // Extended by a copy of the last chunk.
        let mut longer = sealed.clone();
        longer.extend_from_slice(&sealed[sealed.len() - (CHUNK + TAG)..]);
        assert_eq!(open_all(&key, b"case-a/file-1", &longer), rejected);
    }

    #[test]
    fn the_sealer_refuses_misuse() {
        let key = key(1);
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let (mut sealer, _) = StreamSealer::new(&key, b"a", &mut rng);
        assert_eq!(
            sealer.seal_chunk(&[1, 2], false),
            Err(StreamError::ChunkSize)
        );
        sealer.seal_chunk(&[1, 2], true).unwrap();
        assert_eq!(sealer.seal_chunk(&[1, 2], true), Err(StreamError::Finished));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Any single flipped bit anywhere in a sealed stream stops it from opening.
        #[test]
        fn any_flipped_bit_is_caught(len in 0usize..(2 * CHUNK + 10), at in any::<prop::sample::Index>(), bit in 0u8..8) {
            let key = key(3);
            let data = vec![0x5au8; len];
            let mut sealed = seal_all(&key, b"p", &data);
            let i = at.index(sealed.len());
            sealed[i] ^= 1 << bit;
            prop_assert!(open_all(&key, b"p", &sealed).is_err());
        }
    }
}
