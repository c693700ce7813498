//! Where an issue's cover image lives: an absolute web address the
//! front-end can put in an `<img src>` as is.

use crate::domain::FieldError;

/// Longest accepted URL, in characters.
const MAX_CHARS: usize = 2048;

/// An absolute `http://` or `https://` URL with a host and no whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverImageUrl(String);

impl CoverImageUrl {
    /// Trims and checks the URL.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let url = raw.trim();
        if url.chars().count() > MAX_CHARS {
            return Err(FieldError::new(
                "too_long",
                format!("a URL has at most {MAX_CHARS} characters"),
            ));
        }
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.and_then(|rest| rest.split(['/', '?', '#']).next());
        let valid = host.is_some_and(|host| !host.is_empty())
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(FieldError::new(
                "invalid_url",
                "a cover image is an absolute http:// or https:// URL",
            ));
        }
        Ok(Self(url.to_owned()))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_web_addresses() {
        let url = CoverImageUrl::parse(" https://cdn.example/covers/12.jpg ".into()).unwrap();
        assert_eq!(url.as_str(), "https://cdn.example/covers/12.jpg");
        assert!(CoverImageUrl::parse("http://localhost:8080/c.png".into()).is_ok());
    }

    #[test]
    fn rejects_everything_else() {
        for raw in [
            "",
            "cover.jpg",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://cdn.example/a b.jpg",
            "ftp://cdn.example/c.jpg",
        ] {
            assert_eq!(
                CoverImageUrl::parse(raw.into()).unwrap_err().code,
                "invalid_url",
                "{raw}"
            );
        }
        let long = format!("https://cdn.example/{}", "a".repeat(2048));
        assert_eq!(CoverImageUrl::parse(long).unwrap_err().code, "too_long");
    }
}
