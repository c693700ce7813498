//! Argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane), stored as
//! PHC strings so parameters can be raised later without a migration.
//! Verification also accepts the bcrypt and older argon2 hashes an import
//! brings; a login replaces them (see [`needs_rehash`]).

use super::stored_hash::{self, CURRENT_PARAMS};
use crate::domain::Password;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::rngs::OsRng;
use std::sync::{Mutex, OnceLock};
use subtle::ConstantTimeEq;

/// The hasher with the OWASP-recommended argon2id parameters.
fn argon2() -> Argon2<'static> {
    let (memory, passes, lanes) = CURRENT_PARAMS;
    let params = Params::new(memory, passes, lanes, None).expect("the OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password into a PHC string. Expensive: call it on the
/// blocking pool.
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    hash_raw(password.expose())
}

/// Hashes a password the reader has just proved (a login against an
/// imported hash) with the current algorithm. It skips the length rules of
/// [`Password`]: the old system may have allowed shorter passwords, and
/// upgrading the hash must not lock their owners out. Expensive: call it on
/// the blocking pool.
pub fn rehash_password(proven: &str) -> anyhow::Result<String> {
    hash_raw(proven)
}

fn hash_raw(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
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

/// Argon2 working memory kept between verifications: allocating and
/// page-faulting 19 MiB for every login costs a fifth of the hash itself.
/// Holds at most as many buffers as hashes ever ran at once.
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let reused = MEMORY.lock().ok().and_then(|mut pool| pool.pop());
    let mut memory = reused.unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let result = f(&mut memory[..blocks]);
    if let Ok(mut pool) = MEMORY.lock() {
        pool.push(memory);
    }
    result
}

/// Recomputes the hash of `candidate` with the stored hash's own algorithm,
/// parameters and salt, and compares in constant time.
fn matches(candidate: &str, stored: &PasswordHash<'_>) -> Option<bool> {
    let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
    let version = stored
        .version
        .map_or(Some(Version::V0x13), |v| Version::try_from(v).ok())?;
    let expected = stored.hash?;
    let params = Params::try_from(stored).ok()?;
    let blocks = params.block_count();
    let hasher = Argon2::new(algorithm, version, params);
    let mut salt = [0_u8; 64];
    let salt = stored.salt?.decode_b64(&mut salt).ok()?;
    let mut output = vec![0_u8; expected.len()];
    with_memory(blocks, |memory| {
        hasher.hash_password_into_with_memory(candidate.as_bytes(), salt, &mut output, memory)
    })
    .ok()?;
    Some(bool::from(output.as_slice().ct_eq(expected.as_bytes())))
}

/// Checks a candidate password against a stored hash (argon2 PHC, or bcrypt
/// from an import), or against a dummy hash when there is no account or the
/// account has no usable password (the answer is then always false, after
/// the same amount of work). Expensive: call it on the blocking pool.
pub fn verify_password(candidate: &str, stored: Option<&str>) -> bool {
    let stored = stored.filter(|hash| !stored_hash::is_unusable(hash));
    if let Some(hash) = stored.filter(|hash| stored_hash::is_bcrypt(hash)) {
        return bcrypt::verify(candidate, hash).unwrap_or_else(|error| {
            tracing::error!(%error, "a stored bcrypt hash cannot be checked");
            false
        });
    }
    let hash = stored.unwrap_or_else(|| dummy_hash());
    let Ok(parsed) = PasswordHash::new(hash) else {
        tracing::error!("a stored password hash is not a valid PHC string");
        return false;
    };
    let Some(ok) = matches(candidate, &parsed) else {
        tracing::error!("a stored password hash is not an argon2 hash this build can check");
        return false;
    };
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

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
        assert!(!verify_password("", Some(&hash)));
    }

    #[test]
    fn agrees_with_the_reference_verifier_on_other_parameters() {
        let params = Params::new(8_192, 3, 2, Some(24)).unwrap();
        let hasher = Argon2::new(Algorithm::Argon2i, Version::V0x10, params);
        let salt = SaltString::generate(&mut OsRng);
        let hash = hasher
            .hash_password(b"old system password", &salt)
            .unwrap()
            .to_string();
        assert!(
            Argon2::default()
                .verify_password(b"old system password", &PasswordHash::new(&hash).unwrap())
                .is_ok()
        );
        assert!(verify_password("old system password", Some(&hash)));
        assert!(!verify_password("old system passwore", Some(&hash)));
    }

    #[test]
    fn unknown_accounts_and_garbage_hashes_never_verify() {
        assert!(!verify_password("anything at all", None));
        assert!(!verify_password(
            "anything at all",
            Some("not a phc string")
        ));
        assert!(!verify_password(
            "x",
            Some("$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA")
        ));
    }

    #[test]
    fn bcrypt_hashes_from_an_import_verify() {
        let hash = bcrypt::hash("short", 4).unwrap();
        assert!(verify_password("short", Some(&hash)));
        assert!(!verify_password("shorT", Some(&hash)));
        let y = hash.replacen("$2b$", "$2y$", 1);
        assert!(verify_password("short", Some(&y)));
    }

    #[test]
    fn unusable_hashes_never_verify() {
        let stored = crate::auth::unusable_password_hash();
        assert!(!verify_password(&stored, Some(&stored)));
        assert!(!verify_password(&stored[1..], Some(&stored)));
    }

    #[test]
    fn rehashing_skips_the_length_rules_and_yields_current_argon2id() {
        let hash = rehash_password("short").unwrap();
        assert!(!crate::auth::needs_rehash(&hash), "{hash}");
        assert!(verify_password("short", Some(&hash)));
    }

    #[test]
    fn salts_differ() {
        let p = password("same password");
        assert_ne!(hash_password(&p).unwrap(), hash_password(&p).unwrap());
    }
}
