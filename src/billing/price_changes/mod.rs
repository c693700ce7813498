//! Price changes for existing subscribers: an admin schedules a new price
//! for a tier and interval ([`schedule`]), lists ([`list`]) and withdraws
//! one not yet effective ([`withdraw`]); from its date new subscribers pay
//! it (the tier's price in effect, `db::tiers`), and the sweep
//! ([`sweep`]) tells each renewing subscriber once, at least the notice
//! days ahead, then moves their provider subscription to it without
//! proration shortly before the first renewal it applies to. A price's
//! free trial is set here too ([`trial`]).

mod list;
mod schedule;
pub(crate) mod sweep;
mod trial;
mod withdraw;

pub use list::{TierPrices, list_all_prices, list_prices};
pub use schedule::{PriceInput, schedule_price};
pub use trial::{TrialInput, set_trial_days};
pub use withdraw::withdraw_price;

use crate::error::ApiError;

/// 404 for a price change id the tier does not have.
pub fn price_change_not_found() -> ApiError {
    ApiError::not_found(
        "price_change_not_found",
        "this tier has no scheduled price with this id",
    )
}
