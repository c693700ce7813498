//! Access tokens: short-lived EdDSA-signed JWTs. Verification pins the
//! algorithm and the key id, and checks issuer, audience and expiry with an
//! explicit leeway, so `alg: none`, algorithm confusion and foreign tokens
//! are all refused. Besides the signing key, the public keys of earlier
//! signers verify too, so a key rotation does not log every reader out.

use super::jwks::{Jwk, JwkSet};
use super::{SigningKey, VerificationKey};
use crate::domain::{Perk, ReaderId, Role, SessionId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// Clock skew tolerated between Masthead instances and token checkers.
const LEEWAY_SECONDS: u64 = 5;

/// Tokens whose signature was already checked, so a reader's repeated
/// requests skip the Ed25519 verification. Keyed by the exact token string,
/// so a cached entry can only ever answer for the bytes that were verified.
const VERIFIED_CACHE_ENTRIES: u64 = 20_000;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The reader id.
    pub sub: String,
    /// The session (login) the token belongs to.
    pub sid: String,
    /// The reader's role when the token was issued.
    pub role: Role,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Unique token id.
    pub jti: String,
    /// The perks the gate granted the reader when the token was issued, for
    /// front-ends to render menus without a round trip. Informational only:
    /// the server's gate never reads it. Absent in tokens issued before it
    /// existed.
    #[serde(default)]
    pub perks: Vec<String>,
}

/// Why a presented access token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Past its `exp`.
    #[error("the access token has expired")]
    Expired,
    /// Anything else: bad signature, algorithm, key id, issuer, audience, shape.
    #[error("the access token is invalid")]
    Invalid,
}

/// A signed token and its lifetime.
pub struct IssuedAccessToken {
    /// The compact JWT.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// Issues and verifies access tokens.
pub struct AccessTokens {
    kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    published: Vec<VerificationKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_seconds: i64,
    verified: moka::sync::Cache<String, Arc<AccessClaims>>,
}

impl AccessTokens {
    /// Builds the issuer for one signing key.
    pub fn new(
        key: &SigningKey,
        issuer: &str,
        audience: &str,
        ttl_seconds: i64,
    ) -> anyhow::Result<Self> {
        let encoding = EncodingKey::from_ed_der(&key.pkcs8_der()?);
        let public = key.verification_key();
        let decoding = DecodingKey::from_ed_components(&public.x())?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = LEEWAY_SECONDS;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        Ok(Self {
            kid: key.kid().to_owned(),
            encoding,
            decoding: HashMap::from([(key.kid().to_owned(), decoding)]),
            published: vec![public],
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_seconds,
            verified: moka::sync::Cache::builder()
                .max_capacity(VERIFIED_CACHE_ENTRIES)
                .time_to_live(Duration::from_secs(
                    ttl_seconds.clamp(1, 86_400).unsigned_abs(),
                ))
                .build(),
        })
    }

    /// Also accepts tokens signed by earlier keys (by their public halves),
    /// and publishes them in the JWKS, until they are removed from the
    /// configuration.
    pub fn with_previous_keys(mut self, previous: &[VerificationKey]) -> anyhow::Result<Self> {
        for key in previous {
            if self.decoding.contains_key(key.kid()) {
                continue;
            }
            let decoding = DecodingKey::from_ed_components(&key.x())?;
            self.decoding.insert(key.kid().to_owned(), decoding);
            self.published.push(key.clone());
        }
        Ok(self)
    }

