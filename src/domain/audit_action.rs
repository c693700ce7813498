//! The staff actions the audit log names. Stable snake_case names: they are
//! stored, filtered on and read by people, so a name never changes meaning.

use super::stored_text::stored_enum;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

stored_enum! {
    /// One kind of staff action.
    ///
    /// Written and filtered on as a column. The log itself is read back as
    /// the stored text (`AuditRow.action`), so an action a newer release
    /// wrote is shown as it was recorded; the fallback only applies if a
    /// query decodes the column as an action, and then names the narrowest
    /// kind of action.
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AuditAction (unknown = ReadersExported) {
        /// Ended every session of a reader.
        SessionsRevoked,
        /// Reset a staff member's second factor (which ends their sessions).
        SecondFactorReset,
        /// Disabled a reader's account (which ends its sessions).
        ReaderDisabled,
        /// Enabled a disabled account again.
        ReaderEnabled,
        /// Exported readers as CSV (personal data leaving the system).
        ReadersExported,
        /// Downloaded a print mailing list (names and addresses).
        MailingListExported,
        /// Refunded a subscription (every payment, access ended).
        SubscriptionRefunded,
        /// Denied a reader's refund request.
        RefundRequestDenied,
        /// Granted a complimentary subscription.
        CompGranted,
        /// Ended a complimentary subscription early.
        CompEnded,
        /// Set a subscription to end at its period end.
        SubscriptionCanceledAtPeriodEnd,
        /// Ended a subscription now, without a refund.
        SubscriptionCanceledNow,
        /// Moved a subscription's end date later.
        SubscriptionExtended,
        /// Created an issue.
        IssueCreated,
        /// Changed an issue.
        IssueUpdated,
        /// Published an issue.
        IssuePublished,
        /// Unpublished an issue.
        IssueUnpublished,
        /// Uploaded an issue's digital edition.
        EditionUploaded,
        /// Created an article.
        ArticleCreated,
        /// Changed an article.
        ArticleUpdated,
        /// Published an article.
        ArticlePublished,
        /// Unpublished an article.
        ArticleUnpublished,
        /// Uploaded an article's audio.
        AudioUploaded,
        /// Gave a dead background job a fresh set of attempts.
        JobRetried,
        /// Changed a perk's status on a tier (`coming_soon` to `live`: a
        /// launch, announced to its readers).
        PerkStatusChanged,
        /// Scheduled a new price for a tier and interval.
        PriceChangeScheduled,
        /// Withdrew a scheduled price before it took effect.
        PriceChangeWithdrawn,
        /// Created an offer.
        OfferCreated,
        /// Archived an offer (no checkout can redeem it any more).
        OfferArchived,
        /// Set the free trial of a tier's price.
        TrialDaysChanged,
        /// Refunded a gift to its buyer (ending it, redeemed or not).
        GiftRefunded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_round_trip() {
        let names: HashSet<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(*action));
            let json = serde_json::to_value(action).unwrap();
            assert_eq!(json, action.as_str());
        }
        assert_eq!(AuditAction::parse("drop_table"), None);
        // Stored names: renaming a variant must fail here.
        assert_eq!(
            AuditAction::SubscriptionCanceledAtPeriodEnd.as_str(),
            "subscription_canceled_at_period_end"
        );
        assert_eq!(AuditAction::AudioUploaded.as_str(), "audio_uploaded");
    }
}
