//! What the magazine sells: tiers, their perks and their prices.

pub mod list;
