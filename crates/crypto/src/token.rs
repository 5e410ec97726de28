//! Session tokens: 256 random bits, sent to the browser once, stored only as a SHA-256 digest.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A bearer secret identifying a session. Never printed, never stored in the database.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SessionToken(String);

/// What the database keeps of a token: its SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest(pub [u8; 32]);

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenDigest(..)")
    }
}

impl SessionToken {
    /// A fresh token from the given random source.
    pub fn generate(rng: &mut (impl RngCore + rand::CryptoRng)) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        bytes.zeroize();
        Self(token)
    }

    /// Accept a token presented by a client. Malformed input is refused without detail.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = text.len() == 43
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        valid.then(|| Self(text.to_string()))
    }

    /// The token text, to place in the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_tokens_parse_and_differ() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let a = SessionToken::generate(&mut rng);
        let b = SessionToken::generate(&mut rng);
        assert_ne!(a.expose(), b.expose());
        let parsed = SessionToken::parse(a.expose()).expect("parses");
        assert_eq!(parsed.digest(), a.digest());
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert!(SessionToken::parse("").is_none());
        assert!(SessionToken::parse("short").is_none());
        assert!(SessionToken::parse(&"a".repeat(44)).is_none());
        assert!(SessionToken::parse(&format!("{}=", "a".repeat(42))).is_none());
    }

    #[test]
    fn debug_is_redacted() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let token = SessionToken::generate(&mut rng);
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
