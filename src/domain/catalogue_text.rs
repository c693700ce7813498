//! The words editors type into the catalogue: titles, deks, bylines and
//! article bodies. Each is trimmed, required and bounded, so a page never
//! renders an empty headline or a body too large to serve.

use crate::domain::FieldError;

/// Trims `raw` and checks it is non-empty, at most `max` characters and
/// free of control characters (line breaks and tabs allowed when
/// `multiline`; bodies are then normalised by [`super::normalise_body`]).
fn checked(raw: &str, what: &str, max: usize, multiline: bool) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new("required", format!("{what} is required")));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            "too_long",
            format!("{what} has at most {max} characters"),
        ));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::new(
            "invalid_characters",
            if multiline {
                format!("{what} cannot contain control characters other than line breaks and tabs")
            } else {
                format!("{what} is one line without control characters")
            },
        ));
    }
    Ok(trimmed.to_owned())
}

macro_rules! catalogue_text {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr, $multiline:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Trims and checks the text.
            pub fn parse(raw: String) -> Result<Self, FieldError> {
                let text = checked(&raw, $what, Self::MAX_CHARS, $multiline)?;
                Ok(Self(if $multiline { super::normalise_body(&text) } else { text }))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

catalogue_text!(
    /// The headline of an article or the cover title of an issue: one line.
    Title,
    "a title",
    200,
    false
);
catalogue_text!(
    /// The standfirst under an article's headline: one line.
    Dek,
    "a dek",
    500,
    false
);
catalogue_text!(
    /// The byline: who wrote the article.
    Author,
    "an author",
    200,
    false
);
catalogue_text!(
    /// The article's text, normalised (`\n` line endings, one blank line
    /// between paragraphs) so the paywall cut counts the paragraphs an
    /// editor sees.
    ArticleBody,
    "a body",
    300_000,
    true
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_the_text() {
        assert_eq!(
            Title::parse("  The Long Read ".into()).unwrap().as_str(),
            "The Long Read"
        );
        assert_eq!(
            ArticleBody::parse("One.\n\nTwo.\t".into())
                .unwrap()
                .as_str(),
            "One.\n\nTwo."
        );
    }

    #[test]
    fn requires_text() {
        assert_eq!(Title::parse(" \n ".into()).unwrap_err().code, "required");
        assert_eq!(Author::parse(String::new()).unwrap_err().code, "required");
    }

    #[test]
    fn bounds_the_length() {
        assert!(Dek::parse("é".repeat(Dek::MAX_CHARS)).is_ok());
        assert_eq!(
            Dek::parse("é".repeat(Dek::MAX_CHARS + 1)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn line_breaks_only_in_bodies() {
        assert_eq!(
            Title::parse("Two\nlines".into()).unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(
            ArticleBody::parse("One\r\n\r\nTwo\rlines".into())
                .unwrap()
                .as_str(),
            "One\n\nTwo\nlines"
        );
        assert_eq!(
            ArticleBody::parse("bell\u{7}".into()).unwrap_err().code,
            "invalid_characters"
        );
    }
}
