//! Who hears of a perk's launch: a tier's subscriptions in a state that
//! can grant access, with their readers, a page at a time in id order (a
//! keyset page, so a fan-out over many readers holds no long read and
//! resumes where it stopped). The caller decides with the domain's rules
//! ([`crate::domain::SubscriptionSnapshot::grants_access`]) and the
//! reader's preference who is mailed.

use super::DbConnection;
use super::readers::ReaderRow;
use super::schema::{readers, subscriptions};
use super::subscriptions::SubscriptionRow;
use crate::domain::SubscriptionState;
use diesel::prelude::*;

/// The states that may grant access (the gate then checks their dates):
/// every state whose access is not `Nothing`, so a new state (`gift`) is
/// counted without a list to keep in step.
fn may_grant() -> impl Iterator<Item = SubscriptionState> {
    SubscriptionState::ALL
        .into_iter()
        .filter(|state| state.access() != crate::domain::StateAccess::Nothing)
}

/// Up to `limit` subscriptions of `tier` that may grant access, with
/// their readers, whose ids come after `after` (from the start without).
pub fn page(
    conn: &mut DbConnection,
    tier: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(SubscriptionRow, ReaderRow)>> {
    let states: Vec<&str> = may_grant().map(SubscriptionState::as_str).collect();
    let mut query = subscriptions::table
        .inner_join(readers::table)
        .filter(subscriptions::tier_id.eq(tier))
        .filter(subscriptions::state.eq_any(states))
        .order(subscriptions::id.asc())
        .limit(limit)
        .select((SubscriptionRow::as_select(), ReaderRow::as_select()))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(subscriptions::id.gt(after.to_owned()));
    }
    query.load(conn)
}
