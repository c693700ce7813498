//! A reader's email address, normalised so the same mailbox cannot sign up
//! twice (or be logged into) under another spelling: spaces, letter case,
//! Unicode composition (`é` as one code point or two) or a domain written
//! in Unicode rather than its IDNA (punycode) form.

use crate::domain::FieldError;
use unicode_normalization::UnicodeNormalization;
use validator::ValidateEmail;

/// A syntactically valid, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderEmail(String);

/// RFC 5321 limits a forward path to 254 characters.
const MAX_LEN: usize = 254;

impl ReaderEmail {
    /// Trims, composes (NFC), lower-cases the whole address, writes the
    /// domain in its IDNA ASCII form (UTS #46) and checks the syntax. Letter
    /// case is dropped from the local part too: RFC 5321 lets a server treat
    /// it as significant, but no mail provider readers use does, and two
    /// accounts for `Ada@` and `ada@` would be one mailbox's two accounts.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("invalid_email", "this is not an email address");
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new("required", "an email address is required"));
        }
        let too_long = || {
            FieldError::new(
                "too_long",
                format!("an email address has at most {MAX_LEN} characters"),
            )
        };
        if trimmed.chars().count() > MAX_LEN {
            return Err(too_long());
        }
        let composed: String = trimmed.nfc().collect();
        let Some((local, domain)) = composed.rsplit_once('@') else {
            return Err(invalid());
        };
        let domain = if domain.starts_with('[') {
            domain.to_ascii_lowercase()
        } else {
            idna::domain_to_ascii(domain).map_err(|_| invalid())?
        };
        let normalised = format!("{}@{domain}", local.to_lowercase());
        if normalised.chars().count() > MAX_LEN {
            return Err(too_long());
        }
        if domain.is_empty() || !normalised.validate_email() {
            return Err(invalid());
        }
        Ok(Self(normalised))
    }

    /// [`parse`](Self::parse), and in production also refuses addresses no
    /// outside mail server delivers to: `localhost` (and `*.localhost`) and
    /// IP-address literals. Such an account could never verify its address
    /// and only serves to probe or flood the mail relay.
    pub fn parse_deliverable(raw: String, production: bool) -> Result<Self, FieldError> {
        let email = Self::parse(raw)?;
        if production && email.is_local_only() {
            return Err(FieldError::new(
                "undeliverable_domain",
                "use an address at a public mail domain (not localhost or an IP address)",
            ));
        }
        Ok(email)
    }

    /// Whether the domain is `localhost`, a `.localhost` name or an IP
    /// address (bracketed literal or bare).
    pub fn is_local_only(&self) -> bool {
        let domain = self.0.rsplit_once('@').map_or("", |(_, domain)| domain);
        domain == "localhost"
            || domain.ends_with(".localhost")
            || domain.starts_with('[')
            || domain.parse::<std::net::IpAddr>().is_ok()
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
    fn trims_and_lowercases() {
        assert_eq!(
            parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn one_mailbox_has_one_spelling() {
        // `ü` precomposed (U+00FC) and as `u` + U+0308; upper and lower case.
        let composed = parse("Reader@m\u{fc}nchen.example").unwrap();
        let decomposed = parse("READER@MU\u{308}NCHEN.example").unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(composed.as_str(), "reader@xn--mnchen-3ya.example");
        // A Unicode domain and its punycode form.
        assert_eq!(
            parse("leser@B\u{fc}cher.example").unwrap().as_str(),
            "leser@xn--bcher-kva.example"
        );
        assert_eq!(
            parse("leser@xn--bcher-kva.example").unwrap(),
            parse("Leser@BÜCHER.example").unwrap()
        );
    }

    #[test]
    fn production_refuses_local_domains() {
        for local in [
            "a@localhost",
            "a@mail.localhost",
            "a@[127.0.0.1]",
            "a@[IPv6:::1]",
        ] {
            let Ok(email) = parse(local) else { continue };
            assert!(email.is_local_only(), "{local}");
            assert_eq!(
                ReaderEmail::parse_deliverable(local.to_owned(), true)
                    .unwrap_err()
                    .code,
                "undeliverable_domain"
            );
            assert!(ReaderEmail::parse_deliverable(local.to_owned(), false).is_ok());
        }
        assert!(parse("a@localhost").unwrap().is_local_only());
        assert!(!parse("a@example.com").unwrap().is_local_only());
        assert!(!parse("a@localhost.example.com").unwrap().is_local_only());
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
