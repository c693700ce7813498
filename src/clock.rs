//! The time the application reads: the system clock in production, and a
//! clock tests can move forward, so a test of an expiry advances time
//! instead of sleeping through it.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The system clock plus an offset that only [`Clock::advance`] changes.
///
/// Cloning shares the offset: the application holds one clone in its state,
/// a test holds another and moves both.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock, never advanced in production.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current time on this clock.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;
    use std::time::Duration;

    #[test]
    fn the_system_clock_reads_the_system_time() {
        let drift = (Clock::system().now() - chrono::Utc::now())
            .num_seconds()
            .abs();
        assert!(drift < 2, "drift {drift}s");
    }

    #[test]
    fn advancing_moves_every_clone() {
        let clock = Clock::system();
        let held = clock.clone();
        let before = held.now();
        clock.advance(Duration::from_secs(3600));
        let moved = (held.now() - before).num_seconds();
        assert!((3600..3602).contains(&moved), "moved {moved}s");
    }
}
