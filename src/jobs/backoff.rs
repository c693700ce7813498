//! When a failed job is tried again: exponential backoff, so a mail server
//! that is down for a minute gets a few quick retries and one down for a
//! day is not hammered.

use chrono::Duration;

/// The longest wait between two attempts.
const MAX_BACKOFF_SECONDS: i64 = 3600;

/// The wait after failed attempt number `attempts` (1-based): 1 s, 2 s,
/// 4 s, ... up to an hour.
pub fn after(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::seconds(2_i64.pow(exponent).min(MAX_BACKOFF_SECONDS))
}

/// Whether a job that failed its attempt number `attempts` gets another
/// one, under `max_attempts` (`MASTHEAD_JOB_MAX_ATTEMPTS`).
pub fn retries(attempts: i32, max_attempts: i32) -> bool {
    attempts < max_attempts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(after(1), Duration::seconds(1));
        assert_eq!(after(2), Duration::seconds(2));
        assert_eq!(after(5), Duration::seconds(16));
        assert_eq!(after(15), Duration::seconds(3600));
    }

    #[test]
    fn the_last_attempt_is_not_retried() {
        assert!(retries(1, 3));
        assert!(retries(2, 3));
        assert!(!retries(3, 3));
    }
}
