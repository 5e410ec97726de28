//! Recovery codes: one-time codes a person prints or writes down at MFA enrolment, to sign in
//! when their authenticator is lost.
//!
//! A code is 16 characters from Crockford's base32 alphabet (`0-9 a-z` without `i l o u`),
//! shown in four groups: `7k3m-q9vx-2hdn-w5pe`. Each character is 5 uniformly random bits,
//! so a code carries **80 bits** of entropy. Input is forgiving: case, spaces and dashes are
//! ignored, and `o`, `i`, `l` are read as `0`, `1`, `1`, since those are the mistakes people
//! make copying codes by hand.
//!
//! # Why a salted SHA-256 is enough here
//!
//! Only a [`RecoveryCodeHash`] is stored. Slow password hashes (Argon2id) exist because
//! passwords are guessable; a random code is not. Someone holding a copy of the database must
//! search the code space itself:
//!
//! - Each hash has its own random 128-bit salt, so one guess tests one stored code: no
//!   precomputed tables, and no speed-up from attacking every user's codes at once. (Without
//!   the salt, a million stored codes would cut an attacker's work by 2^20.)
//! - A user has at most ten live codes, so finding any one of them takes about
//!   2^80 / 10 ≈ 2^76.7 SHA-256 evaluations. At 10^10 hashes a second on a large GPU that is
//!   about 400,000 years, per user.
//! - Online guessing is bounded by the server's login rate limits, far below that.
//!
//! A slow hash would add nothing that matters at 80 bits, while checking ten Argon2id hashes
//! per attempt (19 MiB each) would hand an attacker a cheap way to load the server. 60 bits
//! would already be out of reach of online guessing; 80 keeps offline search out of reach
//! too, at the cost of four more characters.
//!
//! [`verify`] hashes the input once per stored hash (salts differ), compares every digest in
//! constant time and goes through all of them, so its timing does not tell which code matched.
//! The caller deletes (or marks used) the code at the returned index in the same transaction
//! that signs the person in: a recovery code works once.

use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// How many codes a person gets at enrolment unless the caller asks for another number.
pub const RECOVERY_CODE_COUNT: usize = 10;

/// Characters in a code, not counting the dashes.
const CODE_LEN: usize = 16;
/// Characters per group in the displayed form.
const GROUP_LEN: usize = 4;
/// Crockford's base32 alphabet in lower case: no `i`, `l`, `o` or `u`.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const SALT_LEN: usize = 16;
/// Keeps these digests apart from every other SHA-256 use, and names the format's version.
const DOMAIN: &[u8] = b"caseward recovery code v1\0";
// 16 symbols of 5 bits each: the 80 bits the reasoning above counts on.
const _: () = assert!(CODE_LEN * 5 == 80 && ALPHABET.len() == 32);

/// One recovery code, in its displayed form (`xxxx-xxxx-xxxx-xxxx`). Shown to its owner once;
/// cannot be cloned, printed or serialised; zeroed on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    /// A fresh code from the given random source.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut random = [0u8; CODE_LEN];
        rng.fill_bytes(&mut random);
        let mut canonical = [0u8; CODE_LEN];
        for (symbol, byte) in canonical.iter_mut().zip(&random) {
            // 256 is a multiple of 32, so the low five bits are uniform.
            *symbol = ALPHABET[usize::from(byte & 0x1f)];
        }
        let code = Self(display_form(&canonical));
        random.zeroize();
        canonical.zeroize();
        code
    }

    /// `count` fresh codes, for one enrolment.
    pub fn generate_set(rng: &mut (impl RngCore + CryptoRng), count: usize) -> Vec<Self> {
        (0..count).map(|_| Self::generate(rng)).collect()
    }

    /// The code as shown to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the store keeps of this code: a digest under a fresh random salt.
    pub fn hash(&self, rng: &mut (impl RngCore + CryptoRng)) -> RecoveryCodeHash {
        let mut salt = [0u8; SALT_LEN];
        rng.fill_bytes(&mut salt);
        let mut canonical = normalise(&self.0).expect("a generated code is well-formed");
        let digest = digest(&salt, &canonical);
        canonical.zeroize();
        RecoveryCodeHash { salt, digest }
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(redacted)")
    }
}

/// What the database keeps of a recovery code: a random salt and the SHA-256 digest of the
/// salted code. Stored as [`RecoveryCodeHash::LEN`] bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecoveryCodeHash {
    salt: [u8; SALT_LEN],
    digest: [u8; 32],
}

impl RecoveryCodeHash {
    /// Length of the stored form: the salt, then the digest.
    pub const LEN: usize = SALT_LEN + 32;

    /// The stored form.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut bytes = [0u8; Self::LEN];
        bytes[..SALT_LEN].copy_from_slice(&self.salt);
        bytes[SALT_LEN..].copy_from_slice(&self.digest);
        bytes
    }

    /// Read the stored form back; `None` if it is not [`RecoveryCodeHash::LEN`] bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::LEN {
            return None;
        }
        let mut hash = Self {
            salt: [0; SALT_LEN],
            digest: [0; 32],
        };
        hash.salt.copy_from_slice(&bytes[..SALT_LEN]);
        hash.digest.copy_from_slice(&bytes[SALT_LEN..]);
        Some(hash)
    }
}

