//! The tiers' perks under `/v1/admin/tiers` (`admin`): launching an
//! announced perk.

pub mod perk_status;
