//! Opaque refresh tokens: 256 random bits for the client, a SHA-256 hash for
//! the database, so a stolen database copy yields no usable token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A freshly generated refresh token.
pub struct RefreshToken {
    plaintext: String,
}

impl RefreshToken {
    /// 32 bytes from the OS generator, base64url-encoded (43 characters).
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self {
            plaintext: URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// The hash under which this token is stored.
    pub fn hash(&self) -> String {
        Self::hash_of(&self.plaintext)
    }

    /// The token to hand to the client, exactly once.
    pub fn into_plaintext(self) -> String {
        self.plaintext
    }

    /// The storage hash of a presented token (hex SHA-256). A plain hash is
    /// enough: the input has 256 bits of entropy, nothing to brute-force.
    pub fn hash_of(presented: &str) -> String {
        format!("{:x}", Sha256::digest(presented.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = RefreshToken::generate();
        let b = RefreshToken::generate();
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().len(), 64);
        let hash = a.hash();
        let plaintext = a.into_plaintext();
        assert_eq!(plaintext.len(), 43);
        assert_eq!(RefreshToken::hash_of(&plaintext), hash);
        assert_ne!(plaintext, hash);
    }
}
