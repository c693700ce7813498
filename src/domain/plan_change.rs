//! Changing plan (tier or billing interval) in the middle of a paid
//! period: which changes take effect at once and what they cost then.
//! The rules follow Stripe's, so a change made through our API and one
//! made in Stripe's billing portal come out the same
//! (<https://docs.stripe.com/billing/subscriptions/change>,
//! <https://docs.stripe.com/billing/subscriptions/prorations>).

use super::BillingInterval;
use super::stored_text::stored_enum;
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

stored_enum! {
    /// How a change is carried out (`plan_changes.kind`). An unknown stored
    /// kind reads as a downgrade: one that waits for the period end and can
    /// still be undone.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PlanChangeKind (unknown = Downgrade) {
        /// More is bought (a longer interval, or a dearer tier for the same
        /// interval): at once, the difference invoiced now.
        Upgrade,
        /// Less is bought: at the end of the period already paid, so the
        /// reader keeps what they paid for; until then it can be undone.
        Downgrade,
    }
}

stored_enum! {
    /// Where a plan change stands (`plan_changes.status`). Only `pending`
    /// moves, once. An unknown stored status reads as `undone`, so this
    /// build never applies a change a newer one settled.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PlanChangeStatus (unknown = Undone) {
        /// Waiting for its effective time (a downgrade), or for the provider.
        Pending,
        /// Carried out.
        Applied,
        /// Taken back by the reader before it took effect.
        Undone,
    }
}

/// One side of a change: an interval and the price of the plan for it,
/// in minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedPlan {
    /// How often it is paid.
    pub interval: BillingInterval,
    /// What one interval costs.
    pub amount_cents: i64,
}

fn months(interval: BillingInterval) -> u8 {
    match interval {
        BillingInterval::Month => 1,
        BillingInterval::Year => 12,
    }
}

/// Whether going from `from` to `to` is an upgrade or a downgrade: a
/// longer interval is an upgrade (month -> year commits a year now, even
/// though the year is cheaper per month), a shorter one a downgrade; for
/// the same interval the dearer plan is the upgrade. `None` when nothing
/// would change what is paid.
pub fn classify(from: PricedPlan, to: PricedPlan) -> Option<PlanChangeKind> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match months(to.interval).cmp(&months(from.interval)) {
        Greater => Some(PlanChangeKind::Upgrade),
        Less => Some(PlanChangeKind::Downgrade),
        Equal => match to.amount_cents.cmp(&from.amount_cents) {
            Greater => Some(PlanChangeKind::Upgrade),
            Less => Some(PlanChangeKind::Downgrade),
            Equal => None,
        },
    }
}

/// What an upgrade at `now` invoices at once, and the period it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    /// Charged now, in minor units (never negative).
    pub amount_cents: i64,
    /// The period after the change.
    pub period: (NaiveDateTime, NaiveDateTime),
}

/// Stripe's proration of an upgrade at `now` inside `period`: for the
/// same interval the period stays and the unused time is charged at the
/// difference in price; a new interval restarts the period at `now`
/// (Stripe resets the billing cycle anchor) and charges the new price less
/// the unused time of the old one. Time is counted in seconds, amounts
/// rounded to the nearest minor unit. `None` past the calendar's end.
pub fn prorate(
    from: PricedPlan,
    to: PricedPlan,
    period: (NaiveDateTime, NaiveDateTime),
    now: NaiveDateTime,
) -> Option<Proration> {
    let (start, end) = period;
    let total = (end - start).num_seconds().max(1);
    let left = (end - now).num_seconds().clamp(0, total);
    let share = |amount: i64| -> i64 {
        let scaled = i128::from(amount) * i128::from(left);
        let rounded = (scaled + i128::from(total) / 2) / i128::from(total);
        i64::try_from(rounded).unwrap_or(i64::MAX)
    };
    if from.interval == to.interval {
        return Some(Proration {
            amount_cents: share(to.amount_cents - from.amount_cents).max(0),
            period,
        });
    }
    Some(Proration {
        amount_cents: (to.amount_cents - share(from.amount_cents)).max(0),
        period: (now, to.interval.period_end(now)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn plan(interval: BillingInterval, amount_cents: i64) -> PricedPlan {
        PricedPlan {
            interval,
            amount_cents,
        }
    }

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 4, day)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    const DIGITAL_MONTH: PricedPlan = PricedPlan {
        interval: BillingInterval::Month,
        amount_cents: 900,
    };
    const PRINT_MONTH: PricedPlan = PricedPlan {
        interval: BillingInterval::Month,
        amount_cents: 1_500,
    };

    #[test]
    fn a_longer_interval_or_a_dearer_tier_is_an_upgrade() {
        let digital_year = plan(BillingInterval::Year, 9_000);
        assert_eq!(
            classify(DIGITAL_MONTH, digital_year),
            Some(PlanChangeKind::Upgrade)
        );
        assert_eq!(
            classify(digital_year, DIGITAL_MONTH),
            Some(PlanChangeKind::Downgrade)
        );
        assert_eq!(
            classify(DIGITAL_MONTH, PRINT_MONTH),
            Some(PlanChangeKind::Upgrade)
        );
        assert_eq!(
            classify(PRINT_MONTH, DIGITAL_MONTH),
            Some(PlanChangeKind::Downgrade)
        );
        assert_eq!(classify(PRINT_MONTH, PRINT_MONTH), None);
        // A dearer tier on a shorter interval waits for the paid year.
        assert_eq!(
            classify(digital_year, PRINT_MONTH),
            Some(PlanChangeKind::Downgrade)
        );
    }

    #[test]
    fn the_same_interval_charges_the_difference_for_the_time_left() {
        // April has 30 days; 10 are left on the 21st.
        let prorated = prorate(
            DIGITAL_MONTH,
            PRINT_MONTH,
            (at(1), at(1) + chrono::Duration::days(30)),
            at(21),
        )
        .unwrap();
        assert_eq!(prorated.amount_cents, 200, "600 x 10/30");
        assert_eq!(prorated.period, (at(1), at(1) + chrono::Duration::days(30)));
    }

    #[test]
    fn a_new_interval_restarts_the_period_and_credits_the_unused_time() {
        let digital_year = plan(BillingInterval::Year, 9_000);
        let period = (at(1), at(1) + chrono::Duration::days(30));
        let prorated = prorate(DIGITAL_MONTH, digital_year, period, at(16)).unwrap();
        assert_eq!(
            prorated.amount_cents,
            9_000 - 450,
            "half the month is credited"
        );
        assert_eq!(
            prorated.period,
            (
                at(16),
                NaiveDate::from_ymd_opt(2027, 4, 16)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
            )
        );
    }

    #[test]
    fn a_change_after_the_period_charges_no_credit_and_never_a_negative() {
        let period = (at(1), at(1) + chrono::Duration::days(30));
        let late = prorate(
            DIGITAL_MONTH,
            PRINT_MONTH,
            period,
            at(1) + chrono::Duration::days(40),
        )
        .unwrap();
        assert_eq!(late.amount_cents, 0);
        let cheaper = prorate(PRINT_MONTH, DIGITAL_MONTH, period, at(2)).unwrap();
        assert_eq!(cheaper.amount_cents, 0);
    }
}
