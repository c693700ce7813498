//! Who may be on an issue's print mailing list: every subscription whose
//! tier has the print perk (in any status), running at the cut-off, with
//! its reader. Whether it really granted print then is the domain's call
//! ([`crate::domain::granted_perk_at`]); this narrows the rows in one query.

use super::DbConnection;
use super::readers::ReaderRow;
use super::schema::{readers, subscriptions, tier_perks};
use super::subscriptions::SubscriptionRow;
use crate::domain::{Perk, PerkStatus};
use chrono::NaiveDateTime;
use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;

/// A subscription that may have granted print at the cut-off.
#[derive(Debug, Clone)]
pub struct PrintCandidate {
    /// Its reader.
    pub reader: ReaderRow,
    /// The subscription.
    pub subscription: SubscriptionRow,
    /// The print perk's status on its tier (unknown statuses left out).
    pub print_status: PerkStatus,
}

/// Hands `each` every subscription started by `cutoff` and not ended by
/// then whose tier has the print perk, by reader name, then newest
/// subscription first. Rows are read one at a time (`load_iter`: SQLite
/// steps through them, PostgreSQL's client holds only the result's text),
/// so a caller that keeps less than every row never holds them all.
pub fn print_candidates(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    mut each: impl FnMut(PrintCandidate),
) -> QueryResult<()> {
    let rows = subscriptions::table
        .inner_join(readers::table)
        .inner_join(
            tier_perks::table.on(tier_perks::tier_id
                .eq(subscriptions::tier_id)
                .and(tier_perks::perk.eq(Perk::PrintEdition.as_str()))),
        )
        .filter(subscriptions::started_at.le(cutoff))
        .filter(
            subscriptions::ended_at
                .is_null()
                .or(subscriptions::ended_at.gt(cutoff)),
        )
        .order((
            readers::name.asc(),
            readers::id.asc(),
            subscriptions::started_at.desc(),
            subscriptions::id.desc(),
        ))
        .select((
            ReaderRow::as_select(),
            SubscriptionRow::as_select(),
            tier_perks::status,
        ))
        .load_iter::<(ReaderRow, SubscriptionRow, String), DefaultLoadingMode>(conn)?;
    for row in rows {
        let (reader, subscription, status) = row?;
        // A perk status this build does not know grants nothing.
        if let Some(print_status) = PerkStatus::parse(&status) {
            each(PrintCandidate {
                reader,
                subscription,
                print_status,
            });
        }
    }
    Ok(())
}
