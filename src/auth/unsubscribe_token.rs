//! The tokens of one-click unsubscribe links (RFC 8058): they name a
//! reader and a list, signed with a key derived from the instance's
//! signing key (like media URLs), so every instance sharing the key
//! accepts them and no table is needed. They do not expire: mail is read
//! months later, and all a token can do is turn one list of optional mail
//! off for one reader. Rotating the signing key retires the links already
//! sent (the reader can still switch the list off from their account).
//!
//! The token is one base64url string (`[A-Za-z0-9_-]`, so it survives
//! being a query parameter and a link in a plain-text email): the payload
//! `v1:<reader id>:<list>` followed by its HMAC-SHA256. It is opaque to
//! readers, not secret: it carries nothing the reader does not know.

use super::signing::PurposeKey;
use crate::domain::{EmailList, ReaderId};

/// Longest token looked at: a payload of a UUID and a list name plus the
/// tag is far shorter; anything longer is refused before decoding.
const MAX_TOKEN_CHARS: usize = 256;

/// Signs and checks unsubscribe tokens.
#[derive(Clone)]
pub struct UnsubscribeTokens {
    key: PurposeKey,
}

/// What a valid token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The reader the message went to.
    pub reader: ReaderId,
    /// The list to leave.
    pub list: EmailList,
}

impl UnsubscribeTokens {
    /// Tokens under a key derived from `secret` (the signing key's bytes),
    /// distinct from the media-URL key derived from the same secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: PurposeKey::derive(b"masthead unsubscribe v1", secret),
        }
    }

    /// The token that takes `reader` off `list`.
    pub fn issue(&self, reader: &ReaderId, list: EmailList) -> String {
        self.key
            .seal(format!("v1:{reader}:{}", list.as_str()).as_bytes())
    }

    /// What `token` names, if it is one this key made, unaltered; `None`
    /// for anything else, without saying why (a forger learns nothing).
    pub fn verify(&self, token: &str) -> Option<Unsubscribe> {
        let payload = self.key.open(token, MAX_TOKEN_CHARS)?;
        let payload = std::str::from_utf8(&payload).ok()?;
        let mut parts = payload.split(':');
        let (Some("v1"), Some(reader), Some(list), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Unsubscribe {
            reader: ReaderId::parse(reader)?,
            list: EmailList::parse(list)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn reader() -> ReaderId {
        ReaderId::parse("0193a5b0-7e1c-7d2a-9f3e-1a2b3c4d5e6f").unwrap()
    }

    #[test]
    fn round_trip_in_url_safe_characters() {
        let tokens = UnsubscribeTokens::new(b"secret");
        let token = tokens.issue(&reader(), EmailList::ProductUpdates);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(
            tokens.verify(&token),
            Some(Unsubscribe {
                reader: reader(),
                list: EmailList::ProductUpdates
            })
        );
    }

    #[test]
    fn altered_forged_and_foreign_tokens_are_refused() {
        let tokens = UnsubscribeTokens::new(b"secret");
        let token = tokens.issue(&reader(), EmailList::ProductUpdates);
        // Another reader's id in the payload, the tag kept.
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[5] = if bytes[5] == b'1' { b'2' } else { b'1' };
        let altered = URL_SAFE_NO_PAD.encode(&bytes);
        let foreign = UnsubscribeTokens::new(b"other").issue(&reader(), EmailList::ProductUpdates);
        let unsigned = URL_SAFE_NO_PAD.encode(format!("v1:{}:product_updates", reader()));
        for forged in [
            altered,
            foreign,
            unsigned,
            String::new(),
            "garbage".to_owned(),
            format!("{token}A"),
            "A".repeat(10_000),
        ] {
            assert_eq!(tokens.verify(&forged), None, "{forged}");
        }
    }
}
