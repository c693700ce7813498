//! What a durable job does and where it stands: one source of truth for
//! the strings stored in `jobs.kind` and `jobs.state`. They live in the
//! domain (the queue's code is in `crate::jobs`) so `db/` can carry them in
//! rows without importing the layer that runs jobs through `db/`.

use super::stored_text::stored_enum;

stored_enum! {
    /// What a job does; each kind has one handler (`crate::jobs`). Rows
    /// keep the kind as text and the runner parses it: a kind this build
    /// does not know (queued by a newer release) waits for a build that
    /// does, rather than being run as something else.
    pub enum JobKind (unknown = SendEmail) {
        /// Sends one email (payload: the rendered `crate::mail::Email`).
        SendEmail,
        /// Moves lapsed open checkouts to `expired`.
        ExpireCheckouts,
        /// Deletes spent and expired account tokens.
        PruneAccountTokens,
        /// Deletes long-revoked and long-expired sessions.
        PruneSessions,
        /// Deletes jobs done a week ago.
        PruneJobs,
        /// Deletes metered-paywall meters untouched for a year.
        PruneMeters,
        /// Runs the due Stripe follow-ups (calls a webhook made necessary,
        /// `billing::follow_ups`); queued with each follow-up and each
        /// retry, and swept periodically for what a crash left mid-attempt.
        #[strum(serialize = "run_provider_follow_ups")]
        RunFollowUps,
        /// Reads a published article aloud with the configured narrator
        /// and stores the audio as `narrated` (`catalogue::narration`);
        /// queued by the transaction that publishes it.
        NarrateArticle,
        /// Queues the renewal reminder of each annual subscription due one
        /// (`MASTHEAD_RENEWAL_REMINDER_DAYS` before it renews).
        RenewalReminders,
        /// Queues the notice of each trial ending soon.
        TrialReminders,
        /// Queues the notice of each comp ending soon.
        CompReminders,
        /// Asks print subscribers without an address for one before the
        /// next issue's cut-off.
        PrintAddressReminders,
        /// Moves `past_due` subscriptions whose grace window ended to
        /// `expired` (those no outside provider bills).
        ExpireGrace,
        /// Moves comps whose end passed to `expired`.
        EndComps,
        /// Finishes refunds whose claim went stale with its process.
        TakeOverRefunds,
        /// Mails a perk's launch to every reader a tier grants it to with
        /// `product_updates` on, one `send_email` each (payload:
        /// `{tier, perk}`); queued once per tier and perk by the
        /// transaction that turns the perk `live`.
        AnnouncePerk,
        /// Tells renewing subscribers of a scheduled price once, and moves
        /// their provider subscriptions to it shortly before the first
        /// renewal it applies to.
        PriceChanges,
        /// Takes the first payment of each development-provider trial that
        /// ended (Stripe charges its own): `trialing` becomes `active`.
        EndDevTrials,
        /// Mails one paid gift's redemption link to its recipient
        /// (payload: `{gift}`); queued by the payment's transaction with
        /// `run_at` = the delivery date the buyer chose. A gift refunded
        /// before its date is not delivered.
        DeliverGift,
        /// Moves `gift` subscriptions whose end passed to `expired`.
        EndGifts,
        /// Offers each reader whose gift ends soon to continue as a
        /// subscriber, the remaining days kept.
        GiftReminders,
    }
}

stored_enum! {
    /// Where a job stands. An unknown stored state reads as `dead`: this
    /// build neither claims nor settles it, and staff can see it.
    pub enum JobState (unknown = Dead) {
        /// Waiting for its `run_at`, or for a worker.
        Pending,
        /// Claimed by a worker until its lease ends.
        Running,
        /// Its effect happened.
        Done,
        /// Given up after its last attempt; staff may retry it.
        Dead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(*kind));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(*state));
        }
        assert_eq!(JobKind::parse("nope"), None);
        // Stored names: renaming a variant must fail here.
        assert_eq!(JobKind::RunFollowUps.as_str(), "run_provider_follow_ups");
        assert_eq!(JobKind::PruneAccountTokens.as_str(), "prune_account_tokens");
        assert_eq!(JobKind::NarrateArticle.as_str(), "narrate_article");
        assert_eq!(JobKind::RenewalReminders.as_str(), "renewal_reminders");
        assert_eq!(JobKind::TakeOverRefunds.as_str(), "take_over_refunds");
        assert_eq!(JobKind::AnnouncePerk.as_str(), "announce_perk");
        assert_eq!(JobKind::DeliverGift.as_str(), "deliver_gift");
        assert_eq!(JobKind::GiftReminders.as_str(), "gift_reminders");
        let states: Vec<&str> = JobState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(states, ["pending", "running", "done", "dead"]);
    }
}