impl fmt::Debug for RecoveryCodeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCodeHash(..)")
    }
}

/// The index in `hashes` of the code that `input` is, if any. Input is normalised first
/// (case, spaces and dashes ignored; `o`→`0`, `i`/`l`→`1`); input that cannot be a code
/// returns `None` without hashing. Every stored hash is checked, in constant time.
pub fn verify(input: &str, hashes: &[RecoveryCodeHash]) -> Option<usize> {
    let mut canonical = normalise(input)?;
    let mut found = Choice::from(0);
    let mut index = 0u64;
    for (i, hash) in hashes.iter().enumerate() {
        let matches = digest(&hash.salt, &canonical).ct_eq(&hash.digest);
        // The first match wins should two stored hashes be of the same code.
        let take = matches & !found;
        index.conditional_assign(&(i as u64), take);
        found |= matches;
    }
    canonical.zeroize();
    bool::from(found).then(|| usize::try_from(index).expect("an index of a slice"))
}

fn digest(salt: &[u8; SALT_LEN], canonical: &[u8; CODE_LEN]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(salt);
    hasher.update(canonical);
    hasher.finalize().into()
}

/// Whether `c` separates groups as a person might type it: spaces of any kind, an ASCII
/// hyphen-minus, or a dash that a phone keyboard or word processor put in its place.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The 16 alphabet characters of a code, from what a person typed; `None` if it is not one.
fn normalise(input: &str) -> Option<[u8; CODE_LEN]> {
    let mut canonical = [0u8; CODE_LEN];
    let mut len = 0;
    for c in input.chars() {
        if is_separator(c) {
            continue;
        }
        let symbol = match c.to_ascii_lowercase() {
            'o' => b'0',
            'i' | 'l' => b'1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c as u8,
            _ => {
                canonical.zeroize();
                return None;
            }
        };
        if len == CODE_LEN {
            canonical.zeroize();
            return None;
        }
        canonical[len] = symbol;
        len += 1;
    }
    if len == CODE_LEN {
        Some(canonical)
    } else {
        canonical.zeroize();
        None
    }
}

