//! The anonymous meter's credential: a random visitor id and its HMAC
//! under a key of its own (see [`super::signing`]), carried by the
//! HttpOnly `masthead_meter` cookie, or by a server-side site in the
//! `X-Masthead-Meter` header. Signed, so a visitor cannot pick another
//! visitor's meter (or a fresh one of their choosing) by editing it: an
//! altered or forged value is ignored like no value at all. No table is
//! needed to check one, so every instance accepts the others'.

use super::signing::PurposeKey;
use rand_core::{OsRng, RngCore};
use std::fmt::Write;

/// The payload's version prefix.
const PREFIX: &str = "v1:";

/// Longest credential looked at; a real one is 75 characters.
const MAX_TOKEN_CHARS: usize = 128;

/// Issues and checks meter credentials.
#[derive(Clone)]
pub struct MeterTokens {
    key: PurposeKey,
}

impl MeterTokens {
    /// Credentials under a key derived from `secret` (the signing key's bytes).
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: PurposeKey::derive(b"masthead meter v1", secret),
        }
    }

    /// A new visitor: their meter id (`visitor:<hex>`) and its credential.
    pub fn issue(&self) -> (String, String) {
        let mut bytes = [0_u8; 16];
        OsRng.fill_bytes(&mut bytes);
        let visitor = bytes
            .iter()
            .fold(String::with_capacity(32), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            });
        let token = self.key.seal(format!("{PREFIX}{visitor}").as_bytes());
        (format!("visitor:{visitor}"), token)
    }

    /// The meter id a credential names, if this key made it unaltered.
    pub fn verify(&self, token: &str) -> Option<String> {
        let payload = self.key.open(token, MAX_TOKEN_CHARS)?;
        let visitor = std::str::from_utf8(&payload).ok()?.strip_prefix(PREFIX)?;
        let well_formed = visitor.len() == 32 && visitor.bytes().all(|b| b.is_ascii_hexdigit());
        well_formed.then(|| format!("visitor:{visitor}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn an_issued_credential_names_its_meter_and_each_visitor_gets_a_new_one() {
        let tokens = MeterTokens::new(b"secret");
        let (meter, token) = tokens.issue();
        assert_eq!(tokens.verify(&token), Some(meter.clone()));
        let (other, _) = tokens.issue();
        assert_ne!(meter, other);
        assert!(token.len() <= MAX_TOKEN_CHARS);
    }

    #[test]
    fn altered_forged_and_foreign_credentials_name_no_meter() {
        let tokens = MeterTokens::new(b"secret");
        let (_, token) = tokens.issue();
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[4] ^= 0x01;
        let altered = URL_SAFE_NO_PAD.encode(&bytes);
        let (_, foreign) = MeterTokens::new(b"other").issue();
        let unsigned = URL_SAFE_NO_PAD.encode(format!("v1:{}", "0".repeat(32)));
        for forged in [altered, foreign, unsigned, String::new(), "x".repeat(500)] {
            assert_eq!(tokens.verify(&forged), None, "{forged}");
        }
    }
}
