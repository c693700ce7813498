//! One HMAC-SHA256 key per purpose, derived from the instance's signing
//! key, for the self-verifying tokens no table holds (media URLs,
//! unsubscribe links, meter cookies): every instance sharing the signing
//! key accepts the others' tokens, and a token made for one purpose is
//! refused for another (each purpose's key differs).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Length of the HMAC-SHA256 tag.
const TAG_BYTES: usize = 32;

/// The key of one purpose.
#[derive(Clone)]
pub struct PurposeKey {
    key: Vec<u8>,
}

impl PurposeKey {
    /// The key for `purpose` (a fixed label such as `"masthead meter v1"`)
    /// under `secret`, the signing key's bytes.
    pub fn derive(purpose: &[u8], secret: &[u8]) -> Self {
        let mut mac = HmacSha256::new_from_slice(purpose).expect("any key length works");
        mac.update(secret);
        Self {
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    /// The tag of `payload`.
    pub fn tag(&self, payload: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length works");
        mac.update(payload);
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `tag` is `payload`'s, compared in constant time.
    pub fn checks(&self, payload: &[u8], tag: &[u8]) -> bool {
        bool::from(self.tag(payload).ct_eq(tag))
    }

    /// `payload` and its tag as one base64url string (`[A-Za-z0-9_-]`: it
    /// survives a query parameter, a cookie and a plain-text email).
    pub fn seal(&self, payload: &[u8]) -> String {
        let mut bytes = payload.to_vec();
        bytes.extend_from_slice(&self.tag(payload));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The payload of a token [`Self::seal`] made under this key,
    /// unaltered; `None` for anything else (or longer than `max_chars`,
    /// refused before decoding), without saying why.
    pub fn open(&self, token: &str, max_chars: usize) -> Option<Vec<u8>> {
        if token.len() > max_chars {
            return None;
        }
        let mut bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let split = bytes.len().checked_sub(TAG_BYTES)?;
        let tag = bytes.split_off(split);
        self.checks(&bytes, &tag).then_some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_payload_opens_only_under_its_own_purpose_and_secret() {
        let key = PurposeKey::derive(b"purpose a", b"secret");
        let token = key.seal(b"hello");
        assert_eq!(key.open(&token, 100).as_deref(), Some(&b"hello"[..]));
        for other in [
            PurposeKey::derive(b"purpose b", b"secret"),
            PurposeKey::derive(b"purpose a", b"other secret"),
        ] {
            assert_eq!(other.open(&token, 100), None);
        }
        assert_eq!(key.open(&token, token.len() - 1), None, "too long");
        assert_eq!(key.open("", 100), None);
        assert_eq!(key.open("not base64!", 100), None);
    }
}
