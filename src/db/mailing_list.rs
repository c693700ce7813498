//! Who may be on an issue's print mailing list: every subscription whose
//! tier has the print perk (in any status), running at the cut-off, with
//! its reader. Whether it really granted print then is the domain's call
//! ([`crate::domain::granted_perk_at`]); this narrows the rows in one query.

use super::DbConnection;
use super::readers::AddressColumns;
use super::schema::{readers, subscriptions, tier_perks};
use super::subscriptions::SubscriptionRow;
use crate::domain::{Perk, PerkStatus};
use chrono::NaiveDateTime;
use diesel::connection::DefaultLoadingMode;
use diesel::pg::PgRowByRowLoadingMode;
use diesel::prelude::*;

/// The reader of a candidate: what a label and the chase list need, not
/// the whole account row (at 100,000 print readers the rest is most of the
/// memory a list takes to draw up).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = readers)]
pub struct PrintReader {
    pub id: String,
    pub name: String,
    pub email: String,
    #[diesel(embed)]
    pub address: AddressColumns,
}

/// A subscription that may have granted print at the cut-off.
#[derive(Debug, Clone)]
pub struct PrintCandidate {
    /// Its reader.
    pub reader: PrintReader,
    /// The subscription.
    pub subscription: SubscriptionRow,
    /// The print perk's status on its tier (unknown statuses left out).
    pub print_status: PerkStatus,
}

type CandidateRow = (PrintReader, SubscriptionRow, String);

/// Hands `each` every subscription started by `cutoff` and not ended by
/// then whose tier has the print perk, by reader name, then newest
/// subscription first. Rows are read one at a time (SQLite steps through
/// them; PostgreSQL in libpq's row-by-row mode, as its default keeps the
/// whole result in the client), so a caller that keeps less than every
/// row never holds them all.
pub fn print_candidates(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    mut each: impl FnMut(PrintCandidate),
) -> QueryResult<()> {
    // A macro rather than a value: `as_select()` is typed by the backend,
    // and each arm below loads on another.
    macro_rules! query {
        () => {
            subscriptions::table
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
                    PrintReader::as_select(),
                    SubscriptionRow::as_select(),
                    tier_perks::status,
                ))
        };
    }
    let mut hand = |row: QueryResult<CandidateRow>| -> QueryResult<()> {
        let (reader, subscription, status) = row?;
        // A perk status this build does not know grants nothing.
        if let Some(print_status) = PerkStatus::parse(&status) {
            each(PrintCandidate {
                reader,
                subscription,
                print_status,
            });
        }
        Ok(())
    };
    match conn {
        DbConnection::Postgres(pg) => query!()
            .load_iter::<CandidateRow, PgRowByRowLoadingMode>(pg)?
            .try_for_each(&mut hand),
        DbConnection::Sqlite(sqlite) => query!()
            .load_iter::<CandidateRow, DefaultLoadingMode>(sqlite)?
            .try_for_each(&mut hand),
    }
}
