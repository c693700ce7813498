//! An offer as its public link shows it (`GET /v1/offers/{code}`): its
//! terms and the prices it brings on each plan it covers, so a landing
//! page can say "3 months at 25% off". An offer not yet begun is not
//! shown (an announcement must not leak early); an ended, archived or
//! exhausted one is, marked unavailable, so the page can say so.

use super::offer_not_found;
use crate::db::offers::{self, Offer};
use crate::db::tiers::Tier;
use crate::db::{self, Database};
use crate::domain::{OfferCode, Unavailable};
use crate::error::ApiError;

/// The offer and the tiers it covers, as they are now.
#[derive(Debug, Clone)]
pub struct PublicOffer {
    /// The offer.
    pub offer: Offer,
    /// Whether a checkout may redeem it now.
    pub available: bool,
    /// `active`, `ended`, `archived` or `exhausted`.
    pub status: &'static str,
    /// The tiers of its plans, with their prices now.
    pub tiers: Vec<Tier>,
}

/// The offer `code` names; 404 `offer_not_found` for no such offer, one
/// not yet begun, or one this build cannot read.
pub async fn public_offer(db: &Database, code: OfferCode) -> Result<PublicOffer, ApiError> {
    db.run(move |conn| {
        let now = chrono::Utc::now().naive_utc();
        let offer = offers::find(conn, &code)?
            .filter(|offer| offer.row.benefit().is_some())
            .ok_or_else(offer_not_found)?;
        let window = offer.row.window();
        if window.check(now) == Err(Unavailable::NotStarted) {
            return Err(offer_not_found());
        }
        let mut tiers: Vec<Tier> = Vec::new();
        for (tier, _) in &offer.plans {
            if tiers.iter().all(|known| &known.id != tier)
                && let Some(found) = db::tiers::find(conn, tier)?
            {
                tiers.push(found);
            }
        }
        Ok(PublicOffer {
            available: window.check(now).is_ok(),
            status: window.status(now),
            offer,
            tiers,
        })
    })
    .await
}
