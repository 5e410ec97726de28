//! The common-password check of NIST SP 800-63B (section 3.1.1.2): a new password must not
//! be one that is commonly used, expected or compromised.
//!
//! The list is `data/common-passwords.txt`: 19,632 common passwords in lower case, derived
//! from the list Django ships for its `CommonPasswordValidator` (Django 5.2.19 from PyPI,
//! compiled by Royce Williams), under Django's BSD 3-Clause licence
//! (`data/common-passwords.LICENSE`). `data/README.md` says exactly how it was derived.
//! It is compiled into the binary; the set is built once, on first use.
//!
//! Matching ignores case and surrounding whitespace, as Django's does: `Password1` and
//! ` password ` are as weak as `password`. Telling a person their password is common says
//! nothing about anyone's password, so the check need not be constant time.

use crate::secret::Password;
use std::collections::HashSet;
use std::sync::OnceLock;
use zeroize::Zeroizing;

static LIST: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| LIST.lines().collect())
}

/// Whether `password` is on the bundled list of common passwords, ignoring case and
/// surrounding whitespace.
pub fn is_common_password(password: &Password) -> bool {
    // The lower-cased copy is as secret as the password: zeroed when dropped.
    let folded = Zeroizing::new(password.expose().trim().to_lowercase());
    common_passwords().contains(folded.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn common(text: &str) -> bool {
        is_common_password(&Password::new(text.to_string()))
    }

    #[test]
    fn the_classics_are_common() {
        for text in [
            "password",
            "123456",
            "123456789",
            "qwerty",
            "qwertyuiop",
            "iloveyou",
            "letmein",
            "football",
            "11111111",
        ] {
            assert!(common(text), "{text:?}");
        }
    }

    #[test]
    fn case_and_surrounding_whitespace_are_ignored() {
        for text in [
            "PASSWORD",
            "Password",
            "IloveYou",
            " qwertyuiop ",
            "\tpassword\n",
        ] {
            assert!(common(text), "{text:?}");
        }
    }

    #[test]
    fn passwords_not_on_the_list_are_not_common() {
        for text in [
            "Xq7vL2pR9mK4sT8wZc3N",
            "correct horse battery staple ridge",
            "pass word",
            "",
            "   ",
        ] {
            assert!(!common(text), "{text:?}");
        }
    }

    #[test]
    fn the_list_is_the_bundled_file_and_as_long_as_documented() {
        assert_eq!(common_passwords().len(), 19_632);
        assert_eq!(LIST.lines().count(), 19_632, "no duplicate lines");
    }

    #[test]
    fn every_entry_is_already_folded_so_that_it_can_match() {
        // An entry with upper case or surrounding space could never be found, since input
        // is folded before the lookup.
        for entry in LIST.lines() {
            assert!(!entry.is_empty());
            assert_eq!(entry, entry.trim().to_lowercase(), "{entry:?}");
        }
    }

    #[test]
    fn non_latin_entries_match() {
        assert!(common("пароль"));
        assert!(common("ПАРОЛЬ"));
    }

    proptest! {
        #[test]
        fn random_twenty_character_strings_are_not_common(text in "[A-Za-z0-9]{20}") {
            prop_assert!(!common(&text));
        }

        #[test]
        fn every_listed_password_is_common_in_upper_case(index in 0usize..19_632) {
            let entry = LIST.lines().nth(index).unwrap();
            prop_assert!(common(&entry.to_uppercase()));
        }
    }
}
