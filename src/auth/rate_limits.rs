//! Per-address limits on the endpoints an attacker would hammer: login,
//! sign-up, and the ones that send email. GCRA limiters from `governor`,
//! keyed by the client's address, in memory: each instance enforces its
//! own share (behind N instances an address gets at most N times the
//! limit; the per-account login limit, which must hold globally, lives in
//! the database instead: `db::login_failures`).

use crate::error::ApiError;
use crate::settings::Settings;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// `POST /v1/auth/login`.
    Login,
    /// `POST /v1/auth/signup`.
    Signup,
    /// Password-reset and verification emails.
    EmailRequest,
}

/// The per-address limiters of one instance.
#[derive(Debug)]
pub struct RateLimits {
    login: DefaultKeyedRateLimiter<IpAddr>,
    signup: DefaultKeyedRateLimiter<IpAddr>,
    email: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

fn per_minute(n: u32) -> DefaultKeyedRateLimiter<IpAddr> {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    governor::RateLimiter::keyed(Quota::per_minute(n))
}

/// Forget idle addresses every this many checks, so memory stays bounded
/// by the addresses seen recently.
const SWEEP_EVERY: u64 = 4096;

impl RateLimits {
    /// The limits the settings ask for.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            login: per_minute(settings.login_attempts_per_minute),
            signup: per_minute(settings.signups_per_minute),
            email: per_minute(settings.email_requests_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one attempt of `what` from `ip`: 429 `rate_limited` with
    /// `Retry-After` once the address is over its limit. A request whose
    /// address is unknown is not limited here.
    pub fn check(&self, what: Limited, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        let limiter = match what {
            Limited::Login => &self.login,
            Limited::Signup => &self.signup,
            Limited::EmailRequest => &self.email,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for limiter in [&self.login, &self.signup, &self.email] {
                limiter.retain_recent();
            }
        }
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                code: "rate_limited",
                detail: "too many attempts from this address; wait and try again".to_owned(),
                retry_after_seconds: wait.as_secs() + 1,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_waits_and_others_do_not() {
        let settings = Settings {
            login_attempts_per_minute: 3,
            ..Settings::default()
        };
        let limits = RateLimits::from_settings(&settings);
        let (one, two): (IpAddr, IpAddr) =
            ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..3 {
            limits.check(Limited::Login, Some(one)).unwrap();
        }
        let refused = limits.check(Limited::Login, Some(one)).unwrap_err();
        let ApiError::TooManyRequests {
            retry_after_seconds,
            ..
        } = refused
        else {
            panic!("expected 429, got {refused:?}");
        };
        assert!(
            (1..=21).contains(&retry_after_seconds),
            "{retry_after_seconds}"
        );
        limits.check(Limited::Login, Some(two)).unwrap();
        limits.check(Limited::Signup, Some(one)).unwrap();
        limits.check(Limited::Login, None).unwrap();
    }
}
