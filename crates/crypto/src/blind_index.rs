//! Keyed blind indexes: find a case by a name or code without the database holding it. Each
//! word of a searchable value (normalised: case, diacritics, punctuation and spacing folded)
//! becomes an HMAC-SHA256 token under the instance's index key; a search computes the tokens
//! of its words and looks for them. Without the keyring, a token says nothing about its word.

use crate::keyring::Keyring;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use zeroize::Zeroizing;

/// A search token.
pub type Token = [u8; 32];

/// Fold a text for matching: compatibility decomposition without combining marks, lower
/// case, and every run of anything but letters and digits as one space.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The instance's index key: derived from its first master key, which is never removed, so
/// that a key rotation leaves every token valid.
pub struct IndexKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexKey(..)")
    }
}

impl IndexKey {
    pub fn of(keyring: &Keyring) -> Self {
        let first = keyring
            .master_keys()
            .min_by_key(|k| k.id())
            .expect("a keyring has a master key");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(first.expose())
            .expect("HMAC takes any key length");
        mac.update(b"caseward-blind-index/1");
        Self(Zeroizing::new(mac.finalize().into_bytes().into()))
    }

    fn token(&self, word: &str) -> Token {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice())
            .expect("HMAC takes any key length");
        mac.update(word.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The tokens of a value: one per distinct word (of one character or more).
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let normalised = normalise(text);
        let mut words: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
        words.sort_unstable();
        words.dedup();
        words.into_iter().map(|w| self.token(w)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn words_are_folded_before_they_are_keyed() {
        assert_eq!(normalise("  Kéïta,  AMINA-Zoë  "), "keita amina zoe");
        assert_eq!(
            normalise("Ｋｅｉｔａ"),
            "keita",
            "full-width letters fold too"
        );
        assert_eq!(normalise("محمد  علي"), "محمد علي");
        let keyring = Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(3));
        let key = IndexKey::of(&keyring);
        let tokens = key.tokens("Amina Kéïta");
        assert_eq!(tokens.len(), 2);
        assert!(key.tokens("keita").iter().all(|t| tokens.contains(t)));
        assert!(!key.tokens("keit").iter().any(|t| tokens.contains(t)));
        let other = IndexKey::of(&Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(
            4,
        )));
        assert!(
            !other.tokens("keita").iter().any(|t| tokens.contains(t)),
            "keyed"
        );
    }

    #[test]
    fn a_rotation_keeps_the_tokens() {
        let mut keyring = Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(5));
        let before = IndexKey::of(&keyring).tokens("amina");
        keyring.add_master_key(&mut rand::rngs::StdRng::seed_from_u64(6));
        assert_eq!(IndexKey::of(&keyring).tokens("amina"), before);
        assert_eq!(format!("{:?}", IndexKey::of(&keyring)), "IndexKey(..)");
    }
}
