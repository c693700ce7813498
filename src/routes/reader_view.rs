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
