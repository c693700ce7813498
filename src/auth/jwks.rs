//! The JSON Web Key Set (RFC 7517, keys as RFC 8037 OKP) that lets anyone
//! verify Masthead's access tokens without sharing a secret: the current
//! signer's public key and those of earlier signers still in their overlap.

use super::VerificationKey;
use serde::Serialize;
use utoipa::ToSchema;

/// One Ed25519 public key.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Jwk {
    /// Always `OKP` (octet key pair).
    #[schema(example = "OKP")]
    pub kty: &'static str,
    /// Always `Ed25519`.
    #[schema(example = "Ed25519")]
    pub crv: &'static str,
    /// The public key, base64url without padding.
    pub x: String,
    /// The key id access tokens name in their header.
    pub kid: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    #[schema(example = "sig")]
    pub key_use: &'static str,
    /// Always `EdDSA`.
    #[schema(example = "EdDSA")]
    pub alg: &'static str,
}

/// The keys that verify access tokens, the current signer's first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JwkSet {
    /// Every key a valid access token may name.
    pub keys: Vec<Jwk>,
}

impl From<&VerificationKey> for Jwk {
    fn from(key: &VerificationKey) -> Self {
        Self {
            kty: "OKP",
            crv: "Ed25519",
            x: key.x(),
            kid: key.kid().to_owned(),
            key_use: "sig",
            alg: "EdDSA",
        }
    }
}
