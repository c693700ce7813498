//! The life of a subscription as a state machine. Every change goes through
//! `transition`, so a webhook arriving late or twice cannot, say, revive a
//! refunded subscription.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// Where a subscription is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionState {
    /// Checkout started, not yet paid.
    Incomplete,
    /// In a free trial at the provider (a trial is not a payment): access
    /// until the trial (its period) ends, renewing into the first payment.
    Trialing,
    /// Paid and renewing.
    Active,
    /// A renewal payment failed; access continues inside the grace window.
    PastDue,
    /// Paid, set to end at the period end (the reader cancelled); resumable.
    Canceling,
    /// Over: the period or the grace window ended.
    Expired,
    /// Money returned; access ended at once.
    Refunded,
    /// Granted by staff without payment, until an end date.
    Comped,
    /// The provider's retries of a renewal ran out (Stripe `unpaid`): no
    /// access, but not over; paying the open invoice makes it active again.
    Unpaid,
    /// Suspended at the provider (Stripe `paused`: a trial ended without a
    /// payment method, or its pause endpoint): no access until resumed.
    Paused,
    /// A second paid subscription the provider reported for a reader who
    /// already had a renewing one (two checkouts completed in two tabs):
    /// recorded with its payment, cancelled and refunded at the provider,
    /// never granting anything.
    Duplicate,
    /// A redeemed gift: someone paid once for the tier for 1 to 12 months;
    /// access from the period's start to its end, never billed (like
    /// `comped`, with an end date).
    Gift,
}

/// Who or what may cause a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The reader, through Masthead (cancel, resume, a paid checkout).
    Reader,
    /// A staff member (refund, comp, cancel, extend).
    Staff,
    /// The payment provider's report of its own state (a Stripe event).
    Provider,
    /// The provider undoing what it reported before: a dispute won, a
    /// refund that failed. The only way out of `refunded`.
    Reversal,
    /// Time: a period, grace window or comp ran out, a checkout expired.
    Clock,
}

/// One allowed move: from, to, and who may cause it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The state the subscription is in.
    pub from: SubscriptionState,
    /// The state it moves to.
    pub to: SubscriptionState,
    /// Who or what may cause the move.
    pub by: &'static [Cause],
}

/// What the gate grants in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The tier's perks until the paid period ends.
    UntilPeriodEnd,
    /// The tier's perks until the grace window after a failed payment ends.
    UntilGraceEnds,
    /// The tier's perks until the comp's end date.
    UntilCompEnds,
    /// The tier's perks from the gift's start to its end date.
    UntilGiftEnds,
    /// Nothing. So does a state this build does not know (a newer
    /// release's, during a rolling deploy): it is never parsed.
    Nothing,
}

const R: Cause = Cause::Reader;
const S: Cause = Cause::Staff;
const P: Cause = Cause::Provider;
const V: Cause = Cause::Reversal;
const T: Cause = Cause::Clock;

