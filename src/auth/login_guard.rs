//! The lock on password guessing, shared by every endpoint that checks a
//! password (login, changing the email or password, deleting the account).
//!
//! Policy (OWASP Authentication Cheat Sheet, "Account Lockout"; like
//! Auth0's brute-force protection, which blocks a user/IP pair):
//!
//! - Attempts are counted per guessed address and client address: at most
//!   `MASTHEAD_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR` from one client. A
//!   guesser locks out only themselves.
//! - Over every client address together, at most
//!   `MASTHEAD_LOGIN_FAILURES_PER_HOUR` per guessed address, so a botnet
//!   cannot guess without bound either. A client address the reader holds
//!   a live session from is not held back by this count: the real reader
//!   keeps a way in while others guess.
//! - The attempt is counted before the password is verified, atomically,
//!   so no burst gets more verifications than the limits; a right password
//!   gives its attempt back (and clears its client's count).
//! - The subject is the address whether or not an account uses it, so a
//!   locked account and an unknown address answer alike (429
//!   `too_many_failed_logins`) after the same number of attempts.
//! - A password reset clears every count for the address.

use crate::db::{self, DbConnection, login_failures};
use crate::domain::ReaderId;
use crate::settings::Settings;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

/// The window in which attempts count.
pub const LOGIN_WINDOW: Duration = Duration::hours(1);

/// What the counts are kept under for an address: its SHA-256, so the
/// table holds no address that belongs to nobody.
pub fn login_subject(email: &str) -> String {
    format!("{:x}", Sha256::digest(email.as_bytes()))
}

/// Forget ended windows every this many attempts (per instance), so the
/// table holds only the last hour's guesses.
const PRUNE_EVERY: u64 = 1024;
static PRUNE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// One counted attempt, to settle once the password is checked.
#[derive(Debug, Clone)]
pub struct Attempt {
    subject: String,
    client: String,
    counted_globally: bool,
}

/// The two limits, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// `MASTHEAD_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR`.
    pub per_address: u32,
    /// `MASTHEAD_LOGIN_FAILURES_PER_HOUR`.
    pub per_account: u32,
}

impl LoginLimits {
    /// The limits the settings ask for.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            per_address: settings.login_failures_per_address_per_hour,
            per_account: settings.login_failures_per_hour,
        }
    }
}

/// Refused: the limit is reached until `until`.
#[derive(Debug, Clone, Copy)]
pub struct Locked {
    /// When the window that holds the attempt back ends.
    pub until: NaiveDateTime,
}

/// Counts an attempt at `email`'s password from `client` (`None`: an
/// address unknown, counted together), before it is verified. `reader` is
/// the account using the address, if any (only to recognise its own
/// client addresses).
pub fn begin_attempt(
    conn: &mut DbConnection,
    limits: LoginLimits,
    email: &str,
    reader: Option<&ReaderId>,
    client: Option<&str>,
    now: NaiveDateTime,
) -> diesel::QueryResult<Result<Attempt, Locked>> {
    if PRUNE_COUNTER
        .fetch_add(1, Ordering::Relaxed)
        .is_multiple_of(PRUNE_EVERY)
    {
        login_failures::prune(conn, now - LOGIN_WINDOW)?;
    }
    let subject = login_subject(email);
    let client = client.unwrap_or("unknown").to_owned();
    let per_client = limits.per_address;
    if !login_failures::take(conn, &subject, &client, per_client, LOGIN_WINDOW, now)? {
        return locked(conn, &subject, &client, now);
    }
    let known = match reader {
        Some(reader) => db::sessions::live_from_address(conn, reader, &client, now)?,
        None => false,
    };
    if !known {
        let global = limits.per_account;
        let any = login_failures::ANY_CLIENT;
        if !login_failures::take(conn, &subject, any, global, LOGIN_WINDOW, now)? {
            login_failures::give_back(conn, &subject, &client)?;
            return locked(conn, &subject, any, now);
        }
    }
    Ok(Ok(Attempt {
        subject,
        client,
        counted_globally: !known,
    }))
}

fn locked(
    conn: &mut DbConnection,
    subject: &str,
    client: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Result<Attempt, Locked>> {
    let until = login_failures::window_ends(conn, subject, client, LOGIN_WINDOW)?
        .unwrap_or(now + LOGIN_WINDOW);
    Ok(Err(Locked { until }))
}

impl Attempt {
    /// Settles the attempt: a right password clears its client's count and
    /// gives back its share of the global one; a wrong one stays counted.
    pub fn settle(&self, conn: &mut DbConnection, password_ok: bool) -> diesel::QueryResult<()> {
        if !password_ok {
            return Ok(());
        }
        login_failures::clear(conn, &self.subject, &self.client)?;
        if self.counted_globally {
            login_failures::give_back(conn, &self.subject, login_failures::ANY_CLIENT)?;
        }
        Ok(())
    }
}

/// A password reset for `email`: every count for it is forgotten.
pub fn unlock(conn: &mut DbConnection, email: &str) -> diesel::QueryResult<()> {
    login_failures::clear_subject(conn, &login_subject(email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_hashes_of_the_address() {
        let subject = login_subject("ada@example.com");
        assert_eq!(subject.len(), 64);
        assert!(!subject.contains("ada"));
        assert_eq!(subject, login_subject("ada@example.com"));
        assert_ne!(subject, login_subject("bob@example.com"));
    }
}
