//! Gift-link tokens: 128 random bits from the OS generator for the URL, a
//! SHA-256 hash for the database (like refresh and account tokens), so a
//! copy of the database opens no article.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh gift-link token, base64url (22 characters), and its hash.
pub fn new_gift_link_token() -> (String, String) {
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = gift_link_token_hash(&token);
    (token, hash)
}

/// The stored hash of a presented token (hex SHA-256). A plain hash is
/// enough: 128 bits of entropy leave nothing to brute-force.
pub fn gift_link_token_hash(presented: &str) -> String {
    format!("{:x}", Sha256::digest(presented.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_only_as_their_hash() {
        let (a, hash_a) = new_gift_link_token();
        let (b, _) = new_gift_link_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert_eq!(hash_a, gift_link_token_hash(&a));
        assert_ne!(hash_a, a);
    }
}
