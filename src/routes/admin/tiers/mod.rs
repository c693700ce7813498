//! The tiers under `/v1/admin/tiers` (`admin`): launching an announced
//! perk, scheduling price changes, and setting a price's free trial.

pub mod list_prices;
pub mod perk_status;
pub mod prices;
pub mod schedule_price;
pub mod trial;
pub mod withdraw_price;
