//! A new password as typed by its owner: length rules only (NIST SP 800-63B),
//! never truncated, never printed.

use crate::error::FieldError;
use std::fmt;

/// Shortest acceptable password, in characters.
pub const MIN_CHARS: usize = 8;
/// Longest acceptable password, in characters: long enough for passphrases,
/// short enough that hashing cannot be used to exhaust the server.
pub const MAX_CHARS: usize = 128;

/// A password that meets the length rules.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Checks the length in characters (not bytes); no composition rules.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS {
            return Err(FieldError::new(
                "too_short",
                format!("a password has at least {MIN_CHARS} characters"),
            ));
        }
        if chars > MAX_CHARS {
            return Err(FieldError::new(
                "too_long",
                format!("a password has at most {MAX_CHARS} characters"),
            ));
        }
        Ok(Self(raw))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert!(Password::parse("ééééééé".to_owned()).is_err());
        assert!(Password::parse("éééééééé".to_owned()).is_ok());
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(Password::parse("a".repeat(MIN_CHARS)).is_ok());
        assert!(Password::parse("a".repeat(MAX_CHARS)).is_ok());
        assert_eq!(
            Password::parse("a".repeat(MAX_CHARS + 1)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            Password::parse("a".repeat(MIN_CHARS - 1)).unwrap_err().code,
            "too_short"
        );
    }

    #[test]
    fn no_composition_rules() {
        assert!(Password::parse("correct horse battery staple".to_owned()).is_ok());
    }

    #[test]
    fn never_printed() {
        let password = Password::parse("hunter2hunter2".to_owned()).unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
