//! The `subscriptions` aggregate: a reader's subscriptions and the
//! append-only history of their states. The state only moves through
//! [`transition`], a conditional update checked by affected rows, so two
//! concurrent requests (a webhook and a refund, say) cannot both apply.

mod events;
pub mod provider;
mod transition;

pub use events::{EventRow, events};
pub use transition::{
    SubscriptionChanges, TransitionError, TransitionOutcome, reverse, transition,
    update_fields_without_transition,
};

use super::DbConnection;
use super::schema::{subscriptions, tier_perks};
use crate::domain::{
    BillingInterval, Perk, PerkStatus, ReaderId, SubscriptionId, SubscriptionSnapshot,
    SubscriptionState,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use events::NewEvent;

/// A subscription as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct SubscriptionRow {
    pub id: String,
    pub reader_id: String,
    pub tier_id: String,
    pub state: String,
    pub billing_interval: Option<String>,
    pub current_period_start: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub grace_ends_at: Option<NaiveDateTime>,
    pub comped_until: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub provider: Option<String>,
    pub provider_customer_id: Option<String>,
    pub provider_subscription_id: Option<String>,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// For a `duplicate`: the renewing subscription it duplicated.
    pub duplicate_of: Option<String>,
}

impl SubscriptionRow {
    /// The typed id.
    pub fn subscription_id(&self) -> SubscriptionId {
        SubscriptionId::from_db(self.id.clone())
    }

    /// Whose it is, typed.
    pub fn reader_id(&self) -> ReaderId {
        ReaderId::from_db(self.reader_id.clone())
    }

    /// The state; `None` for a stored value this build does not know, which
    /// callers treat as granting nothing.
    pub fn state(&self) -> Option<SubscriptionState> {
        SubscriptionState::parse(&self.state)
    }

    /// The billing interval, when known (comps have none).
    pub fn billing_interval(&self) -> Option<BillingInterval> {
        self.billing_interval
            .as_deref()
            .and_then(BillingInterval::parse)
    }

    /// What the gate needs of this subscription, given its tier's perks;
    /// `None` when the stored state is unknown (the gate fails closed).
    pub fn snapshot(&self, perks: Vec<(Perk, PerkStatus)>) -> Option<SubscriptionSnapshot> {
        Some(SubscriptionSnapshot {
            state: self.state()?,
            perks,
            current_period_end: self.current_period_end.map(|t| t.and_utc()),
            grace_ends_at: self.grace_ends_at.map(|t| t.and_utc()),
            comped_until: self.comped_until.map(|t| t.and_utc()),
            started_at: self.started_at.and_utc(),
        })
    }
}

/// A new subscription. Build it with [`NewSubscription::new`] (typed) and
/// set the optional fields with struct update syntax.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = subscriptions)]
pub struct NewSubscription<'a> {
    pub id: &'a str,
    pub reader_id: &'a str,
    pub tier_id: &'a str,
    pub state: &'a str,
    pub billing_interval: Option<&'a str>,
    pub current_period_start: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub grace_ends_at: Option<NaiveDateTime>,
    pub comped_until: Option<NaiveDateTime>,
    pub provider: Option<&'a str>,
    pub provider_customer_id: Option<&'a str>,
    pub provider_subscription_id: Option<&'a str>,
    pub started_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub duplicate_of: Option<&'a str>,
}

impl<'a> NewSubscription<'a> {
    /// A subscription of `reader` to `tier_id` in `state`, started `now`,
    /// with every optional field empty.
    pub fn new(
        id: &'a SubscriptionId,
        reader: &'a ReaderId,
        tier_id: &'a str,
        state: SubscriptionState,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id: id.as_str(),
            reader_id: reader.as_str(),
            tier_id,
            state: state.as_str(),
            billing_interval: None,
            current_period_start: None,
            current_period_end: None,
            grace_ends_at: None,
            comped_until: None,
            provider: None,
            provider_customer_id: None,
            provider_subscription_id: None,
            started_at: now,
            created_at: now,
            updated_at: now,
            duplicate_of: None,
        }
    }
}

/// Inserts a subscription and its creation event (from nothing to its
/// initial state), atomically. An unknown tier or reader is a foreign-key
/// violation.
pub fn insert(
    conn: &mut DbConnection,
    subscription: &NewSubscription<'_>,
    actor: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(subscriptions::table)
            .values(subscription)
            .execute(conn)?;
        let event = NewEvent {
            subscription_id: subscription.id,
            from_state: None,
            to_state: subscription.state,
            actor,
            reason,
            occurred_at: subscription.created_at,
        };
        event.append(conn)
    })
}

