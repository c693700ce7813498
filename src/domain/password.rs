//! A new password as typed by its owner: the NIST SP 800-63B rules (length,
//! not a commonly used password, not the account's own email), no
//! composition rules; never truncated, never printed.

use crate::domain::FieldError;
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
    /// Checks the length in characters (not bytes) and refuses the 10,000
    /// most common passwords; no composition rules.
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
        if super::common_passwords::is_common(&raw) {
            return Err(FieldError::new(
                "too_common",
                "this password is one of the most commonly used; choose another",
            ));
        }
        Ok(Self(raw))
    }

    /// [`Password::parse`], and also refuses the account's email address or
    /// its local part (ignoring case): the first things an attacker who
    /// knows the address tries. `None` when the email is not known (it was
    /// itself invalid and is reported on its own).
    pub fn parse_for(raw: String, email: Option<&str>) -> Result<Self, FieldError> {
        if let Some(email) = email {
            let candidate = raw.trim().to_lowercase();
            let email = email.to_lowercase();
            let local = email.rsplit_once('@').map_or(email.as_str(), |(l, _)| l);
            if candidate == email || candidate == local {
                return Err(FieldError::new(
                    "same_as_email",
                    "a password cannot be the account's email address",
                ));
            }
        }
        Self::parse(raw)
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
    fn common_passwords_are_refused() {
        for weak in ["password", "123456789", "PASSWORD", "Password"] {
            assert_eq!(
                Password::parse(weak.to_owned()).unwrap_err().code,
                "too_common"
            );
        }
    }

    #[test]
    fn the_email_and_its_local_part_are_refused() {
        let email = Some("Ada.Lovelace@example.com");
        for same in [
            "ada.lovelace@example.com",
            "ADA.LOVELACE@EXAMPLE.COM",
            "ada.lovelace",
        ] {
            assert_eq!(
                Password::parse_for(same.to_owned(), email)
                    .unwrap_err()
                    .code,
                "same_as_email"
            );
        }
        assert!(Password::parse_for("ada lovelace wrote".to_owned(), email).is_ok());
        assert!(Password::parse_for("ada.lovelace@example.com".to_owned(), None).is_ok());
    }

    #[test]
    fn never_printed() {
        let password = Password::parse("hunter2hunter2".to_owned()).unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
