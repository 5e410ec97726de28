//! The keyring: the instance's keys, kept in a file outside the database. It holds versioned
//! master keys (which wrap the per-case data keys) and the instance's Ed25519 signing key
//! (which signs the audit trail's checkpoints). Losing it loses the data; a copy of the
//! database without it is unreadable.
//!
//! The file is TOML, written by [`Keyring::to_toml`] and read by [`Keyring::parse`], whose
//! errors name the line and key. Keys cannot be printed, cloned or serialised by accident and
//! are zeroed when dropped.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use rand::{CryptoRng, RngCore};
use serde::Deserialize;
use sha2::Sha256;
use std::fmt;
use toml::Spanned;
use zeroize::Zeroizing;

const FORMAT: u32 = 1;

/// A master key: wraps the data keys of cases. Identified by a version number.
pub struct MasterKey {
    id: u32,
    key: Zeroizing<[u8; 32]>,
}

impl MasterKey {
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.key
    }

    /// A value that identifies the key without revealing it (HMAC of a fixed label), kept in
    /// the database to tell a wrong keyring from the right one.
    pub fn check_value(&self) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_slice())
            .expect("HMAC takes any key length");
        mac.update(b"caseward-master-key-check/1");
        crate::audit_chain::hex(&mac.finalize().into_bytes()[..16])
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The instance's signing key, for audit checkpoints.
pub struct SigningKey {
    id: u32,
    key: ed25519_dalek::SigningKey,
}

impl SigningKey {
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.key.sign(message).to_bytes()
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            id: self.id,
            key: self.key.verifying_key(),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The public half of the signing key: anyone may hold it to check checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifyingKey {
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(message, &signature).is_ok()
    }

    /// The key as lower-case hex (32 bytes).
    pub fn to_hex(&self) -> String {
        crate::audit_chain::hex(self.key.as_bytes())
    }

    pub fn from_hex(id: u32, text: &str) -> Option<Self> {
        let bytes = crate::audit_chain::unhex(text)?;
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        Some(Self {
            id,
            key: ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok()?,
        })
    }
}

/// A problem with a keyring file, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{key}: {problem}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct KeyringError {
    pub line: Option<usize>,
    pub key: String,
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyringFile {
    format: Spanned<u32>,
    #[serde(default)]
    master_key: Vec<Spanned<MasterKeyFile>>,
    signing_key: Option<Spanned<SigningKeyFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MasterKeyFile {
    id: u32,
    key: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SigningKeyFile {
    id: u32,
    seed: Spanned<String>,
}

/// The instance's keys.
pub struct Keyring {
    master_keys: Vec<MasterKey>,
    signing: SigningKey,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("master_keys", &self.master_keys)
            .field("signing", &self.signing)
            .finish()
    }
}

fn random_32(rng: &mut (impl RngCore + CryptoRng)) -> Zeroizing<[u8; 32]> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(bytes.as_mut_slice());
    bytes
}

