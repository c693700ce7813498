//! The 10,000 most common passwords, refused for new passwords (NIST SP
//! 800-63B asks to check new passwords against a list of known-compromised
//! and commonly used ones).
//!
//! Source: the first 10,000 entries, by rank, of the `passwords` frequency
//! list shipped in the `zxcvbn` 4.5.0 package on PyPI (MIT licence,
//! Copyright (c) 2016 Daniel Wolf; the list itself comes from the original
//! zxcvbn by Dropbox, also MIT), lower-cased, one per line, in
//! `common_passwords.txt` beside this file.

use std::collections::HashSet;
use std::sync::LazyLock;

static LIST: &str = include_str!("common_passwords.txt");

/// Built once, on first use: a set of lower-cased passwords.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| LIST.lines().collect());

/// Whether `candidate` is on the list, ignoring case (`Password1` is as weak
/// as `password1`).
pub fn is_common(candidate: &str) -> bool {
    COMMON.contains(candidate.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_ten_thousand_distinct_lowercase_entries() {
        assert_eq!(COMMON.len(), 10_000);
        assert!(COMMON.iter().all(|p| *p == p.to_lowercase()));
    }

    #[test]
    fn common_passwords_are_found_whatever_their_case() {
        for weak in [
            "password",
            "123456789",
            "PassWord",
            "Qwertyuiop",
            "iloveyou",
        ] {
            assert!(is_common(weak), "{weak} not found");
        }
    }

    #[test]
    fn passphrases_are_not_on_the_list() {
        for strong in ["correct horse battery", "a brand new passphrase", ""] {
            assert!(!is_common(strong), "{strong} found");
        }
    }
}
