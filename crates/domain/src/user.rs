//! Users and their roles.

use std::fmt;

pub type UserId = uuid::Uuid;

/// Built-in roles, with the seed's semantics (Figure 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    CaseWorker,
    Supervisor,
    ProgrammeManager,
    SystemAdministrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Self::CaseWorker,
        Self::Supervisor,
        Self::ProgrammeManager,
        Self::SystemAdministrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseWorker => "case_worker",
            Self::Supervisor => "supervisor",
            Self::ProgrammeManager => "programme_manager",
            Self::SystemAdministrator => "system_administrator",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("a username has 3 to 64 characters")]
    Length,
    #[error("a username uses lower-case letters, digits, '.', '-' and '_' only")]
    Characters,
}

/// Check a username: 3 to 64 of `a-z 0-9 . - _`, starting with a letter or digit.
pub fn check_username(name: &str) -> Result<(), UsernameError> {
    if !(3..=64).contains(&name.len()) {
        return Err(UsernameError::Length);
    }
    let valid = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if !valid || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(UsernameError::Characters);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("worker1").is_ok());
        assert!(check_username("a.b-c_d").is_ok());
        assert_eq!(check_username("ab"), Err(UsernameError::Length));
        assert_eq!(check_username("Worker"), Err(UsernameError::Characters));
        assert_eq!(check_username("_x1"), Err(UsernameError::Characters));
        assert_eq!(check_username("a b"), Err(UsernameError::Characters));
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}

/// Shortest password accepted (NIST SP 800-63B asks for at least 8; we ask for more).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (long enough for any passphrase, short enough to hash cheaply).
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("a password has at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
}

/// Check a new password's length. No composition rules (NIST SP 800-63B).
pub fn check_new_password(char_count: usize) -> Result<(), PasswordPolicyError> {
    if char_count < MIN_PASSWORD_CHARS {
        Err(PasswordPolicyError::TooShort)
    } else if char_count > MAX_PASSWORD_CHARS {
        Err(PasswordPolicyError::TooLong)
    } else {
        Ok(())
    }
}
