//! Time-based one-time passwords (RFC 6238) for staff's second factor: the
//! shared secret, the codes an authenticator app shows, and the
//! `otpauth://` address that app reads from a QR code or a paste.
//!
//! The parameters are the ones every authenticator app understands: HMAC-SHA-1,
//! 6 digits, 30-second steps (RFC 6238 section 4 and Appendix B; the
//! "Key Uri Format" of Google Authenticator is the de facto enrolment
//! format). A code is accepted for the step it was made in and one step
//! either side, for clocks that drift and codes typed near a boundary
//! (RFC 6238 section 5.2 recommends at most one step back); the caller
//! remembers the accepted step so no code is accepted twice.

use data_encoding::BASE32_NOPAD;
use rand_core::{OsRng, RngCore};
use subtle::ConstantTimeEq;

/// Seconds per step.
pub const TOTP_STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const TOTP_DIGITS: u32 = 6;
/// 160 bits: the length RFC 4226 section 4 recommends for HMAC-SHA-1.
const SECRET_BYTES: usize = 20;

/// A staff member's TOTP secret, as RFC 4648 base32 (what apps take).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// A new random secret from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_BYTES];
        OsRng.fill_bytes(&mut bytes);
        Self(BASE32_NOPAD.encode(&bytes))
    }

    /// A stored secret; `None` if it is not base32 (a damaged row).
    pub fn from_stored(base32: &str) -> Option<Self> {
        BASE32_NOPAD.decode(base32.as_bytes()).ok()?;
        Some(Self(base32.to_owned()))
    }

    /// The base32 text, to store and to show once at enrolment.
    pub fn as_base32(&self) -> &str {
        &self.0
    }

    fn key(&self) -> Vec<u8> {
        BASE32_NOPAD
            .decode(self.0.as_bytes())
            .expect("checked base32")
    }

    /// The code for time step `step`.
    pub fn code_at_step(&self, step: u64) -> String {
        totp_lite::totp_custom::<totp_lite::Sha1>(
            TOTP_STEP_SECONDS,
            TOTP_DIGITS,
            &self.key(),
            step * TOTP_STEP_SECONDS,
        )
    }

    /// The step `code` belongs to, at `unix_seconds` (the current step or
    /// one either side), later than `after` (the last step accepted);
    /// `None` for a wrong, stale or replayed code. Compared in constant
    /// time.
    pub fn accepted_step(&self, code: &str, unix_seconds: u64, after: u64) -> Option<u64> {
        let code = code.trim();
        if code.len() != TOTP_DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = unix_seconds / TOTP_STEP_SECONDS;
        let mut accepted = None;
        for step in [now.saturating_sub(1), now, now + 1] {
            let matches: bool = self
                .code_at_step(step)
                .as_bytes()
                .ct_eq(code.as_bytes())
                .into();
            if matches && step > after && accepted.is_none() {
                accepted = Some(step);
            }
        }
        accepted
    }

    /// The enrolment address an authenticator app reads: the issuer and the
    /// account label, percent-encoded.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let issuer = percent_encode(issuer);
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
            account = percent_encode(account),
            secret = self.0,
        )
    }
}

use std::fmt::Write as _;

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;

/// Fresh one-time recovery codes, `xxxxx-xxxxx` in lower-case base32
/// (50 bits each), to show once.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 7];
            OsRng.fill_bytes(&mut bytes);
            let text = BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
            format!("{}-{}", &text[..5], &text[5..10])
        })
        .collect()
}

/// The stored form of a recovery code: SHA-256 of its normalised text
/// (lower case, without spaces or dashes), so a code typed `ABCDE FGHIJ` works.
pub fn recovery_code_hash(code: &str) -> String {
    use sha2::{Digest, Sha256};
    let normalised: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let digest = Sha256::digest(normalised.as_bytes());
    data_encoding::HEXLOWER.encode(&digest)
}

/// Whether `typed` looks like a TOTP code (six digits) rather than a
/// recovery code.
pub fn looks_like_totp_code(typed: &str) -> bool {
    let typed = typed.trim();
    typed.len() == TOTP_DIGITS as usize && typed.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 secret ("12345678901234567890"), whose
    /// 8-digit codes the RFC lists; the last six digits are the 6-digit code.
    fn rfc_secret() -> TotpSecret {
        TotpSecret(BASE32_NOPAD.encode(b"12345678901234567890"))
    }

    #[test]
    fn codes_match_rfc_6238_appendix_b() {
        // (time, 8-digit TOTP) from the RFC's table, SHA1 rows.
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        let secret = rfc_secret();
        for (time, code) in vectors {
            assert_eq!(secret.code_at_step(time / 30), code[2..], "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_beyond() {
        let secret = rfc_secret();
        let now: u64 = 1_234_567_890;
        let step = now / 30;
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = secret.code_at_step(step.checked_add_signed(offset).unwrap());
            assert_eq!(
                secret.accepted_step(&code, now, 0).is_some(),
                accepted,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_replayed_code_is_refused() {
        let secret = rfc_secret();
        let now = 1_234_567_890;
        let code = secret.code_at_step(now / 30);
        let step = secret.accepted_step(&code, now, 0).unwrap();
        assert_eq!(secret.accepted_step(&code, now, step), None);
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = rfc_secret();
        for code in [
            "",
            "12345",
            "1234567",
            "12345a",
            "１２３４５６",
            "\0\0\0\0\0\0",
        ] {
            assert_eq!(
                secret.accepted_step(code, 1_234_567_890, 0),
                None,
                "{code:?}"
            );
        }
    }

    #[test]
    fn the_enrolment_address_follows_the_key_uri_format() {
        let uri = rfc_secret().otpauth_uri("The Magazine", "ada@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/The%20Magazine:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=The%20Magazine&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn generated_secrets_are_160_bits_and_differ() {
        let (a, b) = (TotpSecret::generate(), TotpSecret::generate());
        assert_ne!(a, b);
        assert_eq!(
            BASE32_NOPAD.decode(a.as_base32().as_bytes()).unwrap().len(),
            20
        );
        assert!(TotpSecret::from_stored(a.as_base32()).is_some());
        assert!(TotpSecret::from_stored("not base32!").is_none());
    }

    #[test]
    fn recovery_codes_are_distinct_and_their_hash_ignores_case_and_dashes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        assert_eq!(
            recovery_code_hash(code),
            recovery_code_hash(&code.to_uppercase().replace('-', " "))
        );
        assert!(!looks_like_totp_code(code));
        assert!(looks_like_totp_code(" 123456 "));
    }
}
