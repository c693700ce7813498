//! The Ed25519 key that signs access tokens. Development generates one into
//! the data directory on first start; production must configure it.

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};
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
        Self::new(ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng))
    }

    fn new(key: ed25519_dalek::SigningKey) -> Self {
        let digest = Sha256::digest(key.verifying_key().as_bytes());
        let kid = URL_SAFE_NO_PAD.encode(&digest[..12]);
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
            std::fs::create_dir_all(parent)?;
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
        URL_SAFE_NO_PAD.encode(self.key.verifying_key().as_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot create {}", path.display()))
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
    }
}
