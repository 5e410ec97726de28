//! Login throttling: failures are counted per account and per source address in a sliding
//! window; past a limit the key is locked for a while. Kept in the database so that it holds
//! across server nodes.

use chrono::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// How long failures are remembered.
    pub window: Duration,
    /// Failures of one account within the window before it is locked.
    pub account_limit: u32,
    /// Failures from one address within the window before it is locked (across accounts).
    pub address_limit: u32,
    /// How long a lock lasts.
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            account_limit: 5,
            address_limit: 30,
            lockout: Duration::minutes(15),
        }
    }
}

/// The throttle key of an account, by the username as typed (so that unknown usernames are
/// throttled exactly like known ones).
pub fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

/// The throttle key of a source address.
pub fn address_key(address: std::net::IpAddr) -> String {
    format!("address:{address}")
}
