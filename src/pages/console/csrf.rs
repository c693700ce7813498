//! Cross-site request forgery: every console form carries a token in a
//! hidden field, checked in constant time, and every POST must come from
//! the console's own origin.
//!
//! - A signed-in form's token is an HMAC of a fixed label under the
//!   session's own secret (the token in its cookie): one per session,
//!   nothing stored, and a token from another session never matches.
//! - The login form, before any session, is protected by a double submit:
//!   a random nonce in an HttpOnly cookie (`__Host-` over https, so a
//!   sibling subdomain cannot plant one) and the same nonce in the form.
//! - `Origin` (sent by browsers on every POST) must be the public URL's
//!   origin; without it, `Sec-Fetch-Site` must say `same-origin`, and a
//!   `Referer` must point at the public URL's origin.

use crate::auth::signing::PurposeKey;
use crate::settings::Settings;
use actix_web::HttpRequest;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

const PURPOSE: &[u8] = b"masthead console csrf v1";

/// The CSRF token of the session whose secret is `session_token`.
pub fn session_token(session_token: &str) -> String {
    let key = PurposeKey::derive(PURPOSE, session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(key.tag(b"forms"))
}

/// A fresh random nonce for the login form (and idempotency keys).
pub fn nonce() -> String {
    use rand_core::RngCore;
    let mut bytes = [0_u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `presented` is `expected`, in constant time.
pub fn matches(presented: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// The origin (`scheme://host[:port]`, lower case) of a URL.
fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    url[..end].to_owned()
}

/// Whether the request comes from the console's own origin, as far as the
/// browser says (a client that says nothing is judged by its token alone).
pub fn same_origin(req: &HttpRequest, settings: &Settings) -> bool {
    let own = origin_of(&settings.public_url());
    let text = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or("invalid").to_owned())
    };
    if let Some(origin) = text(header::ORIGIN) {
        return origin_of(&origin) == own;
    }
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))
        && site != "same-origin"
    {
        return false;
    }
    text(header::REFERER).is_none_or(|referer| origin_of(&referer) == own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn settings() -> Settings {
        Settings {
            public_url: Some("https://api.magazine.example".into()),
            ..Settings::default()
        }
    }

    #[test]
    fn each_session_has_its_own_token() {
        let one = session_token("secret one");
        assert_eq!(one, session_token("secret one"));
        assert_ne!(one, session_token("secret two"));
        assert!(matches(&one, &one));
        assert!(!matches("", &one));
        assert!(!matches(&one[..10], &one));
        assert!(!matches("", ""));
    }

    #[test]
    fn only_the_own_origin_may_post() {
        let ok = TestRequest::post()
            .insert_header((header::ORIGIN, "https://API.magazine.example"))
            .to_http_request();
        assert!(same_origin(&ok, &settings()));
        for (name, value) in [
            ("origin", "https://evil.example"),
            ("origin", "null"),
            ("origin", "https://api.magazine.example.evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
            ("referer", "https://evil.example/console"),
        ] {
            let refused = TestRequest::post()
                .insert_header((name, value))
                .to_http_request();
            assert!(!same_origin(&refused, &settings()), "{name}: {value}");
        }
        let silent = TestRequest::post().to_http_request();
        assert!(same_origin(&silent, &settings()));
    }
}
