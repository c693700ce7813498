//! Where the claim that makes a subscription's refund happen once stands
//! (`refund_actions.status`).

use super::stored_text::stored_enum;

stored_enum! {
    /// A refund claim: `in_progress` while its holder talks to the payment
    /// provider, then `succeeded` or `failed`. An unknown stored status
    /// reads as `in_progress`, which refuses a second claim: a newer
    /// release's claim is never run over, so nothing is refunded twice.
    pub enum RefundClaimStatus (unknown = InProgress) {
        /// Held: its holder is refunding now (or died doing so; stale after
        /// a while, and then claimable again).
        InProgress,
        /// The refund happened; callers replay its result.
        Succeeded,
        /// The provider refused or could not be reached; claimable again.
        Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for status in RefundClaimStatus::ALL {
            assert_eq!(RefundClaimStatus::parse(status.as_str()), Some(*status));
        }
        let names: Vec<&str> = RefundClaimStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["in_progress", "succeeded", "failed"]);
    }
}
