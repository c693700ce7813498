//! Who may refund when: the 60-day money-back guarantee. Inside the window
//! (counted from the subscription's first payment) support staff refund;
//! after it only an admin may, and only by saying so (`override`) with a
//! reason, so nobody refunds an old subscription by accident.

use super::Role;
use chrono::{DateTime, Duration, Utc};

/// Why a refund is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefusal {
    /// The window has passed and the staff member is not an admin.
    WindowPassed {
        /// When the guarantee ended.
        ended: DateTime<Utc>,
    },
    /// The window has passed; an admin may refund, but must say
    /// `override: true`.
    OverrideRequired {
        /// When the guarantee ended.
        ended: DateTime<Utc>,
    },
}

/// The guarantee of a subscription first paid at `first_paid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guarantee {
    /// When it ends (exclusive).
    pub ends: DateTime<Utc>,
}

impl Guarantee {
    /// The guarantee of `window_days` from `first_paid`.
    pub fn new(first_paid: DateTime<Utc>, window_days: i64) -> Self {
        Self {
            ends: first_paid + Duration::days(window_days),
        }
    }

    /// Whether a refund asked for at `now` is inside the guarantee.
    pub fn covers(self, now: DateTime<Utc>) -> bool {
        now < self.ends
    }

    /// Whether `role` may refund at `now`, given the admin's `override`;
    /// `Ok(true)` inside the guarantee, `Ok(false)` for an admin override
    /// after it. The caller has already checked `role` is support or admin.
    pub fn permits(
        self,
        role: Role,
        now: DateTime<Utc>,
        override_window: bool,
    ) -> Result<bool, RefundRefusal> {
        if self.covers(now) {
            return Ok(true);
        }
        match (role, override_window) {
            (Role::Admin, true) => Ok(false),
            (Role::Admin, false) => Err(RefundRefusal::OverrideRequired { ended: self.ends }),
            _ => Err(RefundRefusal::WindowPassed { ended: self.ends }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn day(n: i64) -> DateTime<Utc> {
        paid() + Duration::days(n)
    }

    #[test]
    fn support_refunds_inside_the_window_only() {
        let guarantee = Guarantee::new(paid(), 60);
        assert_eq!(guarantee.permits(Role::Support, day(59), false), Ok(true));
        assert_eq!(
            guarantee.permits(Role::Support, day(61), true),
            Err(RefundRefusal::WindowPassed { ended: day(60) })
        );
        assert_eq!(
            guarantee.permits(Role::Support, day(60), false),
            Err(RefundRefusal::WindowPassed { ended: day(60) }),
            "the window is 60 days, not 60 days and a moment"
        );
    }

    #[test]
    fn admins_refund_late_only_with_an_override() {
        let guarantee = Guarantee::new(paid(), 60);
        assert_eq!(guarantee.permits(Role::Admin, day(10), false), Ok(true));
        assert_eq!(guarantee.permits(Role::Admin, day(61), true), Ok(false));
        assert_eq!(
            guarantee.permits(Role::Admin, day(61), false),
            Err(RefundRefusal::OverrideRequired { ended: day(60) })
        );
    }

    #[test]
    fn the_window_is_configurable() {
        let guarantee = Guarantee::new(paid(), 30);
        assert!(guarantee.covers(day(29)));
        assert!(!guarantee.covers(day(31)));
    }
}
