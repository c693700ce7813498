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

/// Subscriptions started by `cutoff` and not ended by then, whose tier has
/// the print perk; by reader name, then newest subscription first.
pub fn print_candidates(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<PrintCandidate>> {
    let rows: Vec<(ReaderRow, SubscriptionRow, String)> = subscriptions::table
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
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(reader, subscription, status)| {
            Some(PrintCandidate {
                reader,
                subscription,
                print_status: PerkStatus::parse(&status)?,
            })
        })
        .collect())
}
