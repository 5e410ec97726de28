//! Caseward's cryptography, in one place so that it can be reviewed as a whole.
//!
//! - [`password`] — Argon2id password hashing ([`PasswordHasher`]).
//! - [`token`] — session tokens: 256 random bits, stored only as a SHA-256 [`TokenDigest`].
//! - [`totp`] — the second factor: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) with a ±1 step
//!   window and replay protection (the caller stores the last accepted step), plus the
//!   enrolment material: base32 key, `otpauth://` URI and its QR code as SVG.
//! - [`recovery`] — one-time recovery codes (80 bits each), stored only as salted SHA-256
//!   [`RecoveryCodeHash`]es; the module doc explains why a fast hash suffices.
//! - [`common_passwords`] — the NIST SP 800-63B check against a bundled list of common
//!   passwords ([`is_common_password`]).
//! - [`secret`] — [`Password`] and [`SecretText`].
//! - [`audit_chain`] — the audit trail's SHA-256 hash chain and what checkpoints sign.
//! - [`blind_index`] — keyed search tokens for names and codes (HMAC-SHA256 of folded words).
//! - [`envelope`] — envelope encryption (XChaCha20-Poly1305): per-record data keys wrapped
//!   by the keyring's master keys, ciphertexts bound to their place.
//! - [`keyring`] — the instance's keys, kept in a file outside the database: master keys and
//!   the Ed25519 key that signs audit checkpoints.
//!
//! Architecture invariant: secrets (passwords, session tokens, TOTP keys and the URIs and QR
//! codes that carry them, recovery codes) are types that cannot be cloned, printed or
//! serialised by accident, and are zeroed when dropped. Randomness and time are injected:
//! functions take an RNG (`&mut (impl RngCore + CryptoRng)`) or the current Unix time, and
//! never read the clock. (`PasswordHasher` draws its salts from the operating system, as the
//! `password-hash` crate expects.)

pub mod audit_chain;
pub mod blind_index;
pub mod common_passwords;
pub mod envelope;
pub mod keyring;
pub mod password;
pub mod recovery;
pub mod secret;
pub mod stream;
pub mod token;
pub mod totp;

pub use common_passwords::is_common_password;
pub use keyring::{Keyring, KeyringError};
pub use password::{PasswordError, PasswordHasher, PasswordParams};
pub use recovery::{RECOVERY_CODE_COUNT, RecoveryCode, RecoveryCodeHash};
pub use secret::{Password, SecretText};
pub use token::{SessionToken, TokenDigest};
pub use totp::{TotpError, TotpSecret};
