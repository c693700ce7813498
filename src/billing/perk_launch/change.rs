//! An admin setting a perk's status on a tier, audited in the same
//! transaction; a `coming_soon` -> `live` change queues the announcement
//! there too, so a committed launch is always announced and a rolled-back
//! one never is.

use super::{Announcement, announcement_key};
use crate::db::audit_log::{self, AuditEntry};
use crate::db::{self, Database};
use crate::domain::{JobKind, Perk, PerkStatus};
use crate::error::ApiError;

/// 404 for a tier id that names no tier.
pub fn tier_not_found() -> ApiError {
    ApiError::not_found("tier_not_found", "no tier has this id")
}

/// 404 for a perk the tier does not hold (or no perk of that name).
pub fn perk_not_found() -> ApiError {
    ApiError::not_found("perk_not_found", "this tier has no such perk")
}

/// What setting the status did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerkChange {
    /// The status before.
    pub from: PerkStatus,
    /// The status now.
    pub to: PerkStatus,
    /// Whether this change queued the launch's announcement (a
    /// `coming_soon` perk turned `live`; readers told of an earlier launch
    /// of the same perk are not mailed again).
    pub announced: bool,
}

/// Sets `perk` of `tier` to `status`, recording `audit`. Setting the
/// status it has already changes nothing, records nothing and announces
/// nothing (a double click launches once). The caller forgets cached
/// entitlements and wakes the queue.
pub async fn set_perk_status(
    db: &Database,
    tier: String,
    perk: Perk,
    status: PerkStatus,
    audit: AuditEntry,
) -> Result<PerkChange, ApiError> {
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            if db::tiers::find(conn, &tier)?.is_none() {
                return Err(tier_not_found());
            }
            let from = db::tiers::perk_status(conn, &tier, perk)?.ok_or_else(perk_not_found)?;
            let unchanged = |now: PerkStatus| PerkChange {
                from: now,
                to: now,
                announced: false,
            };
            if from == status {
                return Ok(unchanged(from));
            }
            if !db::tiers::change_perk_status(conn, &tier, perk, from, status)? {
                // Another admin changed it between our read and our write
                // (PostgreSQL re-checks the condition after their commit):
                // theirs stands, and theirs announced.
                let now = db::tiers::perk_status(conn, &tier, perk)?.ok_or_else(perk_not_found)?;
                return Ok(unchanged(now));
            }
            let now = chrono::Utc::now().naive_utc();
            let launch = from == PerkStatus::ComingSoon && status == PerkStatus::Live;
            let announced = launch
                && crate::jobs::enqueue(
                    conn,
                    JobKind::AnnouncePerk,
                    &Announcement {
                        tier: tier.clone(),
                        perk,
                    },
                    now,
                    Some(&announcement_key(&tier, perk, now)),
                )?
                .is_some();
            let details = serde_json::json!({
                "perk": perk.as_str(),
                "from": from.as_str(),
                "to": status.as_str(),
                "announced": announced,
            });
            audit_log::record(conn, &audit.details(&details).at(now))?;
            Ok(PerkChange {
                from,
                to: status,
                announced,
            })
        })
    })
    .await
}