impl Keyring {
    /// A new keyring: master key 1 and signing key 1.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let seed = random_32(rng);
        Self {
            master_keys: vec![MasterKey {
                id: 1,
                key: random_32(rng),
            }],
            signing: SigningKey {
                id: 1,
                key: ed25519_dalek::SigningKey::from_bytes(&seed),
            },
        }
    }

    /// The master key new data keys are wrapped with: the highest version.
    pub fn current_master(&self) -> &MasterKey {
        self.master_keys
            .iter()
            .max_by_key(|k| k.id)
            .expect("a keyring has a master key")
    }

    pub fn master(&self, id: u32) -> Option<&MasterKey> {
        self.master_keys.iter().find(|k| k.id == id)
    }

    pub fn master_keys(&self) -> impl Iterator<Item = &MasterKey> {
        self.master_keys.iter()
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// Add a new master key, one version above the current one (rotation).
    pub fn add_master_key(&mut self, rng: &mut (impl RngCore + CryptoRng)) -> u32 {
        let id = self.current_master().id + 1;
        self.master_keys.push(MasterKey {
            id,
            key: random_32(rng),
        });
        id
    }

    /// The keyring as its file, with a warning at the top. Secret: write it to a file only
    /// this instance's operator can read.
    pub fn to_toml(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::new());
        out.push_str(
            "# Caseward keyring. Every case is encrypted with these keys: losing this file loses\n\
             # the data, in every backup too. Keep a copy apart from the database and its backups,\n\
             # readable by the operator only (`caseward keys backup`). Never edit it by hand.\n",
        );
        out.push_str(&format!("format = {FORMAT}\n"));
        for key in &self.master_keys {
            out.push_str(&format!(
                "\n[[master_key]]\nid = {}\nkey = \"{}\"\n",
                key.id,
                BASE64.encode(key.key.as_slice())
            ));
        }
        out.push_str(&format!(
            "\n[signing_key]\nid = {}\nseed = \"{}\"\n",
            self.signing.id,
            BASE64.encode(self.signing.key.to_bytes())
        ));
        out
    }

    /// Read a keyring file's text.
    pub fn parse(text: &str) -> Result<Self, KeyringError> {
        let line_of = |offset: usize| {
            text[..offset.min(text.len())]
                .bytes()
                .filter(|b| *b == b'\n')
                .count()
                + 1
        };
        let error = |offset: Option<usize>, key: &str, problem: &str| KeyringError {
            line: offset.map(line_of),
            key: key.into(),
            problem: problem.into(),
        };
        let file: KeyringFile = toml::from_str(text).map_err(|e| {
            error(
                Some(e.span().map(|s| s.start).unwrap_or(0)),
                "(file)",
                e.message().trim(),
            )
        })?;
        if *file.format.get_ref() != FORMAT {
            return Err(error(
                Some(file.format.span().start),
                "format",
                &format!("this version of Caseward reads keyring format {FORMAT}"),
            ));
        }
        let decode =
            |value: &Spanned<String>, key: &str| -> Result<Zeroizing<[u8; 32]>, KeyringError> {
                let bytes = Zeroizing::new(
                    BASE64
                        .decode(value.get_ref().trim())
                        .map_err(|_| error(Some(value.span().start), key, "not base64"))?,
                );
                let array: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| error(Some(value.span().start), key, "a key is 32 bytes"))?;
                Ok(Zeroizing::new(array))
            };
        let mut master_keys: Vec<MasterKey> = Vec::new();
        for (i, item) in file.master_key.iter().enumerate() {
            let key_path = format!("master_key[{i}]");
            let entry = item.get_ref();
            if master_keys.iter().any(|k| k.id == entry.id) {
                return Err(error(
                    Some(item.span().start),
                    &format!("{key_path}.id"),
                    &format!("master key {} appears twice", entry.id),
                ));
            }
            master_keys.push(MasterKey {
                id: entry.id,
                key: decode(&entry.key, &format!("{key_path}.key"))?,
            });
        }
        if master_keys.is_empty() {
            return Err(error(None, "master_key", "the keyring holds no master key"));
        }
        let Some(signing) = file.signing_key else {
            return Err(error(
                None,
                "signing_key",
                "the keyring holds no signing key",
            ));
        };
        let seed = decode(&signing.get_ref().seed, "signing_key.seed")?;
        Ok(Self {
            master_keys,
            signing: SigningKey {
                id: signing.get_ref().id,
                key: ed25519_dalek::SigningKey::from_bytes(&seed),
            },
        })
    }

    /// What the database keeps to recognise this keyring: each key's id with a value that
    /// identifies it without revealing it (`master:N` → check value, `signing:N` → public key).
    pub fn checks(&self) -> Vec<(String, String)> {
        let mut checks: Vec<(String, String)> = self
            .master_keys
            .iter()
            .map(|k| (format!("master:{}", k.id), k.check_value()))
            .collect();
        checks.push((
            format!("signing:{}", self.signing.id),
            self.signing.verifying_key().to_hex(),
        ));
        checks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A seeded cryptographic RNG, so that tests are deterministic.
    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(7)
    }

    #[test]
    fn a_keyring_survives_its_file() {
        let mut keyring = Keyring::generate(&mut rng());
        keyring.add_master_key(&mut rng());
        let text = keyring.to_toml();
        assert!(text.starts_with("# Caseward keyring."));
        let read = Keyring::parse(&text).unwrap();
        assert_eq!(read.current_master().id(), 2);
        assert_eq!(
            read.master(1).unwrap().expose(),
            keyring.master(1).unwrap().expose()
        );
        assert_eq!(read.checks(), keyring.checks());
        let signed = read.signing_key().sign(b"checkpoint");
        assert!(
            keyring
                .signing_key()
                .verifying_key()
                .verify(b"checkpoint", &signed)
        );
        assert!(
            !keyring
                .signing_key()
                .verifying_key()
                .verify(b"checkpoinT", &signed)
        );
    }

    #[test]
    fn two_keyrings_are_told_apart() {
        let a = Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(1));
        let b = Keyring::generate(&mut rand::rngs::StdRng::seed_from_u64(2));
        assert_ne!(a.checks(), b.checks());
        let hex = a.signing_key().verifying_key().to_hex();
        assert_eq!(
            VerifyingKey::from_hex(1, &hex),
            Some(a.signing_key().verifying_key())
        );
        assert_eq!(VerifyingKey::from_hex(1, "zz"), None);
    }

    #[test]
    fn nothing_secret_is_printed() {
        let keyring = Keyring::generate(&mut rng());
        let printed = format!("{keyring:?}");
        let secret = BASE64.encode(keyring.current_master().expose());
        assert!(!printed.contains(&secret));
        assert!(!printed.contains(&crate::audit_chain::hex(keyring.current_master().expose())));
    }

    #[test]
    fn a_bad_file_names_the_line_and_key() {
        let keyring = Keyring::generate(&mut rng());
        let text = keyring.to_toml().replace("key = \"", "key = \"!!");
        let error = Keyring::parse(&text).unwrap_err();
        assert_eq!(error.key, "master_key[0].key");
        let line = text
            .lines()
            .position(|l| l.starts_with("key = \"!!"))
            .unwrap()
            + 1;
        assert_eq!(error.line, Some(line));
        assert_eq!(error.problem, "not base64");

        let short = format!(
            "format = 1\n[[master_key]]\nid = 1\nkey = \"{}\"\n",
            BASE64.encode([1u8; 16])
        );
        let error = Keyring::parse(&short).unwrap_err();
        assert_eq!(
            (error.key.as_str(), error.line),
            ("master_key[0].key", Some(4))
        );

        let error = Keyring::parse("format = 2\n").unwrap_err();
        assert_eq!(error.key, "format");
        let error = Keyring::parse("format = 1\n").unwrap_err();
        assert_eq!(error.key, "master_key");
        let error = Keyring::parse("format = 1\nsurprise = true\n").unwrap_err();
        assert_eq!(error.key, "(file)");
        assert!(error.to_string().contains("surprise"), "{error}");
        assert!(
            !Keyring::parse("not toml at all [")
                .unwrap_err()
                .problem
                .is_empty()
        );
    }
}
