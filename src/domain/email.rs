//! A reader's email address, normalised so the same mailbox cannot sign up
//! twice by changing the case of its domain or adding spaces.

use crate::error::FieldError;
use validator::ValidateEmail;

/// A syntactically valid, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderEmail(String);

/// RFC 5321 limits a forward path to 254 characters.
const MAX_LEN: usize = 254;

impl ReaderEmail {
    /// Trims, lower-cases the domain (domains are case-insensitive; local
    /// parts may not be) and checks the syntax.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new("required", "an email address is required"));
        }
        if trimmed.chars().count() > MAX_LEN {
            return Err(FieldError::new(
                "too_long",
                format!("an email address has at most {MAX_LEN} characters"),
            ));
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(FieldError::new(
                "invalid_email",
                "this is not an email address",
            ));
        };
        let normalised = format!("{local}@{}", domain.to_lowercase());
        if !normalised.validate_email() {
            return Err(FieldError::new(
                "invalid_email",
                "this is not an email address",
            ));
        }
        Ok(Self(normalised))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ReaderEmail {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<ReaderEmail, FieldError> {
        ReaderEmail::parse(raw.to_owned())
    }

    #[test]
    fn trims_and_lowercases_the_domain_only() {
        assert_eq!(
            parse("  Ada@Example.COM ").unwrap().as_str(),
            "Ada@example.com"
        );
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "@example.com",
            "ada@",
            "ada@@example.com",
            "a b@example.com",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rejects_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(parse(&long).unwrap_err().code, "too_long");
    }

    #[test]
    fn empty_is_required() {
        assert_eq!(parse(" ").unwrap_err().code, "required");
    }
}
