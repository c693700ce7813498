//! Short-lived signed URLs for media files: `/v1/media/{token}` where the
//! token is `<media id>.<expiry>.<HMAC-SHA256>`. The gate decides once, when
//! the URL is issued; the URL then works for anyone holding it until it
//! expires, which is what an `<audio>` element or a PDF viewer needs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks media tokens.
pub struct MediaTokens {
    key: Vec<u8>,
    ttl_seconds: i64,
}

/// Why a media token was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaTokenError {
    /// Not a token we made, or altered.
    #[error("the media link is invalid")]
    Invalid,
    /// Past its expiry.
    #[error("the media link has expired")]
    Expired,
}

impl MediaTokens {
    /// `secret` is derived from the instance's signing key, so every
    /// instance sharing that key accepts the others' URLs.
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        let mut mac =
            HmacSha256::new_from_slice(b"masthead media url v1").expect("any key length works");
        mac.update(secret);
        Self {
            key: mac.finalize().into_bytes().to_vec(),
            ttl_seconds,
        }
    }

    fn mac(&self, payload: &str) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length works");
        mac.update(payload.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// A token for `media_id`, valid from `now` for the configured lifetime.
    pub fn issue(&self, media_id: &str, now: i64) -> (String, i64) {
        let expires = now + self.ttl_seconds;
        let payload = format!("{media_id}.{expires}");
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&payload));
        (format!("{payload}.{signature}"), expires)
    }

    /// The media id a token grants, if its signature holds and it has not
    /// expired at `now`.
    pub fn verify(&self, token: &str, now: i64) -> Result<String, MediaTokenError> {
        let mut parts = token.rsplitn(2, '.');
        let (Some(signature), Some(payload)) = (parts.next(), parts.next()) else {
            return Err(MediaTokenError::Invalid);
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| MediaTokenError::Invalid)?;
        if !bool::from(self.mac(payload).ct_eq(&signature)) {
            return Err(MediaTokenError::Invalid);
        }
        let (media_id, expires) = payload.rsplit_once('.').ok_or(MediaTokenError::Invalid)?;
        let expires: i64 = expires.parse().map_err(|_| MediaTokenError::Invalid)?;
        if expires <= now {
            return Err(MediaTokenError::Expired);
        }
        Ok(media_id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> MediaTokens {
        MediaTokens::new(b"secret", 300)
    }

    #[test]
    fn round_trip() {
        let (token, expires) = tokens().issue("media-1", 1_000);
        assert_eq!(expires, 1_300);
        assert_eq!(tokens().verify(&token, 1_299), Ok("media-1".to_owned()));
    }

    #[test]
    fn expires() {
        let (token, _) = tokens().issue("media-1", 1_000);
        assert_eq!(
            tokens().verify(&token, 1_300),
            Err(MediaTokenError::Expired)
        );
    }

    #[test]
    fn tampering_is_detected() {
        let (token, _) = tokens().issue("media-1", 1_000);
        let other_file = token.replacen("media-1", "media-2", 1);
        let longer = token.replacen(".1300.", ".9999.", 1);
        for forged in [
            other_file,
            longer,
            "garbage".into(),
            String::new(),
            format!("{token}x"),
        ] {
            assert_eq!(
                tokens().verify(&forged, 1_000),
                Err(MediaTokenError::Invalid),
                "{forged}"
            );
        }
    }

    #[test]
    fn another_key_is_refused() {
        let (token, _) = MediaTokens::new(b"other", 300).issue("media-1", 1_000);
        assert_eq!(
            tokens().verify(&token, 1_000),
            Err(MediaTokenError::Invalid)
        );
    }
}
