//! Listing offers: every offer with its redemption count for admins, and
//! the listed ones a reader can redeem now for `GET /v1/plans`.

use crate::db::Database;
use crate::db::offers::{self, Offer};
use crate::error::ApiError;

/// Every offer, newest first, archived ones included.
pub async fn list_offers(db: &Database) -> Result<Vec<Offer>, ApiError> {
    db.run(|conn| Ok(offers::all(conn)?)).await
}

/// The listed offers a reader can redeem now: begun, not ended, not
/// archived and with redemptions left.
pub async fn listed_offers(db: &Database) -> Result<Vec<Offer>, ApiError> {
    db.run(|conn| {
        let now = chrono::Utc::now().naive_utc();
        Ok(offers::listed_at(conn, now)?
            .into_iter()
            .filter(|offer| offer.row.window().check(now).is_ok() && offer.row.benefit().is_some())
            .collect())
    })
    .await
}
