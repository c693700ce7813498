//! The tiers under `/v1/admin/tiers` (`admin`): launching an announced
//! perk, and scheduling price changes.

pub mod list_prices;
pub mod perk_status;
pub mod prices;
pub mod schedule_price;
pub mod withdraw_price;
