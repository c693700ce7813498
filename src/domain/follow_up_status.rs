//! Where a call to the payment provider that a webhook made necessary
//! stands (`provider_follow_ups.status`).

use super::stored_text::stored_enum;

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
    fn stored_names_round_trip() {
        for status in FollowUpStatus::ALL {
            assert_eq!(FollowUpStatus::parse(status.as_str()), Some(*status));
        }
        let names: Vec<&str> = FollowUpStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["pending", "done", "failed"]);
    }
}
