//! Launching a perk: an admin turns a tier's `coming_soon` perk `live`
//! ([`set_perk_status`]), and in the same transaction one `announce_perk`
//! job is queued, whose handler ([`AnnouncePerk`]) mails "Ad-free is
//! here" to every reader the tier now grants it to who takes product
//! updates, one `send_email` job each, keyed per perk and reader so a
//! retried or repeated fan-out mails each reader once.

mod announce;
mod change;

pub use announce::AnnouncePerk;
pub use change::{PerkChange, perk_not_found, set_perk_status, tier_not_found};

use crate::domain::Perk;
use serde::{Deserialize, Serialize};

/// The payload of an `announce_perk` job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Announcement {
    /// The tier whose perk went live.
    pub tier: String,
    /// The perk.
    pub perk: Perk,
}

/// The dedupe key of the fan-out of one launch of `perk` on `tier`, at
/// `launched_at` (the transaction's time). A perk set back to
/// `coming_soon` and launched again gets a fan-out of its own (the first
/// may have found it withdrawn and mailed no one); readers already told
/// are skipped by their own key ([`email_key`]).
fn announcement_key(tier: &str, perk: Perk, launched_at: chrono::NaiveDateTime) -> String {
    format!(
        "announce_perk:{tier}:{}:{}",
        perk.as_str(),
        launched_at.format("%Y%m%dT%H%M%S%.6f")
    )
}

/// The dedupe key of `reader`'s email about `perk`: a reader hears of a
/// launch once, even from two tiers or a retried fan-out.
fn email_key(perk: Perk, reader: &str) -> String {
    format!("perk_launch:{}:{reader}", perk.as_str())
}
