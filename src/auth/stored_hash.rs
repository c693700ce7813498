//! The kinds of password hash an account may hold: Masthead's own argon2id,
//! hashes brought by `masthead readers import` from another system (bcrypt
//! or any argon2 variant, upgraded at the next login), and the unusable
//! marker of an imported account that came without a password.

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Params, Version};

/// Marks a stored value that is not a hash at all: neither PHC (`$...`)
/// nor bcrypt can start with it, so no verification can ever match.
const UNUSABLE_PREFIX: char = '!';

/// The current parameters (OWASP): memory in KiB, passes, lanes.
pub(super) const CURRENT_PARAMS: (u32, u32, u32) = (19_456, 2, 1);

/// Limits on imported hashes: none may cost more than a normal login.
/// bcrypt cost 10 is about as much work as the current argon2id (cost 14
/// was measured at 17 normal logins; each step doubles), and is the
/// bcrypt budget every verification pays while bcrypt hashes are stored
/// (see `password_hashing`). An argon2 hash may use at most the current
/// memory × passes; other memory, passes or lanes are fine within that.
pub(super) const MAX_BCRYPT_COST: u32 = 10;
const MAX_ARGON2_MEMORY_KIB: u32 = CURRENT_PARAMS.0;
const MAX_ARGON2_WORK: u64 = CURRENT_PARAMS.0 as u64 * CURRENT_PARAMS.1 as u64;
const MAX_ARGON2_LANES: u32 = 8;

/// The algorithm family of an accepted imported hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportedHashKind {
    /// `$2a$`, `$2b$` or `$2y$`.
    Bcrypt,
    /// `$argon2id$`, `$argon2i$` or `$argon2d$` in PHC form.
    Argon2,
}

/// A value no password verifies against: the account exists, and its owner
/// sets a password through the reset flow. Random, so two such accounts
/// never share a stored value.
pub fn unusable_password_hash() -> String {
    let random = crate::auth::RefreshToken::generate().into_plaintext();
    format!("{UNUSABLE_PREFIX}{random}")
}

/// Whether `stored` is the marker of an account without a password.
pub(super) fn is_unusable(stored: &str) -> bool {
    stored.starts_with(UNUSABLE_PREFIX)
}

/// Whether `stored` is a bcrypt hash (by its prefix; checked in full by
/// [`check_imported_hash`] before it was stored).
pub(super) fn is_bcrypt(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| stored.starts_with(prefix))
}

