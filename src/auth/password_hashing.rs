//! Argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane), stored as
//! PHC strings so parameters can be raised later without a migration.

use crate::domain::Password;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use std::sync::OnceLock;

/// The hasher with the OWASP-recommended argon2id parameters.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("the OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password into a PHC string. Expensive: call it on the
/// blocking pool.
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("password hashing failed: {error}"))
}

/// A hash of a random password, verified against when the account does not
/// exist so that an unknown email costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random = crate::auth::RefreshToken::generate().into_plaintext();
        let password = Password::parse(random).expect("a random token is a valid password");
        hash_password(&password).expect("hashing a random password works")
    })
}

/// Checks a candidate password against a stored PHC hash, or against a
/// dummy hash when there is no account (the answer is then always false,
/// after the same amount of work). Expensive: call it on the blocking pool.
pub fn verify_password(candidate: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or_else(|| dummy_hash());
    let Ok(parsed) = PasswordHash::new(hash) else {
        tracing::error!("a stored password hash is not a valid PHC string");
        return false;
    };
    let matches = argon2()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(raw: &str) -> Password {
        Password::parse(raw.to_owned()).unwrap()
    }

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_password(&password("correct horse")).unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn verifies_only_the_right_password() {
        let hash = hash_password(&password("correct horse")).unwrap();
        assert!(verify_password("correct horse", Some(&hash)));
        assert!(!verify_password("correct horsf", Some(&hash)));
    }

    #[test]
    fn unknown_accounts_never_verify() {
        assert!(!verify_password("anything at all", None));
    }

    #[test]
    fn salts_differ() {
        let p = password("same password");
        assert_ne!(hash_password(&p).unwrap(), hash_password(&p).unwrap());
    }
}
