//! Short-lived signed URLs for media files: `/v1/media/{token}` where the
//! token is `<media id>.<expiry>.<HMAC-SHA256>`. The gate decides once, when
//! the URL is issued; the URL then works for anyone holding it until it
//! expires, which is what an `<audio>` element or a PDF viewer needs.

use super::signing::PurposeKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Signs and checks media tokens.
pub struct MediaTokens {
    key: PurposeKey,
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
        Self {
            key: PurposeKey::derive(b"masthead media url v1", secret),
            ttl_seconds,
        }
    }

    /// A token for `media_id`, valid from `now` for the configured lifetime.
    pub fn issue(&self, media_id: &str, now: i64) -> (String, i64) {
        let expires = now + self.ttl_seconds;
        let payload = format!("{media_id}.{expires}");
        let signature = URL_SAFE_NO_PAD.encode(self.key.tag(payload.as_bytes()));
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
        if !self.key.checks(payload.as_bytes(), &signature) {
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

    /// Media URLs already handed out (in open pages, in players) keep
    /// working across releases: the token is HMAC-SHA256 under the key
    /// derived for "masthead media url v1", computed here independently.
    #[test]
    fn a_link_signed_by_an_earlier_release_still_opens() {
        let earlier = "media-1.1300.P2h_OaamjTHDqK4e7-Q2NNVRnJC7pv0foTglOxVtvHg";
        assert_eq!(tokens().issue("media-1", 1_000).0, earlier);
        assert_eq!(tokens().verify(earlier, 1_000), Ok("media-1".to_owned()));
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