/// Checks a hash brought by an import: a well-formed bcrypt or argon2 PHC
/// string within sane cost limits. The error says what is wrong, for the
/// import report.
pub fn check_imported_hash(hash: &str) -> Result<ImportedHashKind, String> {
    if is_bcrypt(hash) {
        let parts: bcrypt::HashParts = hash
            .parse()
            .map_err(|error| format!("malformed bcrypt hash ({error})"))?;
        let cost = parts.get_cost();
        if !(4..=MAX_BCRYPT_COST).contains(&cost) {
            return Err(format!(
                "bcrypt cost {cost} is outside 4..={MAX_BCRYPT_COST}"
            ));
        }
        return Ok(ImportedHashKind::Bcrypt);
    }
    if ["$argon2id$", "$argon2i$", "$argon2d$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
    {
        let parsed =
            PasswordHash::new(hash).map_err(|error| format!("malformed argon2 hash ({error})"))?;
        let params = Params::try_from(&parsed)
            .map_err(|error| format!("invalid argon2 parameters ({error})"))?;
        if parsed.salt.is_none() || parsed.hash.is_none() {
            return Err("argon2 hash without salt or output".to_owned());
        }
        if !within_argon2_budget(&params) {
            return Err(format!(
                "argon2 parameters cost more than a normal login (at most m={MAX_ARGON2_MEMORY_KIB}, m×t={MAX_ARGON2_WORK}, p={MAX_ARGON2_LANES})"
            ));
        }
        return Ok(ImportedHashKind::Argon2);
    }
    Err("not a bcrypt or argon2 hash".to_owned())
}

/// Whether argon2 parameters cost no more than a normal login.
pub(super) fn within_argon2_budget(params: &Params) -> bool {
    params.m_cost() <= MAX_ARGON2_MEMORY_KIB
        && u64::from(params.m_cost()) * u64::from(params.t_cost()) <= MAX_ARGON2_WORK
        && params.p_cost() <= MAX_ARGON2_LANES
}

/// The cost of a stored bcrypt hash, if it is one.
pub(super) fn bcrypt_cost(stored: &str) -> Option<u32> {
    if !is_bcrypt(stored) {
        return None;
    }
    stored
        .parse::<bcrypt::HashParts>()
        .ok()
        .map(|parts| parts.get_cost())
}

/// Whether a stored hash should be replaced after a successful login:
/// anything but argon2id, version 0x13, with the current parameters.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let current = Algorithm::try_from(parsed.algorithm) == Ok(Algorithm::Argon2id)
        && parsed.version == Some(Version::V0x13.into());
    let params = Params::try_from(&parsed)
        .ok()
        .map(|p| (p.m_cost(), p.t_cost(), p.p_cost()));
    !(current && params == Some(CURRENT_PARAMS))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BCRYPT_COST_4: &str = "$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie";

    #[test]
    fn bcrypt_variants_are_accepted() {
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            let hash = BCRYPT_COST_4.replacen("$2b$", prefix, 1);
            assert_eq!(check_imported_hash(&hash), Ok(ImportedHashKind::Bcrypt));
        }
    }

    #[test]
    fn malformed_or_costly_bcrypt_is_refused() {
        assert!(check_imported_hash("$2b$04$short").is_err());
        let costly = BCRYPT_COST_4.replacen("$04$", "$20$", 1);
        assert!(
            check_imported_hash(&costly)
                .unwrap_err()
                .contains("cost 20")
        );
        // More than a normal login costs is refused: 11 and up.
        let eleven = BCRYPT_COST_4.replacen("$04$", "$11$", 1);
        assert!(check_imported_hash(&eleven).is_err());
        let ten = BCRYPT_COST_4.replacen("$04$", "$10$", 1);
        assert_eq!(check_imported_hash(&ten), Ok(ImportedHashKind::Bcrypt));
        assert!(check_imported_hash(&BCRYPT_COST_4.replacen("$2b$", "$2x$", 1)).is_err());
    }

    #[test]
    fn argon2_variants_are_accepted_within_limits() {
        let salt = "c29tZXNhbHRzb21lc2FsdA";
        let out = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        for algorithm in ["argon2id", "argon2i", "argon2d"] {
            let hash = format!("${algorithm}$v=19$m=19456,t=2,p=1${salt}${out}");
            assert_eq!(check_imported_hash(&hash), Ok(ImportedHashKind::Argon2));
        }
        let greedy = format!("$argon2id$v=19$m=4194304,t=2,p=1${salt}${out}");
        assert!(check_imported_hash(&greedy).is_err());
        // More passes than a normal login's work, or more memory, is refused;
        // less memory with more passes within the same work is not.
        let slow = format!("$argon2id$v=19$m=19456,t=3,p=1${salt}${out}");
        assert!(check_imported_hash(&slow).is_err());
        let wide = format!("$argon2id$v=19$m=65536,t=1,p=4${salt}${out}");
        assert!(check_imported_hash(&wide).is_err());
        let narrow = format!("$argon2i$v=19$m=8192,t=4,p=2${salt}${out}");
        assert_eq!(check_imported_hash(&narrow), Ok(ImportedHashKind::Argon2));
        assert!(check_imported_hash("$argon2id$v=19$m=19456,t=2,p=1").is_err());
    }

    #[test]
    fn other_schemes_are_refused() {
        for hash in [
            "",
            "plaintext",
            "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA",
            "$1$abc$def",
            "!x",
        ] {
            assert!(check_imported_hash(hash).is_err(), "{hash:?} accepted");
        }
    }

    #[test]
    fn only_current_argon2id_is_left_alone() {
        let salt = "c29tZXNhbHRzb21lc2FsdA";
        let out = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assert!(!needs_rehash(&format!(
            "$argon2id$v=19$m=19456,t=2,p=1${salt}${out}"
        )));
        assert!(needs_rehash(&format!(
            "$argon2id$v=19$m=65536,t=3,p=4${salt}${out}"
        )));
        assert!(needs_rehash(&format!(
            "$argon2i$v=19$m=19456,t=2,p=1${salt}${out}"
        )));
        assert!(needs_rehash(BCRYPT_COST_4));
    }

    #[test]
    fn unusable_hashes_are_marked_and_distinct() {
        let (a, b) = (unusable_password_hash(), unusable_password_hash());
        assert!(is_unusable(&a) && is_unusable(&b));
        assert_ne!(a, b);
        assert!(check_imported_hash(&a).is_err());
    }
}
