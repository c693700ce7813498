//! Where a payment stands for its reader: paid, partly or wholly refunded.

use serde::Serialize;
use utoipa::ToSchema;

/// A payment's status in the reader's history, from how much of it was
/// refunded; a refund's own entries are always `refunded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Money received, nothing given back.
    Paid,
    /// Some of it was given back.
    PartiallyRefunded,
    /// All of it was given back (or this entry is the refund itself).
    Refunded,
}

impl PaymentStatus {
    /// The status of a payment of `amount` of which `refunded` went back.
    pub fn of(amount_cents: i64, refunded_cents: i64) -> Self {
        if refunded_cents <= 0 {
            Self::Paid
        } else if refunded_cents < amount_cents {
            Self::PartiallyRefunded
        } else {
            Self::Refunded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_refunded_share() {
        assert_eq!(PaymentStatus::of(900, 0), PaymentStatus::Paid);
        assert_eq!(
            PaymentStatus::of(900, 300),
            PaymentStatus::PartiallyRefunded
        );
        assert_eq!(PaymentStatus::of(900, 900), PaymentStatus::Refunded);
        assert_eq!(PaymentStatus::of(0, 0), PaymentStatus::Paid);
    }
}
