//! Caseward's cryptography, in one place so that it can be reviewed as a whole.
//!
//! Architecture invariant: secrets (passwords, session tokens) are types that cannot be
//! cloned, printed or serialised by accident, and are zeroed when dropped.

pub mod password;
pub mod secret;
pub mod token;

pub use password::{PasswordError, PasswordHasher, PasswordParams};
pub use secret::Password;
pub use token::{SessionToken, TokenDigest};
