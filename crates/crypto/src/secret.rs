//! Secret values that cannot leak through `Debug`, `Display`, `Clone` or serde.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A password as typed by a person. Zeroed on drop, never printed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

impl Password {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The password's text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters (for password policy checks).
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// Text that carries a secret in another form: a TOTP key in base32, an `otpauth://` URI, the
/// QR code that draws it. Shown to its owner once (at enrolment), never logged. Zeroed on drop,
/// never printed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SecretText(String);

impl SecretText {
    pub(crate) fn new(text: String) -> Self {
        Self(text)
    }

    /// The text, to send to its owner.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::new("correct horse battery".into());
        assert_eq!(format!("{password:?}"), "Password(redacted)");
    }

    #[test]
    fn debug_never_shows_secret_text() {
        let text = SecretText::new("otpauth://totp/x?secret=GEZDGNBV".into());
        assert_eq!(format!("{text:?}"), "SecretText(redacted)");
        assert_eq!(text.expose(), "otpauth://totp/x?secret=GEZDGNBV");
    }
}
