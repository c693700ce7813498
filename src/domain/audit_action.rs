//! The staff actions the audit log names. Stable snake_case names: they are
//! stored, filtered on and read by people, so a name never changes meaning.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One kind of staff action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Ended every session of a reader.
    SessionsRevoked,
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
}

impl AuditAction {
    /// Every action, for parsing and listings.
    pub const ALL: [Self; 22] = [
        Self::SessionsRevoked,
        Self::ReaderDisabled,
        Self::ReaderEnabled,
        Self::ReadersExported,
        Self::MailingListExported,
        Self::SubscriptionRefunded,
        Self::RefundRequestDenied,
        Self::CompGranted,
        Self::CompEnded,
        Self::SubscriptionCanceledAtPeriodEnd,
        Self::SubscriptionCanceledNow,
        Self::SubscriptionExtended,
        Self::IssueCreated,
        Self::IssueUpdated,
        Self::IssuePublished,
        Self::IssueUnpublished,
        Self::EditionUploaded,
        Self::ArticleCreated,
        Self::ArticleUpdated,
        Self::ArticlePublished,
        Self::ArticleUnpublished,
        Self::AudioUploaded,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SessionsRevoked => "sessions_revoked",
            Self::ReaderDisabled => "reader_disabled",
            Self::ReaderEnabled => "reader_enabled",
            Self::ReadersExported => "readers_exported",
            Self::MailingListExported => "mailing_list_exported",
            Self::SubscriptionRefunded => "subscription_refunded",
            Self::RefundRequestDenied => "refund_request_denied",
            Self::CompGranted => "comp_granted",
            Self::CompEnded => "comp_ended",
            Self::SubscriptionCanceledAtPeriodEnd => "subscription_canceled_at_period_end",
            Self::SubscriptionCanceledNow => "subscription_canceled_now",
            Self::SubscriptionExtended => "subscription_extended",
            Self::IssueCreated => "issue_created",
            Self::IssueUpdated => "issue_updated",
            Self::IssuePublished => "issue_published",
            Self::IssueUnpublished => "issue_unpublished",
            Self::EditionUploaded => "edition_uploaded",
            Self::ArticleCreated => "article_created",
            Self::ArticleUpdated => "article_updated",
            Self::ArticlePublished => "article_published",
            Self::ArticleUnpublished => "article_unpublished",
            Self::AudioUploaded => "audio_uploaded",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
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
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            let json = serde_json::to_value(action).unwrap();
            assert_eq!(json, action.as_str());
        }
        assert_eq!(AuditAction::parse("drop_table"), None);
    }
}