/// The whole state machine, one row per allowed move. Later states
/// (trials, gifts, pauses) extend it by adding rows; everything that moves
/// a subscription asks this table ([`SubscriptionState::can_become`],
/// [`SubscriptionState::can_become_by`]).
pub const TRANSITIONS: &[Transition] = {
    use SubscriptionState::{
        Active, Canceling, Comped, Duplicate, Expired, Gift, Incomplete, PastDue, Paused, Refunded,
        Trialing, Unpaid,
    };
    const fn row(
        from: SubscriptionState,
        to: SubscriptionState,
        by: &'static [Cause],
    ) -> Transition {
        Transition { from, to, by }
    }
    &[
        row(Incomplete, Active, &[R, P]),
        row(Incomplete, Expired, &[P, T]),
        row(Incomplete, Trialing, &[P]),
        row(Incomplete, Duplicate, &[P]),
        row(Trialing, Active, &[P]),
        row(Trialing, PastDue, &[P]),
        row(Trialing, Canceling, &[R, S, P]),
        row(Trialing, Paused, &[P]),
        row(Trialing, Expired, &[S, P, T]),
        row(Active, Trialing, &[P]),
        row(Active, PastDue, &[P]),
        row(Active, Paused, &[P]),
        row(Active, Canceling, &[R, S, P]),
        row(Active, Expired, &[S, P, T]),
        row(Active, Refunded, &[S, P]),
        row(PastDue, Active, &[P]),
        row(PastDue, Canceling, &[R, S, P]),
        row(PastDue, Expired, &[S, P, T]),
        row(PastDue, Refunded, &[S, P]),
        row(PastDue, Unpaid, &[P]),
        row(PastDue, Paused, &[P]),
        row(Unpaid, Active, &[P]),
        row(Unpaid, Expired, &[S, P, T]),
        row(Unpaid, Refunded, &[S, P]),
        row(Paused, Active, &[P]),
        row(Paused, Expired, &[S, P, T]),
        row(Paused, Refunded, &[S, P]),
        row(Canceling, Active, &[R, S, P]),
        row(Canceling, Expired, &[S, P, T]),
        row(Canceling, Refunded, &[S, P]),
        row(Canceling, Trialing, &[P]),
        row(Comped, Expired, &[S, T]),
        row(Gift, Expired, &[S, T]),
        row(Gift, Refunded, &[S, P]),
        row(Refunded, Active, &[V]),
        row(Refunded, PastDue, &[V]),
        row(Refunded, Canceling, &[V]),
    ]
};

/// A state change the machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a subscription cannot go from {from} to {to}")]
pub struct TransitionRefused {
    /// The state the subscription is in.
    pub from: SubscriptionState,
    /// The state that was asked for.
    pub to: SubscriptionState,
}

impl SubscriptionState {
    /// Every state, for listings and exhaustive tests.
    pub const ALL: [Self; 12] = [
        Self::Incomplete,
        Self::Trialing,
        Self::Active,
        Self::PastDue,
        Self::Canceling,
        Self::Expired,
        Self::Refunded,
        Self::Comped,
        Self::Unpaid,
        Self::Paused,
        Self::Duplicate,
        Self::Gift,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Incomplete => "incomplete",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceling => "canceling",
            Self::Expired => "expired",
            Self::Refunded => "refunded",
            Self::Comped => "comped",
            Self::Trialing => "trialing",
            Self::Unpaid => "unpaid",
            Self::Paused => "paused",
            Self::Duplicate => "duplicate",
            Self::Gift => "gift",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == raw)
    }

    /// Whether the machine allows going from `self` to `to` by an ordinary
    /// cause (anything but a [`Cause::Reversal`]). Staying in the same
    /// state is not a transition.
    pub fn can_become(self, to: Self) -> bool {
        TRANSITIONS.iter().any(|row| {
            row.from == self && row.to == to && row.by.iter().any(|c| *c != Cause::Reversal)
        })
    }

    /// Whether `cause` may move a subscription from `self` to `to`.
    pub fn can_become_by(self, to: Self, cause: Cause) -> bool {
        TRANSITIONS
            .iter()
            .any(|row| row.from == self && row.to == to && row.by.contains(&cause))
    }

    /// What the gate grants in this state (the dates it reads are on the
    /// subscription).
    pub fn access(self) -> Access {
        match self {
            Self::Active | Self::Canceling | Self::Trialing => Access::UntilPeriodEnd,
            Self::PastDue => Access::UntilGraceEnds,
            Self::Comped => Access::UntilCompEnds,
            Self::Gift => Access::UntilGiftEnds,
            Self::Incomplete
            | Self::Expired
            | Self::Refunded
            | Self::Unpaid
            | Self::Paused
            | Self::Duplicate => Access::Nothing,
        }
    }

    /// Moves to `to`, or says why not.
    pub fn transition(self, to: Self) -> Result<Self, TransitionRefused> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(TransitionRefused { from: self, to })
        }
    }

    /// Whether a paid subscription in this state renews at the provider
    /// and grants access, so the reader may not start another checkout
    /// (comps and gifts do not count: a paid subscription takes over from
    /// them).
    pub fn is_renewing(self) -> bool {
        matches!(
            self,
            Self::Active | Self::Canceling | Self::PastDue | Self::Trialing
        )
    }

    /// Whether nothing can follow: the subscription is over for good.
    pub fn is_terminal(self) -> bool {
        Self::ALL.into_iter().all(|to| !self.can_become(to))
    }
}