/// Inserts `new` subscriptions and their creation events, all by `actor`
/// for `reason`, in as few statements as the backend allows (an import's
/// batch), inside the caller's transaction.
pub fn insert_many(
    conn: &mut DbConnection,
    new: &[NewSubscription<'_>],
    actor: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    super::batch::insert_batched!(conn, subscriptions::table, new, NEW_SUBSCRIPTION_COLUMNS)?;
    let events: Vec<_> = new
        .iter()
        .map(|subscription| {
            NewEvent {
                subscription_id: subscription.id,
                from_state: None,
                to_state: subscription.state,
                actor,
                reason,
                occurred_at: subscription.created_at,
            }
            .with_new_id()
        })
        .collect();
    events::append_many(conn, &events)
}

/// The columns [`NewSubscription`] binds.
const NEW_SUBSCRIPTION_COLUMNS: usize = 16;

/// A reader's subscriptions, newest first.
pub fn for_reader(conn: &mut DbConnection, reader: &ReaderId) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::reader_id.eq(reader.as_str()))
        .order((subscriptions::created_at.desc(), subscriptions::id.desc()))
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// One subscription by id (`NotFound` when absent).
pub fn find(conn: &mut DbConnection, id: &SubscriptionId) -> QueryResult<SubscriptionRow> {
    subscriptions::table
        .find(id.as_str())
        .select(SubscriptionRow::as_select())
        .first(conn)
}

/// A subscription with its tier's perks and their status.
pub type WithPerks = (SubscriptionRow, Vec<(Perk, PerkStatus)>);

/// A reader's subscriptions, newest first, each with its tier's perks, in
/// one query (subscriptions left-joined to their tiers' perks). Unknown
/// stored perks are skipped: they grant nothing.
pub fn for_reader_with_perks(
    conn: &mut DbConnection,
    reader: &ReaderId,
) -> QueryResult<Vec<WithPerks>> {
    let rows: Vec<(SubscriptionRow, Option<(String, String)>)> = subscriptions::table
        .left_join(tier_perks::table.on(tier_perks::tier_id.eq(subscriptions::tier_id)))
        .filter(subscriptions::reader_id.eq(reader.as_str()))
        .order((subscriptions::created_at.desc(), subscriptions::id.desc()))
        .select((
            SubscriptionRow::as_select(),
            (tier_perks::perk, tier_perks::status).nullable(),
        ))
        .load(conn)?;
    Ok(group_perks(rows))
}

/// Folds subscription rows left-joined to their perks (a subscription's
/// rows adjacent) into one entry per subscription, in the rows' order.
fn group_perks(rows: Vec<(SubscriptionRow, Option<(String, String)>)>) -> Vec<WithPerks> {
    let mut grouped: Vec<WithPerks> = Vec::new();
    for (row, perk) in rows {
        if grouped.last().is_none_or(|(last, _)| last.id != row.id) {
            grouped.push((row, Vec::new()));
        }
        let parsed = perk
            .and_then(|(perk, status)| Some((Perk::parse(&perk)?, PerkStatus::parse(&status)?)));
        if let (Some(perk), Some((_, perks))) = (parsed, grouped.last_mut()) {
            perks.push(perk);
        }
    }
    grouped
}

/// The subscriptions of several readers with their tiers' perks, in one
/// query: of the readers in `readers`, or of every reader when `None` (the
/// export). Ordered by reader, then newest first.
pub fn for_readers_with_perks(
    conn: &mut DbConnection,
    readers: Option<&[String]>,
) -> QueryResult<Vec<WithPerks>> {
    let mut query = subscriptions::table
        .left_join(tier_perks::table.on(tier_perks::tier_id.eq(subscriptions::tier_id)))
        .order((
            subscriptions::reader_id.asc(),
            subscriptions::created_at.desc(),
            subscriptions::id.desc(),
        ))
        .select((
            SubscriptionRow::as_select(),
            (tier_perks::perk, tier_perks::status).nullable(),
        ))
        .into_boxed();
    if let Some(readers) = readers {
        query = query.filter(subscriptions::reader_id.eq_any(readers));
    }
    Ok(group_perks(query.load(conn)?))
}

/// Every subscription of a reader as the gate sees it (one query: this is
/// on the path of every page view). Rows with an unknown state are left out.
pub fn snapshots_for_reader(
    conn: &mut DbConnection,
    reader: &ReaderId,
) -> QueryResult<Vec<SubscriptionSnapshot>> {
    Ok(for_reader_with_perks(conn, reader)?
        .into_iter()
        .filter_map(|(row, perks)| row.snapshot(perks))
        .collect())
}
