//! The views of readers that several support endpoints answer with.

use super::access_ends;
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::Role;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A reader's current subscription, in brief.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionSummary {
    /// The subscription id.
    pub id: String,
    /// Its state as stored, e.g. `active`.
    #[schema(example = "active")]
    pub state: String,
    /// Its tier, e.g. `print`.
    #[schema(example = "print")]
    pub tier: String,
    /// When its access ends (or ended), when known.
    pub ends: Option<DateTime<Utc>>,
}

impl From<&SubscriptionRow> for SubscriptionSummary {
    fn from(row: &SubscriptionRow) -> Self {
        Self {
            id: row.id.clone(),
            state: row.state.clone(),
            tier: row.tier_id.clone(),
            ends: access_ends(row).map(|at| at.and_utc()),
        }
    }
}

/// A reader in a search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReaderSummary {
    /// The reader id.
    pub id: String,
    /// The normalised email.
    pub email: String,
    /// The display name.
    pub name: String,
    /// `reader`, or a staff role.
    pub role: Role,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// The newest subscription granting access now, else the newest one;
    /// `null` for a reader who never subscribed.
    pub subscription: Option<SubscriptionSummary>,
}

impl ReaderSummary {
    /// A reader with its current subscription.
    pub fn new(row: ReaderRow, subscription: Option<&SubscriptionRow>) -> Self {
        Self {
            role: row.role(),
            created_at: row.created_at.and_utc(),
            disabled: row.disabled_at.is_some(),
            subscription: subscription.map(SubscriptionSummary::from),
            id: row.id,
            email: row.email,
            name: row.name,
        }
    }
}

/// An account after a disable or enable.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountStatus {
    /// The reader id.
    pub id: String,
    /// Whether the account is disabled now.
    pub disabled: bool,
    /// Since when, while it is.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Whether this request changed anything (`false`: it already was so,
    /// and no audit entry was written).
    pub changed: bool,
    /// Sessions this request ended.
    pub sessions_revoked: usize,
}

impl AccountStatus {
    /// The status of `id` given its `disabled_at`.
    pub fn new(
        id: String,
        disabled_at: Option<NaiveDateTime>,
        changed: bool,
        sessions_revoked: usize,
    ) -> Self {
        Self {
            id,
            disabled: disabled_at.is_some(),
            disabled_at: disabled_at.map(|at| at.and_utc()),
            changed,
            sessions_revoked,
        }
    }
}

impl From<crate::accounts::directory::AccountChange> for AccountStatus {
    fn from(change: crate::accounts::directory::AccountChange) -> Self {
        Self::new(
            change.id,
            change.disabled_at,
            change.changed,
            change.sessions_revoked,
        )
    }
}
