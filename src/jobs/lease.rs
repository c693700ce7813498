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

    /// The shortest lease whose run limit is at least `run`: what a job
    /// that may run that long extends its claim to.
    pub fn covering(run: std::time::Duration) -> Self {
        let seconds = i64::try_from(run.as_secs()).unwrap_or(i64::MAX / 20);
        Self::seconds(seconds.saturating_mul(10) / 9 + 1)
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
        for run in [1, 299, 300, 360] {
            let run = std::time::Duration::from_secs(run);
            assert!(Lease::covering(run).run_limit() >= run, "{run:?}");
        }
    }
}