impl fmt::Display for SubscriptionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::SubscriptionState::{
        Active, Canceling, Comped, Duplicate, Expired, Gift, Incomplete, PastDue, Paused, Refunded,
        Trialing, Unpaid,
    };
    use super::*;

    /// The only transitions the product allows.
    const ALLOWED: [(SubscriptionState, SubscriptionState); 34] = [
        (Incomplete, Active),
        (Incomplete, Expired),
        (Incomplete, Trialing),
        (Incomplete, Duplicate),
        (Trialing, Active),
        (Trialing, PastDue),
        (Trialing, Canceling),
        (Trialing, Paused),
        (Trialing, Expired),
        (Active, Trialing),
        (Active, Paused),
        (Active, PastDue),
        (Active, Canceling),
        (Active, Expired),
        (Active, Refunded),
        (PastDue, Active),
        (PastDue, Canceling),
        (PastDue, Expired),
        (PastDue, Refunded),
        (PastDue, Unpaid),
        (PastDue, Paused),
        (Unpaid, Active),
        (Unpaid, Expired),
        (Unpaid, Refunded),
        (Paused, Active),
        (Paused, Expired),
        (Paused, Refunded),
        (Canceling, Active),
        (Canceling, Expired),
        (Canceling, Refunded),
        (Canceling, Trialing),
        (Comped, Expired),
        (Gift, Expired),
        (Gift, Refunded),
    ];

    #[test]
    fn exactly_the_allowed_pairs_succeed_among_all_144() {
        let mut checked = 0;
        let mut succeeded = 0;
        for from in SubscriptionState::ALL {
            for to in SubscriptionState::ALL {
                let allowed = ALLOWED.contains(&(from, to));
                assert_eq!(from.can_become(to), allowed, "{from} -> {to}");
                match from.transition(to) {
                    Ok(next) => {
                        assert!(allowed, "{from} -> {to} should be refused");
                        assert_eq!(next, to);
                        succeeded += 1;
                    }
                    Err(refused) => {
                        assert!(!allowed, "{from} -> {to} should succeed");
                        assert_eq!(refused, TransitionRefused { from, to });
                    }
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 144);
        assert_eq!(succeeded, ALLOWED.len());
    }

    /// The reversals: only a provider's reversal leaves `refunded`, and
    /// only back to a state that was paid for.
    const REVERSALS: [(SubscriptionState, SubscriptionState); 3] = [
        (Refunded, Active),
        (Refunded, PastDue),
        (Refunded, Canceling),
    ];

    #[test]
    fn only_a_reversal_leaves_refunded() {
        for from in SubscriptionState::ALL {
            for to in SubscriptionState::ALL {
                let reversal = REVERSALS.contains(&(from, to));
                assert_eq!(
                    from.can_become_by(to, Cause::Reversal),
                    reversal,
                    "{from} -> {to}"
                );
                for cause in [Cause::Reader, Cause::Staff, Cause::Provider, Cause::Clock] {
                    assert!(
                        !from.can_become_by(to, cause) || ALLOWED.contains(&(from, to)),
                        "{cause:?}: {from} -> {to}"
                    );
                }
            }
        }
        assert!(!Expired.can_become_by(Active, Cause::Reversal));
    }

    #[test]
    fn every_row_is_unique_and_names_a_cause() {
        for (i, row) in TRANSITIONS.iter().enumerate() {
            assert!(!row.by.is_empty(), "{} -> {}", row.from, row.to);
            assert_ne!(row.from, row.to);
            assert!(
                TRANSITIONS[i + 1..]
                    .iter()
                    .all(|other| (other.from, other.to) != (row.from, row.to)),
                "{} -> {} listed twice",
                row.from,
                row.to
            );
        }
    }

    #[test]
    fn readers_cause_only_cancel_resume_and_checkout() {
        let by_reader: Vec<_> = TRANSITIONS
            .iter()
            .filter(|row| row.by.contains(&Cause::Reader))
            .map(|row| (row.from, row.to))
            .collect();
        assert_eq!(
            by_reader,
            vec![
                (Incomplete, Active),
                (Trialing, Canceling),
                (Active, Canceling),
                (PastDue, Canceling),
                (Canceling, Active)
            ]
        );
    }

    #[test]
    fn states_that_grant_nothing() {
        for state in SubscriptionState::ALL {
            assert_eq!(
                state.access() == Access::Nothing,
                matches!(
                    state,
                    Incomplete | Expired | Refunded | Unpaid | Paused | Duplicate
                ),
                "{state}"
            );
        }
        assert_eq!(Trialing.access(), Access::UntilPeriodEnd);
        assert_eq!(Gift.access(), Access::UntilGiftEnds);
        assert_eq!(SubscriptionState::parse("gifted_by_a_newer_release"), None);
    }

    #[test]
    fn unpaid_and_paused_recover_only_through_the_provider() {
        for from in [Unpaid, Paused] {
            assert!(from.can_become_by(Active, Cause::Provider), "{from}");
            for cause in [Cause::Reader, Cause::Staff, Cause::Clock] {
                assert!(!from.can_become_by(Active, cause), "{cause:?}: {from}");
            }
        }
        assert!(Trialing.can_become_by(Active, Cause::Provider));
        assert!(!Trialing.can_become_by(Active, Cause::Reader));
    }

    #[test]
    fn renewing_states_block_a_second_checkout() {
        for state in SubscriptionState::ALL {
            assert_eq!(
                state.is_renewing(),
                matches!(state, Active | Canceling | PastDue | Trialing),
                "{state}"
            );
        }
    }

    /// A gift ends by time or by staff, or is refunded (to its buyer, by
    /// staff or the buyer's link through the provider); nobody can make a
    /// gift, or anything else, out of it: a gift subscription is only ever
    /// created by redeeming, never reached by a transition.
    #[test]
    fn a_gift_ends_by_clock_or_staff_and_is_refunded_by_staff_or_provider() {
        assert!(Gift.can_become_by(Expired, Cause::Clock));
        assert!(Gift.can_become_by(Expired, Cause::Staff));
        assert!(!Gift.can_become_by(Expired, Cause::Reader));
        assert!(Gift.can_become_by(Refunded, Cause::Staff));
        assert!(Gift.can_become_by(Refunded, Cause::Provider));
        assert!(!Gift.can_become_by(Refunded, Cause::Clock));
        assert!(!Gift.can_become_by(Active, Cause::Provider));
        for from in SubscriptionState::ALL {
            assert!(!from.can_become(Gift), "{from} -> gift");
        }
        assert!(!Refunded.can_become_by(Gift, Cause::Reversal));
    }

    #[test]
    fn staying_put_is_refused() {
        for state in SubscriptionState::ALL {
            assert!(state.transition(state).is_err(), "{state} -> {state}");
        }
    }

    #[test]
    fn only_expired_refunded_and_duplicate_are_terminal() {
        for state in SubscriptionState::ALL {
            assert_eq!(
                state.is_terminal(),
                matches!(state, Expired | Refunded | Duplicate),
                "{state}"
            );
        }
    }

    #[test]
    fn refusal_names_both_states() {
        let refused = Refunded.transition(Active).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a subscription cannot go from refunded to active"
        );
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for state in SubscriptionState::ALL {
            assert_eq!(SubscriptionState::parse(state.as_str()), Some(state));
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::from(state.as_str())
            );
        }
        assert_eq!(SubscriptionState::parse("cancelled"), None);
    }
}
