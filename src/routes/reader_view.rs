//! How a reader is shown to themselves (and later to staff).

use crate::db::readers::ReaderRow;
use crate::domain::{Role, ShippingAddress};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A reader's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReaderView {
    /// The reader id.
    pub id: String,
    /// The normalised email.
    pub email: String,
    /// Whether the email was verified.
    pub email_verified: bool,
    /// The display name.
    pub name: String,
    /// `reader`, or a staff role.
    pub role: Role,
    /// Where the print edition goes, if set.
    pub shipping_address: Option<ShippingAddress>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<ReaderRow> for ReaderView {
    fn from(row: ReaderRow) -> Self {
        Self {
            role: row.role(),
            shipping_address: row.shipping_address(),
            email_verified: row.email_verified_at.is_some(),
            created_at: row.created_at.and_utc(),
            id: row.id,
            email: row.email,
            name: row.name,
        }
    }
}

/// Which optional emails the reader takes. Transactional mail (receipts,
/// failed payments, renewal reminders, refunds, security notices) is
/// always sent and has no switch here.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailPreferences {
    /// Perk launches and other product news. On by default (soft opt-in,
    /// see `docs/decisions.md`); every such email carries a one-click
    /// unsubscribe that turns it off.
    pub product_updates: bool,
}

/// The reader's own settings, shown by `GET /v1/me` (and changed by
/// `PATCH /v1/me`) beside the profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreferencesView {
    /// Which optional emails they take.
    pub email_preferences: EmailPreferences,
    /// The IANA time zone their emails' dates are written in
    /// (`Europe/Paris`); `null`: UTC.
    #[schema(example = "Europe/Paris")]
    pub time_zone: Option<String>,
}

impl From<&ReaderRow> for PreferencesView {
    fn from(row: &ReaderRow) -> Self {
        Self {
            email_preferences: EmailPreferences {
                product_updates: row.product_updates(),
            },
            time_zone: row.time_zone.clone(),
        }
    }
}
