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
}

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
    pub const ALL: [Self; 7] = [
        Self::Incomplete,
        Self::Active,
        Self::PastDue,
        Self::Canceling,
        Self::Expired,
        Self::Refunded,
        Self::Comped,
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
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == raw)
    }

    /// Whether the machine allows going from `self` to `to`. Staying in the
    /// same state is not a transition.
    pub fn can_become(self, to: Self) -> bool {
        use SubscriptionState::{
            Active, Canceling, Comped, Expired, Incomplete, PastDue, Refunded,
        };
        matches!(
            (self, to),
            (Incomplete, Active | Expired)
                | (Active, PastDue | Canceling | Expired | Refunded)
                | (PastDue, Active | Canceling | Expired | Refunded)
                | (Canceling, Active | Expired | Refunded)
                | (Comped, Expired)
        )
    }

    /// Moves to `to`, or says why not.
    pub fn transition(self, to: Self) -> Result<Self, TransitionRefused> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(TransitionRefused { from: self, to })
        }
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
        Active, Canceling, Comped, Expired, Incomplete, PastDue, Refunded,
    };
    use super::*;

    /// The only transitions the product allows.
    const ALLOWED: [(SubscriptionState, SubscriptionState); 14] = [
        (Incomplete, Active),
        (Incomplete, Expired),
        (Active, PastDue),
        (Active, Canceling),
        (Active, Expired),
        (Active, Refunded),
        (PastDue, Active),
        (PastDue, Canceling),
        (PastDue, Expired),
        (PastDue, Refunded),
        (Canceling, Active),
        (Canceling, Expired),
        (Canceling, Refunded),
        (Comped, Expired),
    ];

    #[test]
    fn exactly_the_allowed_pairs_succeed_among_all_49() {
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
        assert_eq!(checked, 49);
        assert_eq!(succeeded, ALLOWED.len());
    }

    #[test]
    fn staying_put_is_refused() {
        for state in SubscriptionState::ALL {
            assert!(state.transition(state).is_err(), "{state} -> {state}");
        }
    }

    #[test]
    fn only_expired_and_refunded_are_terminal() {
        for state in SubscriptionState::ALL {
            assert_eq!(
                state.is_terminal(),
                matches!(state, Expired | Refunded),
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
