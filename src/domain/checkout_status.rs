//! Where a checkout is: waiting for payment, paid, or abandoned.

use super::stored_text::stored_enum;
use serde::Serialize;
use utoipa::ToSchema;

stored_enum! {
    /// The life of a checkout. Only `open` moves, and only once: to
    /// `completed` when the provider confirms payment, or to `expired` when
    /// it never does. An unknown stored status reads as `expired`: it can
    /// no longer be paid.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum CheckoutStatus (unknown = Expired) {
        /// Started; the reader has not paid yet.
        Open,
        /// Paid: the subscription exists.
        Completed,
        /// Abandoned or timed out; it can no longer be paid.
        Expired,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for status in CheckoutStatus::ALL {
            assert_eq!(CheckoutStatus::parse(status.as_str()), Some(*status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
        assert_eq!(CheckoutStatus::parse("paid"), None);
    }
}
