//! Users and their roles.

use std::borrow::Cow;
use std::fmt;

pub type UserId = uuid::Uuid;

/// An organisation whose staff use this instance.
pub type AgencyId = uuid::Uuid;

/// A role's id: one of the four built-in roles with the seed's semantics (Figure 3), or a
/// custom role that the configuration defines as a permission set. What a role may do is
/// looked up in the configuration's role catalogue ([`crate::access::role::Roles`]); an id the
/// catalogue does not know (a custom role since removed) may do nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Role(Cow<'static, str>);

impl Role {
    pub const CASE_WORKER: Role = Role(Cow::Borrowed("case_worker"));
    pub const SUPERVISOR: Role = Role(Cow::Borrowed("supervisor"));
    pub const PROGRAMME_MANAGER: Role = Role(Cow::Borrowed("programme_manager"));
    pub const SYSTEM_ADMINISTRATOR: Role = Role(Cow::Borrowed("system_administrator"));
    pub const AUDITOR: Role = Role(Cow::Borrowed("auditor"));

    /// The built-in roles, always present.
    pub const BUILT_IN: [Role; 5] = [
        Self::CASE_WORKER,
        Self::SUPERVISOR,
        Self::PROGRAMME_MANAGER,
        Self::SYSTEM_ADMINISTRATOR,
        Self::AUDITOR,
    ];

    /// A role id as written in configuration or a request: 1 to 64 of `a-z 0-9 _`, starting
    /// with a letter. Whether the role exists is the catalogue's question, not this one's.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = (1..=64).contains(&text.len())
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        well_formed.then(|| {
            Self::BUILT_IN
                .into_iter()
                .find(|r| r.as_str() == text)
                .unwrap_or_else(|| Role(Cow::Owned(text.to_string())))
        })
    }

    /// A role id known when the program is written (a custom role of a shipped configuration,
    /// in tests and tools); not checked.
    pub const fn from_static(id: &'static str) -> Self {
        Role(Cow::Borrowed(id))
    }

    /// A role id read back from storage, kept as it is: an id that is no longer well formed
    /// or known simply grants nothing.
    pub fn stored(text: String) -> Self {
        Role(Cow::Owned(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_built_in(&self) -> bool {
        Self::BUILT_IN.contains(self)
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
    fn role_ids() {
        for role in Role::BUILT_IN {
            assert_eq!(Role::parse(role.as_str()), Some(role.clone()));
            assert!(role.is_built_in());
        }
        let custom = Role::parse("me_officer").expect("well formed");
        assert!(!custom.is_built_in());
        assert_eq!(custom.as_str(), "me_officer");
        for bad in ["", "Root", "1st", "a-b", "a b", &"x".repeat(65)] {
            assert_eq!(Role::parse(bad), None, "{bad:?}");
        }
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
