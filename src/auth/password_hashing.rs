//! Argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane), stored as
//! PHC strings so parameters can be raised later without a migration.
//! Verification also accepts the bcrypt and older argon2 hashes an import
//! brings; a login replaces them (see [`needs_rehash`]).

use super::stored_hash::{self, CURRENT_PARAMS};
use crate::domain::Password;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand_core::OsRng;
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

/// The work one verification did: argon2 memory blocks (KiB) times
/// passes, and bcrypt key-schedule rounds (2^cost per hash). Every
/// verification does the same work whatever the account (a known one of
/// any kind, an unknown one, a wrong password or a right one), so its
/// time tells nothing; these numbers are what the metrics count and the
/// tests compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashWork {
    /// argon2 KiB × passes.
    pub argon2_kib_passes: u64,
    /// bcrypt rounds.
    pub bcrypt_rounds: u64,
    /// Whether a stored bcrypt hash was met (so bcrypt hashes are stored).
    pub met_bcrypt: bool,
}

thread_local! {
    static WORK: std::cell::Cell<HashWork> = const { std::cell::Cell::new(HashWork {
        argon2_kib_passes: 0,
        bcrypt_rounds: 0,
        met_bcrypt: false,
    }) };
    /// Whether verifications on this thread, now, pay the bcrypt budget
    /// (set by [`measure_work`] for the application asking).
    static BCRYPT_BUDGET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn add_work(argon2_kib_passes: u64, bcrypt_rounds: u64) {
    WORK.with(|work| {
        let mut sum = work.get();
        sum.argon2_kib_passes += argon2_kib_passes;
        sum.bcrypt_rounds += bcrypt_rounds;
        work.set(sum);
    });
}

/// Runs `f` (on this thread) and returns what it returned with the hash
/// work it did. `bcrypt_in_use`: whether the application's database holds
/// bcrypt hashes; while it does, every verification also pays the bcrypt
/// budget, so a bcrypt account's login costs what any other does; once the
/// last one is upgraded, logins cost one argon2id again.
pub fn measure_work<T>(bcrypt_in_use: bool, f: impl FnOnce() -> T) -> (T, HashWork) {
    let before = WORK.with(std::cell::Cell::take);
    let budget = BCRYPT_BUDGET.with(|flag| flag.replace(bcrypt_in_use));
    let result = f();
    BCRYPT_BUDGET.with(|flag| flag.set(budget));
    let done = WORK.with(|work| work.replace(before));
    (result, done)
}

fn met_bcrypt() {
    WORK.with(|work| {
        let mut sum = work.get();
        sum.met_bcrypt = true;
        work.set(sum);
    });
}

/// The argon2 work of a normal login.
const ARGON2_BUDGET: u64 = CURRENT_PARAMS.0 as u64 * CURRENT_PARAMS.1 as u64;

/// Recomputes the hash of `candidate` with the stored hash's own algorithm,
/// parameters and salt, and compares in constant time. `None` for a hash
/// this build cannot check or that costs more than a normal login.
fn matches(candidate: &str, stored: &PasswordHash<'_>) -> Option<bool> {
    let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
    let version = stored
        .version
        .map_or(Some(Version::V0x13), |v| Version::try_from(v).ok())?;
    let expected = stored.hash?;
    let params = Params::try_from(stored).ok()?;
    if !stored_hash::within_argon2_budget(&params) {
        return None;
    }
    let work = u64::from(params.m_cost()) * u64::from(params.t_cost());
    let blocks = params.block_count();
    let hasher = Argon2::new(algorithm, version, params);
    let mut salt = [0_u8; 64];
    let salt = stored.salt?.decode_b64(&mut salt).ok()?;
    let mut output = vec![0_u8; expected.len()];
    with_memory(blocks, |memory| {
        hasher.hash_password_into_with_memory(candidate.as_bytes(), salt, &mut output, memory)
    })
    .ok()?;
    add_work(work, 0);
    Some(bool::from(output.as_slice().ct_eq(expected.as_bytes())))
}

/// Runs argon2id over nothing in particular for `kib_passes` of work (one
/// pass over that many KiB), topping a cheaper imported hash up to the
/// budget of a normal login.
fn argon2_padding(kib_passes: u64) {
    let Ok(memory) = u32::try_from(kib_passes.max(8)) else {
        return;
    };
    let Ok(params) = Params::new(memory, 1, 1, Some(32)) else {
        return;
    };
    let blocks = params.block_count();
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut output = [0_u8; 32];
    let done = with_memory(blocks, |memory| {
        hasher.hash_password_into_with_memory(b"padding", b"masthead-padding", &mut output, memory)
    });
    if done.is_ok() {
        add_work(u64::from(memory), 0);
    }
}

/// bcrypt over nothing in particular at `cost` (2^cost rounds).
fn bcrypt_padding(cost: u32) {
    if bcrypt::hash_with_salt("padding", cost, [0_u8; 16]).is_ok() {
        add_work(0, 1 << cost);
    }
}

/// The bcrypt part: the stored hash, if it is bcrypt within the cap, then
/// dummies at costs `cost..MAX` so the rounds add up to exactly
/// 2^MAX (2^c + 2^c + 2^(c+1) + .. + 2^(MAX-1) = 2^MAX); for any other
/// account, one dummy at the cap while bcrypt hashes are stored.
fn bcrypt_part(candidate: &str, stored: Option<&str>) -> Option<bool> {
    let max = stored_hash::MAX_BCRYPT_COST;
    let bcrypt = stored.and_then(|hash| stored_hash::bcrypt_cost(hash).map(|cost| (hash, cost)));
    match bcrypt {
        Some((hash, cost)) if (4..=max).contains(&cost) => {
            met_bcrypt();
            let ok = bcrypt::verify(candidate, hash).unwrap_or_else(|error| {
                tracing::error!(%error, "a stored bcrypt hash cannot be checked");
                false
            });
            add_work(0, 1 << cost);
            for padding in cost..max {
                bcrypt_padding(padding);
            }
            Some(ok)
        }
        Some(_) => {
            met_bcrypt();
            tracing::warn!(
                "a stored bcrypt hash costs more than a normal login; not checked (reset the password)"
            );
            bcrypt_padding(max);
            Some(false)
        }
        None => {
            if BCRYPT_BUDGET.with(std::cell::Cell::get) {
                bcrypt_padding(max);
            }
            None
        }
    }
}

/// Checks a candidate password against a stored hash (argon2 PHC, or bcrypt
/// from an import), or against a dummy hash when there is no account or the
/// account has no usable password (the answer is then always false, after
/// the same amount of work). Expensive: call it on the blocking pool.
///
/// Every call does the same work ([`HashWork`]): argon2 for the budget of
/// a normal login (the stored argon2 hash, topped up with padding if it is
/// a cheaper imported one; a dummy for a bcrypt account or none), plus,
/// while bcrypt hashes are stored, the bcrypt budget. A stored hash that
/// costs more than a normal login is not checked at all (false): the
/// import refuses such hashes, and one left from before must be reset.
pub fn verify_password(candidate: &str, stored: Option<&str>) -> bool {
    let stored = stored.filter(|hash| !stored_hash::is_unusable(hash));
    if let Some(ok) = bcrypt_part(candidate, stored) {
        argon2_against_dummy(candidate);
        return ok;
    }
    let hash = stored.unwrap_or_else(|| dummy_hash());
    let Ok(parsed) = PasswordHash::new(hash) else {
        tracing::error!("a stored password hash is not a valid PHC string");
        argon2_against_dummy(candidate);
        return false;
    };
    let (ok, work) = measure_work(BCRYPT_BUDGET.with(std::cell::Cell::get), || {
        matches(candidate, &parsed)
    });
    add_work(work.argon2_kib_passes, work.bcrypt_rounds);
    let Some(ok) = ok else {
        tracing::error!(
            "a stored password hash is not an argon2 hash this build can check within the budget"
        );
        argon2_against_dummy(candidate);
        return false;
    };
    if work.argon2_kib_passes < ARGON2_BUDGET {
        argon2_padding(ARGON2_BUDGET - work.argon2_kib_passes);
    }
    ok && stored.is_some()
}

/// The argon2 budget spent on the dummy hash (the answer is discarded).
fn argon2_against_dummy(candidate: &str) {
    if let Ok(parsed) = PasswordHash::new(dummy_hash()) {
        let _ = matches(candidate, &parsed);
    }
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
