//! The name a reader goes by, as printed on a mailing label or a greeting.

use crate::domain::FieldError;

/// Longest name, in characters.
const MAX_CHARS: usize = 100;

/// A trimmed, non-empty name without control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Trims and checks the name.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new("required", "a name is required"));
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(FieldError::new(
                "too_long",
                format!("a name has at most {MAX_CHARS} characters"),
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(FieldError::new(
                "invalid_characters",
                "a name cannot contain control characters",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims() {
        assert_eq!(
            DisplayName::parse("  Ada Lovelace ".into())
                .unwrap()
                .as_str(),
            "Ada Lovelace"
        );
    }

    #[test]
    fn rejects_empty_long_and_control() {
        assert_eq!(
            DisplayName::parse("   ".into()).unwrap_err().code,
            "required"
        );
        assert_eq!(
            DisplayName::parse("a".repeat(101)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            DisplayName::parse("Ada\u{0}".into()).unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn accepts_any_script() {
        assert!(DisplayName::parse("Zoë Ørsted 王".into()).is_ok());
    }
}
