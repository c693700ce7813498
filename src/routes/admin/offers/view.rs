//! An offer as admins see it: its terms, limits, dates, status and how
//! often it was redeemed.

use crate::db::offers::Offer;
use crate::domain::rfc3339_seconds_naive;
use crate::routes::offers::view::OfferTermsView;
use serde::Serialize;
use utoipa::ToSchema;

/// One offer for admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOfferView {
    /// What it gives, on which plans, until when.
    #[serde(flatten)]
    pub terms: OfferTermsView,
    /// `active`, `scheduled` (not yet begun), `ended`, `archived` or
    /// `exhausted`.
    #[schema(example = "active")]
    pub status: &'static str,
    /// Whether `GET /v1/plans` lists it (else it is redeemed by code or
    /// link only).
    pub listed: bool,
    /// How many completed checkouts redeemed it.
    pub redemptions: i32,
    /// How many may; `null`: no limit.
    pub max_redemptions: Option<i32>,
    /// From when it may be redeemed (RFC 3339).
    pub starts_at: String,
    /// When an admin archived it, or `null`.
    pub archived_at: Option<String>,
    /// Its public link (`GET /v1/offers/{code}`).
    pub url: String,
    /// When it was created.
    pub created_at: String,
}

impl AdminOfferView {
    /// The view of `offer`, its link under `public_url`.
    pub fn of(offer: &Offer, public_url: &str) -> Self {
        let row = &offer.row;
        let now = chrono::Utc::now().naive_utc();
        Self {
            terms: OfferTermsView::of(offer),
            status: row.window().status(now),
            listed: row.listed != 0,
            redemptions: row.redemptions,
            max_redemptions: row.max_redemptions,
            starts_at: rfc3339_seconds_naive(row.starts_at),
            archived_at: row.archived_at.map(rfc3339_seconds_naive),
            url: format!(
                "{}/v1/offers/{}",
                public_url.trim_end_matches('/'),
                row.code
            ),
            created_at: rfc3339_seconds_naive(row.created_at),
        }
    }
}

/// Every offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOfferList {
    /// Newest first, archived ones included.
    pub offers: Vec<AdminOfferView>,
}
