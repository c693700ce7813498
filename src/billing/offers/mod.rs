//! Offers and trials: admins create, list and archive offers
//! ([`create`], [`list`], [`archive`]); anyone reads one by its code
//! ([`show`]); a checkout is quoted an offer's discount and the free
//! trial it is due ([`quote`]); and a completing checkout counts its
//! redemption and marks the reader's trial used ([`redeem`]); a trial
//! on a card that already had one is ended ([`one_trial_per_card`]).
//!
//! Below `checkout` and `activation`, which call it; it imports neither.

mod archive;
mod create;
mod list;
pub(super) mod one_trial_per_card;
pub(super) mod quote;
pub(super) mod redeem;
mod show;

pub use archive::archive_offer;
pub use create::{OfferInput, PlanInput, create_offer};
pub use list::{list_offers, listed_offers};
pub use quote::Quote;
pub use show::{PublicOffer, public_offer};

use crate::error::ApiError;

/// 404 for a code that names no offer (or one not yet begun, to a reader).
pub fn offer_not_found() -> ApiError {
    ApiError::not_found("offer_not_found", "there is no offer with this code")
}
