//! Password hashing with Argon2id. Hashing is slow on purpose: callers run it off the async
//! runtime (the server uses `spawn_blocking`).

use crate::secret::Password;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("invalid Argon2 parameters: {0}")]
    Parameters(String),
    #[error("hashing failed: {0}")]
    Hashing(String),
}

/// Argon2id cost parameters. Defaults follow OWASP's recommendation (19 MiB, 2 passes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordParams {
    /// Cheap parameters for tests only.
    pub fn insecure_for_tests() -> Self {
        Self {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        }
    }
}

/// Hashes and verifies passwords with fixed parameters.
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    params: PasswordParams,
    /// A hash of a random password, verified against when the user does not exist so that an
    /// unknown user costs the same time as a wrong password.
    dummy_hash: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish()
    }
}

impl PasswordHasher {
    pub fn new(params: PasswordParams) -> Result<Self, PasswordError> {
        let argon_params = Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .map_err(|e| PasswordError::Parameters(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
        let mut hasher = Self {
            argon2,
            params,
            dummy_hash: String::new(),
        };
        let mut filler = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut filler);
        let dummy = Password::new(filler.iter().map(|b| format!("{b:02x}")).collect());
        hasher.dummy_hash = hasher.hash(&dummy)?;
        Ok(hasher)
    }

    /// A PHC-format Argon2id hash with a fresh random salt.
    pub fn hash(&self, password: &Password) -> Result<String, PasswordError> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon2
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hashing(e.to_string()))
    }

    /// Whether `password` matches `stored`. A malformed stored hash never matches.
    pub fn verify(&self, password: &Password, stored: &str) -> bool {
        match PasswordHash::new(stored) {
            Ok(parsed) => self
                .argon2
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Spend the time of one verification, for a user that does not exist.
    pub fn verify_dummy(&self, password: &Password) {
        let _ = self.verify(password, &self.dummy_hash);
    }

    /// Whether a stored hash was made with weaker parameters than the current ones.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return true;
        };
        parsed.algorithm != argon2::ARGON2ID_IDENT
            || params.m_cost() < self.params.memory_kib
            || params.t_cost() < self.params.iterations
            || params.p_cost() < self.params.parallelism
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher() -> PasswordHasher {
        PasswordHasher::new(PasswordParams::insecure_for_tests()).unwrap()
    }

    #[test]
    fn right_password_verifies_and_wrong_does_not() {
        let hasher = hasher();
        let hash = hasher
            .hash(&Password::new("a long passphrase".into()))
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify(&Password::new("a long passphrase".into()), &hash));
        assert!(!hasher.verify(&Password::new("a long passphrasE".into()), &hash));
        assert!(!hasher.verify(&Password::new("x".into()), "not a hash"));
    }

    #[test]
    fn same_password_gets_different_salts() {
        let hasher = hasher();
        let a = hasher.hash(&Password::new("same".into())).unwrap();
        let b = hasher.hash(&Password::new("same".into())).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn weaker_hashes_need_rehash() {
        let weak = hasher();
        let strong = PasswordHasher::new(PasswordParams {
            memory_kib: 128,
            iterations: 2,
            parallelism: 1,
        })
        .unwrap();
        let hash = weak.hash(&Password::new("pw".into())).unwrap();
        assert!(strong.needs_rehash(&hash));
        assert!(!weak.needs_rehash(&hash));
        assert!(strong.verify(&Password::new("pw".into()), &hash));
    }
}
