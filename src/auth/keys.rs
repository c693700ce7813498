//! The Ed25519 key that signs access tokens, and the public keys of earlier
//! signers that still verify during a rotation. Development generates the
//! signing key into the data directory on first start; production must
//! configure it.

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, spki::der::pem::LineEnding,
};
use sha2::{Digest, Sha256};
use std::path::Path;

/// A signing key with its key id.
pub struct SigningKey {
    key: ed25519_dalek::SigningKey,
    kid: String,
}

/// File name of the generated development key inside the data directory.
const DEV_KEY_FILE: &str = "keys/access-token-ed25519.pem";

impl SigningKey {
    /// Parses a PKCS#8 PEM private key.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .context("the access-token key is not an Ed25519 PKCS#8 PEM private key")?;
        Ok(Self::new(key))
    }

    /// A new random key.
    pub fn generate() -> Self {
        Self::new(ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng))
    }

    fn new(key: ed25519_dalek::SigningKey) -> Self {
        let kid = kid_of(&key.verifying_key());
        Self { key, kid }
    }

    /// Reads the development key from the data directory, generating and
    /// saving it (owner-only permissions) on first use.
    pub fn load_or_generate(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(DEV_KEY_FILE);
        if path.exists() {
            let pem = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            return Self::from_pem(&pem);
        }
        let key = Self::generate();
        let pem = key
            .key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|error| anyhow::anyhow!("cannot encode the key: {error}"))?;
        if let Some(parent) = path.parent() {
            crate::private_files::create_private_dir(parent)?;
        }
        write_private(&path, pem.as_bytes())?;
        tracing::info!(path = %path.display(), "generated a development access-token key");
        Ok(key)
    }

    /// The key id put in every token header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key as PKCS#8 DER, for the JWT encoder.
    pub fn pkcs8_der(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self
            .key
            .to_pkcs8_der()
            .map_err(|error| anyhow::anyhow!("cannot encode the key: {error}"))?
            .as_bytes()
            .to_vec())
    }

    /// Secret bytes other signers (media URLs) derive their keys from.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The public key, base64url (the JWK `x` parameter).
    pub fn public_x(&self) -> String {
        self.verification_key().x()
    }

    /// The public half, which verifies what this key signs.
    pub fn verification_key(&self) -> VerificationKey {
        VerificationKey {
            key: self.key.verifying_key(),
            kid: self.kid.clone(),
        }
    }
}

/// The key id of a public key: the first 96 bits of its SHA-256, base64url.
/// Derived, not configured, so every instance names a key the same way and
/// a rotation cannot reuse an id by mistake.
fn kid_of(key: &ed25519_dalek::VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..12])
}

/// An Ed25519 public key with its key id: the current signer's, or an
/// earlier signer's kept for verification during a rotation.
#[derive(Debug, Clone)]
pub struct VerificationKey {
    key: ed25519_dalek::VerifyingKey,
    kid: String,
}

impl VerificationKey {
    /// Parses every `-----BEGIN PUBLIC KEY-----` block (SPKI PEM) in `text`,
    /// so one setting can hold several keys back to back. A private key is
    /// refused: retired private keys do not belong in the configuration.
    pub fn parse_pem_blocks(text: &str) -> anyhow::Result<Vec<Self>> {
        const BEGIN: &str = "-----BEGIN ";
        let mut keys = Vec::new();
        let mut rest = text.trim();
        while let Some(start) = rest.find(BEGIN) {
            anyhow::ensure!(
                rest[..start].trim().is_empty(),
                "previous access-token keys must be PEM blocks only"
            );
            let block = &rest[start..];
            let label_end = block[BEGIN.len()..]
                .find("-----")
                .context("a PEM block has an unterminated BEGIN line")?;
            let label = &block[BEGIN.len()..BEGIN.len() + label_end];
            anyhow::ensure!(
                label == "PUBLIC KEY",
                "a previous access-token key must be a PUBLIC KEY PEM, not {label} \
                 (derive it with `openssl pkey -in old.pem -pubout`)"
            );
            let end_marker = "-----END PUBLIC KEY-----";
            let end = block
                .find(end_marker)
                .context("a PUBLIC KEY PEM block has no END line")?
                + end_marker.len();
            let key = ed25519_dalek::VerifyingKey::from_public_key_pem(&block[..end])
                .context("a previous access-token key is not an Ed25519 public key")?;
            keys.push(Self {
                kid: kid_of(&key),
                key,
            });
            rest = &block[end..];
        }
        anyhow::ensure!(
            rest.trim().is_empty(),
            "previous access-token keys must be PEM blocks only"
        );
        Ok(keys)
    }

    /// The key id tokens name it by.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key, base64url (the JWK `x` parameter).
    pub fn x(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.as_bytes())
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::private_files::write_new_private(path, bytes)
        .with_context(|| format!("cannot create {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_kept_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let first = SigningKey::load_or_generate(dir.path()).unwrap();
        let second = SigningKey::load_or_generate(dir.path()).unwrap();
        assert_eq!(first.kid(), second.kid());
        assert_eq!(first.public_x(), second.public_x());
    }

    #[test]
    fn garbage_pem_is_refused() {
        assert!(SigningKey::from_pem("not a key").is_err());
        assert!(VerificationKey::parse_pem_blocks("not a key").is_err());
    }

    fn public_pem(key: &SigningKey) -> String {
        use ed25519_dalek::pkcs8::EncodePublicKey;
        key.key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap()
    }

    #[test]
    fn several_public_keys_parse_with_their_kids() {
        let (a, b) = (SigningKey::generate(), SigningKey::generate());
        let text = format!("{}\n{}", public_pem(&a), public_pem(&b));
        let keys = VerificationKey::parse_pem_blocks(&text).unwrap();
        let kids: Vec<&str> = keys.iter().map(VerificationKey::kid).collect();
        assert_eq!(kids, [a.kid(), b.kid()]);
        assert_eq!(keys[0].x(), a.public_x());
        assert!(VerificationKey::parse_pem_blocks("  ").unwrap().is_empty());
    }

    #[test]
    fn a_private_key_is_refused_as_a_previous_key() {
        let pem = SigningKey::generate()
            .key
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap();
        let error = VerificationKey::parse_pem_blocks(&pem).unwrap_err();
        assert!(error.to_string().contains("-pubout"), "{error}");
    }
}
