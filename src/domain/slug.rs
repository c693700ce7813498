//! The URL name of an article (`/v1/articles/{slug}`): readers share these
//! links, so a slug is plain, lowercase and stable.

use crate::domain::FieldError;

/// Longest slug, in characters.
const MAX_CHARS: usize = 120;

/// Lowercase ASCII letters and digits in words joined by single hyphens,
/// 1 to 120 characters, e.g. `the-long-read-2026`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Checks the slug exactly as given (no trimming or lower-casing: a slug
    /// that needed fixing would not be the one the editor meant).
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new("required", "a slug is required"));
        }
        if raw.chars().count() > MAX_CHARS {
            return Err(FieldError::new(
                "too_long",
                format!("a slug has at most {MAX_CHARS} characters"),
            ));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(FieldError::new(
                "invalid_characters",
                "a slug has only lowercase letters a-z, digits and hyphens",
            ));
        }
        if raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(FieldError::new(
                "invalid_format",
                "a slug's words are joined by single hyphens, with none at either end",
            ));
        }
        Ok(Self(raw))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = FieldError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> &'static str {
        Slug::parse(raw.to_owned()).unwrap_err().code
    }

    #[test]
    fn accepts_words_and_digits() {
        for raw in ["a", "deep-dive", "issue-12-notes", "2026"] {
            assert_eq!(Slug::parse(raw.to_owned()).unwrap().as_str(), raw);
        }
        assert!(Slug::parse("a".repeat(120)).is_ok());
    }

    #[test]
    fn rejects_empty_and_long() {
        assert_eq!(code(""), "required");
        assert_eq!(code(&"a".repeat(121)), "too_long");
    }

    #[test]
    fn rejects_other_characters() {
        for raw in ["Deep-Dive", "deep dive", "deep_dive", "café", "a/b", "../x"] {
            assert_eq!(code(raw), "invalid_characters", "{raw}");
        }
    }

    #[test]
    fn rejects_stray_hyphens() {
        for raw in ["-a", "a-", "a--b", "-"] {
            assert_eq!(code(raw), "invalid_format", "{raw}");
        }
    }
}
