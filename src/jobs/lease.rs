//! A claim's lease: how long a job stays with the worker that claimed it.
//! Past it, the job counts as abandoned (its worker was killed, or its
//! instance lost the database) and any worker may claim it again. The
//! attempt number the claim gave is the fence: settling a job checks it,
//! so a worker that outlived its lease cannot settle the next claim.

use chrono::{Duration, NaiveDateTime};

/// The lease one claim takes.
#[derive(Debug, Clone, Copy)]
pub struct Lease(Duration);

impl Lease {
    /// A lease of `seconds` (at least one).
    pub fn seconds(seconds: i64) -> Self {
        Self(Duration::seconds(seconds.max(1)))
    }

    /// When a claim made at `now` lapses.
    pub fn until(self, now: NaiveDateTime) -> NaiveDateTime {
        now + self.0
    }

    /// The longest one job may run: a little under the lease, so a slow
    /// job is stopped before another worker may claim it.
    pub fn run_limit(self) -> std::time::Duration {
        let seconds = u64::try_from(self.0.num_seconds()).unwrap_or(1);
        std::time::Duration::from_millis(seconds * 900)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_stopped_before_its_lease_lapses() {
        let lease = Lease::seconds(10);
        assert_eq!(lease.run_limit(), std::time::Duration::from_secs(9));
        let now = chrono::Utc::now().naive_utc();
        assert_eq!(lease.until(now) - now, Duration::seconds(10));
        assert_eq!(Lease::seconds(0).until(now) - now, Duration::seconds(1));
    }
}