fn display_form(canonical: &[u8; CODE_LEN]) -> String {
    let mut text = String::with_capacity(CODE_LEN + CODE_LEN / GROUP_LEN);
    for (i, group) in canonical.chunks(GROUP_LEN).enumerate() {
        if i > 0 {
            text.push('-');
        }
        text.extend(group.iter().map(|&b| char::from(b)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn enrol(seed: u64) -> (Vec<RecoveryCode>, Vec<RecoveryCodeHash>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let codes = RecoveryCode::generate_set(&mut rng, RECOVERY_CODE_COUNT);
        let hashes = codes.iter().map(|c| c.hash(&mut rng)).collect();
        (codes, hashes)
    }

    #[test]
    fn codes_look_like_four_groups_of_four_unambiguous_characters() {
        let (codes, _) = enrol(1);
        assert_eq!(codes.len(), 10);
        for code in &codes {
            let text = code.expose();
            assert_eq!(text.len(), 19, "{text}");
            let groups: Vec<&str> = text.split('-').collect();
            assert_eq!(groups.len(), 4);
            for group in groups {
                assert_eq!(group.len(), 4);
                assert!(group.bytes().all(|b| ALPHABET.contains(&b)));
                assert!(!group.contains(['i', 'l', 'o', 'u']));
            }
        }
    }

    #[test]
    fn codes_in_a_set_differ_and_follow_the_rng() {
        let (a, _) = enrol(2);
        let texts: std::collections::HashSet<&str> = a.iter().map(|c| c.expose()).collect();
        assert_eq!(texts.len(), a.len());
        let (again, _) = enrol(2);
        assert_eq!(a[0].expose(), again[0].expose());
        let (other, _) = enrol(3);
        assert_ne!(a[0].expose(), other[0].expose());
    }

    #[test]
    fn the_alphabet_is_32_distinct_symbols_so_each_is_five_bits() {
        let distinct: std::collections::HashSet<&u8> = ALPHABET.iter().collect();
        assert_eq!(distinct.len(), 32);
    }

    #[test]
    fn every_symbol_is_drawn() {
        let mut rng = StdRng::seed_from_u64(4);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.extend(RecoveryCode::generate(&mut rng).expose().bytes());
        }
        seen.remove(&b'-');
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn each_code_finds_its_own_index() {
        let (codes, hashes) = enrol(5);
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(verify(code.expose(), &hashes), Some(i));
        }
    }

    #[test]
    fn input_is_normalised_the_way_people_type() {
        let mut rng = StdRng::seed_from_u64(6);
        let code = RecoveryCode(String::from("0a1b-2c3d-4e5f-6g7h"));
        let hashes = [code.hash(&mut rng)];
        let typed = [
            "0a1b-2c3d-4e5f-6g7h",
            "0A1B-2C3D-4E5F-6G7H",
            "0a1b2c3d4e5f6g7h",
            "0a1b 2c3d 4e5f 6g7h",
            "  0a1b - 2c3d - 4e5f - 6g7h  ",
            "oa1b-2c3d-4e5f-6g7h",                      // o for 0
            "0aIb-2c3d-4e5f-6g7h",                      // I for 1
            "0alb-2c3d-4e5f-6g7h",                      // l for 1
            "0a1b\u{2013}2c3d\u{2013}4e5f\u{2013}6g7h", // en dashes from autocorrect
            "0a1b\t2c3d\n4e5f\u{a0}6g7h",
        ];
        for input in typed {
            assert_eq!(verify(input, &hashes), Some(0), "{input:?}");
        }
    }

    #[test]
    fn wrong_or_malformed_input_matches_nothing() {
        let mut rng = StdRng::seed_from_u64(7);
        let code = RecoveryCode(String::from("0a1b-2c3d-4e5f-6g7h"));
        let hashes = [code.hash(&mut rng)];
        let refused = [
            "",
            "0a1b-2c3d-4e5f-6g7",   // one short
            "0a1b-2c3d-4e5f-6g7hh", // one long
            "0a1b-2c3d-4e5f-6g7j",  // one symbol off
            "0a1b-2c3d-4e5f-6g7u",  // u is not in the alphabet
            "0a1b-2c3d-4e5f-6g7h!", // punctuation
            "0a1b_2c3d_4e5f_6g7h",  // underscores are not separators
            "0a1b-2c3d-4e5f-6g7ħ",  // non-ASCII
            "0a1b-2c3d-4e5f-６g7h", // full-width digit
        ];
        for input in refused {
            assert_eq!(verify(input, &hashes), None, "{input:?}");
        }
        assert_eq!(verify("0a1b-2c3d-4e5f-6g7h", &[]), None);
    }

    #[test]
    fn the_same_code_hashes_differently_each_time() {
        let mut rng = StdRng::seed_from_u64(8);
        let code = RecoveryCode::generate(&mut rng);
        let a = code.hash(&mut rng);
        let b = code.hash(&mut rng);
        assert_ne!(a, b);
        assert_eq!(verify(code.expose(), &[a, b]), Some(0));
    }

    #[test]
    fn the_first_of_duplicate_hashes_is_reported() {
        let mut rng = StdRng::seed_from_u64(9);
        let (codes, mut hashes) = enrol(10);
        hashes.push(codes[3].hash(&mut rng));
        assert_eq!(verify(codes[3].expose(), &hashes), Some(3));
    }

    #[test]
    fn the_digest_is_sha256_of_domain_salt_and_code() {
        let mut expected = Sha256::new();
        expected.update(b"caseward recovery code v1\0");
        expected.update([0u8; 16]);
        expected.update(b"0a1b2c3d4e5f6g7h");
        let expected: [u8; 32] = expected.finalize().into();
        let stored = RecoveryCodeHash {
            salt: [0; 16],
            digest: expected,
        };
        assert_eq!(verify("0a1b-2c3d-4e5f-6g7h", &[stored]), Some(0));
    }

    #[test]
    fn hashes_round_trip_through_bytes() {
        let (codes, hashes) = enrol(11);
        let stored: Vec<[u8; RecoveryCodeHash::LEN]> =
            hashes.iter().map(|h| h.to_bytes()).collect();
        let loaded: Vec<RecoveryCodeHash> = stored
            .iter()
            .map(|b| RecoveryCodeHash::from_bytes(b).unwrap())
            .collect();
        assert_eq!(loaded, hashes);
        assert_eq!(verify(codes[9].expose(), &loaded), Some(9));
        assert!(RecoveryCodeHash::from_bytes(&[0; 47]).is_none());
        assert!(RecoveryCodeHash::from_bytes(&[0; 49]).is_none());
    }

    #[test]
    fn debug_never_shows_the_code() {
        let (codes, hashes) = enrol(12);
        assert_eq!(format!("{:?}", codes[0]), "RecoveryCode(redacted)");
        assert_eq!(format!("{:?}", hashes[0]), "RecoveryCodeHash(..)");
    }

    proptest! {
        #[test]
        fn a_generated_code_verifies_however_it_is_cased_and_spaced(
            seed in any::<u64>(),
            upper in proptest::collection::vec(any::<bool>(), 19),
            spaced in any::<bool>(),
        ) {
            let mut rng = StdRng::seed_from_u64(seed);
            let code = RecoveryCode::generate(&mut rng);
            let other = RecoveryCode::generate(&mut rng);
            let hashes = [other.hash(&mut rng), code.hash(&mut rng)];
            let typed: String = code
                .expose()
                .chars()
                .zip(&upper)
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .map(|c| if spaced && c == '-' { ' ' } else { c })
                .collect();
            prop_assert_eq!(verify(&typed, &hashes), Some(1));
        }

        #[test]
        fn arbitrary_input_never_panics_or_matches(input in "\\PC{0,40}") {
            let (_, hashes) = enrol(13);
            prop_assert_eq!(verify(&input, &hashes), None);
        }
    }
}