    /// The public keys that verify access tokens, the current one first.
    pub fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: self.published.iter().map(Jwk::from).collect(),
        }
    }

    /// Signs a token for a reader's session, listing the perks the gate
    /// grants the reader now.
    pub fn issue(
        &self,
        reader: &ReaderId,
        session: &SessionId,
        role: Role,
        perks: &BTreeSet<Perk>,
    ) -> anyhow::Result<IssuedAccessToken> {
        let mut perks: Vec<String> = perks.iter().map(|perk| perk.as_str().to_owned()).collect();
        perks.sort();
        let now = chrono::Utc::now().timestamp();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: reader.to_string(),
            sid: session.to_string(),
            role,
            exp: now + self.ttl_seconds,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            perks,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)?;
        Ok(IssuedAccessToken {
            token,
            expires_in: self.ttl_seconds,
        })
    }

    /// Verifies a presented token: known `kid`, EdDSA only, signature,
    /// issuer, audience, expiry. A token verified before is answered from
    /// the cache, its expiry checked again.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        if let Some(claims) = self.verified.get(token) {
            let now = chrono::Utc::now().timestamp();
            return if claims.exp.saturating_add(LEEWAY_SECONDS.cast_signed()) > now {
                Ok(AccessClaims::clone(&claims))
            } else {
                Err(TokenError::Expired)
            };
        }
        let claims = self.verify_signature(token)?;
        self.verified
            .insert(token.to_owned(), Arc::new(claims.clone()));
        Ok(claims)
    }

    fn verify_signature(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::Invalid);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(TokenError::Invalid)?;
        jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&SigningKey::generate(), "masthead", "web", 900).unwrap()
    }

    fn issue(tokens: &AccessTokens) -> String {
        tokens
            .issue(
                &ReaderId::generate(),
                &SessionId::generate(),
                Role::Reader,
                &BTreeSet::from([Perk::Audio, Perk::Archive]),
            )
            .unwrap()
            .token
    }

    #[test]
    fn a_cached_token_still_expires() {
        let key = SigningKey::generate();
        let tokens = AccessTokens::new(&key, "masthead", "web", 900).unwrap();
        let token = issue(&tokens);
        let claims = tokens.verify(&token).unwrap();
        let stale = AccessClaims {
            exp: chrono::Utc::now().timestamp() - 60,
            ..claims
        };
        tokens.verified.insert(token.clone(), Arc::new(stale));
        assert!(matches!(tokens.verify(&token), Err(TokenError::Expired)));
    }

    #[test]
    fn round_trip() {
        let tokens = tokens();
        let claims = tokens.verify(&issue(&tokens)).unwrap();
        assert_eq!(claims.iss, "masthead");
        assert_eq!(claims.aud, "web");
        assert_eq!(claims.exp - claims.iat, 900);
        assert_eq!(claims.perks, ["archive", "audio"]);
    }

    #[test]
    fn a_previous_key_still_verifies_and_is_published() {
        let (old, new) = (SigningKey::generate(), SigningKey::generate());
        let before = AccessTokens::new(&old, "masthead", "web", 900).unwrap();
        let token = issue(&before);
        let after = AccessTokens::new(&new, "masthead", "web", 900)
            .unwrap()
            .with_previous_keys(&[old.verification_key(), new.verification_key()])
            .unwrap();
        assert!(after.verify(&token).is_ok());
        let kids: Vec<String> = after.jwks().keys.into_iter().map(|k| k.kid).collect();
        assert_eq!(kids, [new.kid(), old.kid()], "current first, no duplicates");
        assert!(after.verify(&issue(&after)).is_ok());
    }

    #[test]
    fn another_key_is_refused() {
        let token = issue(&tokens());
        assert!(matches!(tokens().verify(&token), Err(TokenError::Invalid)));
    }

    #[test]
    fn wrong_issuer_or_audience_is_refused() {
        let key = SigningKey::generate();
        let foreign_issuer = AccessTokens::new(&key, "someone-else", "web", 900).unwrap();
        let foreign_audience = AccessTokens::new(&key, "masthead", "other-app", 900).unwrap();
        let ours = AccessTokens::new(&key, "masthead", "web", 900).unwrap();
        assert!(ours.verify(&issue(&foreign_issuer)).is_err());
        assert!(ours.verify(&issue(&foreign_audience)).is_err());
    }

    #[test]
    fn expired_beyond_leeway_is_refused() {
        let key = SigningKey::generate();
        let stale = AccessTokens::new(&key, "masthead", "web", -60).unwrap();
        let ours = AccessTokens::new(&key, "masthead", "web", 900).unwrap();
        assert!(matches!(
            ours.verify(&issue(&stale)),
            Err(TokenError::Expired)
        ));
    }

    #[test]
    fn alg_none_is_refused() {
        let tokens = tokens();
        let token = issue(&tokens);
        let payload = token.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            tokens.kid
        ));
        assert!(tokens.verify(&format!("{header}.{payload}.")).is_err());
    }

    #[test]
    fn tampered_payload_is_refused() {
        let tokens = tokens();
        let token = issue(&tokens);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        claims["role"] = "admin".into();
        parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
        assert!(tokens.verify(&parts.join(".")).is_err());
    }
}
