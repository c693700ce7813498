//! Why someone acted, in their own words: a reader cancelling or asking for
//! their money back, a staff member refunding or comping. Kept for people
//! to read, so it must be plain text of a sane length.

use crate::domain::FieldError;

/// The longest reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// A non-empty, trimmed reason of at most [`MAX_REASON_CHARS`]
/// characters, without control characters other than line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    /// Accepts an absent or blank reason as `None` (giving one is
    /// optional); refuses one that is too long or holds control characters.
    pub fn parse_optional(raw: Option<String>) -> Result<Option<Self>, FieldError> {
        let Some(raw) = raw else { return Ok(None) };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > MAX_REASON_CHARS {
            return Err(FieldError::new(
                "too_long",
                format!("a reason is at most {MAX_REASON_CHARS} characters"),
            ));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                "invalid_characters",
                "control characters are not allowed",
            ));
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    /// Requires a reason (staff actions and refund requests must say why).
    pub fn parse_required(raw: Option<String>) -> Result<Self, FieldError> {
        Self::parse_optional(raw)?
            .ok_or_else(|| FieldError::new("required", "say why: a reason is required"))
    }

    /// The reason as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_reason_must_be_given() {
        assert_eq!(
            Reason::parse_required(Some(" ".to_owned()))
                .unwrap_err()
                .code,
            "required"
        );
        assert_eq!(
            Reason::parse_required(Some(" late delivery ".to_owned()))
                .unwrap()
                .as_str(),
            "late delivery"
        );
    }

    #[test]
    fn absent_or_blank_is_no_reason() {
        assert_eq!(Reason::parse_optional(None).unwrap(), None);
        assert_eq!(
            Reason::parse_optional(Some("  \n ".to_owned())).unwrap(),
            None
        );
    }

    #[test]
    fn a_reason_is_trimmed_and_keeps_line_breaks() {
        let reason = Reason::parse_optional(Some(" Too pricey.\nSorry! ".to_owned()))
            .unwrap()
            .unwrap();
        assert_eq!(reason.as_str(), "Too pricey.\nSorry!");
    }

    #[test]
    fn too_long_or_control_characters_are_refused() {
        let long = "a".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            Reason::parse_optional(Some(long)).unwrap_err().code,
            "too_long"
        );
        let exact = "é".repeat(MAX_REASON_CHARS);
        assert!(Reason::parse_optional(Some(exact)).is_ok());
        assert_eq!(
            Reason::parse_optional(Some("bell\u{7}".to_owned()))
                .unwrap_err()
                .code,
            "invalid_characters"
        );
    }
}
