//! A call to the payment provider that a webhook made necessary: what it
//! does (`provider_follow_ups.kind`) and where it stands (`.status`).

use super::stored_text::stored_enum;

stored_enum! {
    /// What a follow-up does at the provider. Rows keep the kind as text
    /// and the runner parses it, so a kind this build does not know is
    /// left for the build that does; should it be decoded as a column, it
    /// reads as the one read-only call.
    pub enum FollowUpKind (unknown = LearnInvoicePayment) {
        /// Retrieve the invoice (`target`) with `expand[]=payments` and
        /// record its payment intent and charge on the payment recorded for
        /// it.
        LearnInvoicePayment,
        /// Cancel the Stripe subscription (`target`) now.
        CancelSubscription,
        /// Set `pause_collection[behavior]=void` on the Stripe subscription.
        PauseCollection,
        /// Clear `pause_collection` on the Stripe subscription.
        ResumeCollection,
        /// Refund what is left of our payment `target` (a duplicate
        /// subscription's) at Stripe, and record the refund.
        RefundPayment,
        /// End the trial of Stripe subscription `target` now
        /// (`trial_end=now`): a second free trial on one card.
        EndTrial,
    }
}

stored_enum! {
    /// A follow-up: `pending` (queued or retrying), then `done`, or
    /// `failed` after its last attempt, for staff. An unknown stored status
    /// reads as `done`: this build never calls the provider for a
    /// follow-up a newer one settled.
    pub enum FollowUpStatus (unknown = Done) {
        /// Queued, or waiting for its next attempt.
        Pending,
        /// The provider call happened.
        Done,
        /// Given up on after the last attempt; staff must look.
        Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in FollowUpKind::ALL {
            assert_eq!(FollowUpKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(FollowUpKind::parse("refund_everything"), None);
        assert_eq!(
            FollowUpKind::LearnInvoicePayment.as_str(),
            "learn_invoice_payment"
        );
    }

    #[test]
    fn stored_names_round_trip() {
        for status in FollowUpStatus::ALL {
            assert_eq!(FollowUpStatus::parse(status.as_str()), Some(*status));
        }
        let names: Vec<&str> = FollowUpStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["pending", "done", "failed"]);
    }
}
