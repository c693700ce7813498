//! Where a checkout is: waiting for payment, paid, or abandoned.

use serde::Serialize;
use utoipa::ToSchema;

/// The life of a checkout. Only `open` moves, and only once: to
/// `completed` when the provider confirms payment, or to `expired` when it
/// never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutStatus {
    /// Started; the reader has not paid yet.
    Open,
    /// Paid: the subscription exists.
    Completed,
    /// Abandoned or timed out; it can no longer be paid.
    Expired,
}

impl CheckoutStatus {
    /// Every status, for parsing and tests.
    pub const ALL: [Self; 3] = [Self::Open, Self::Completed, Self::Expired];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Completed => "completed",
            Self::Expired => "expired",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for status in CheckoutStatus::ALL {
            assert_eq!(CheckoutStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
        assert_eq!(CheckoutStatus::parse("paid"), None);
    }
}
