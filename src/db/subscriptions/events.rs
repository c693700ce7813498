//! The append-only history of a subscription: who moved it, when, from
//! which state to which, and why.

use crate::db::DbConnection;
use crate::db::schema::subscription_events;
use crate::domain::SubscriptionId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One stored state change.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscription_events)]
pub struct EventRow {
    pub id: String,
    pub subscription_id: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: String,
    pub reason: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// A subscription's history, oldest first.
pub fn events(conn: &mut DbConnection, id: &SubscriptionId) -> QueryResult<Vec<EventRow>> {
    subscription_events::table
        .filter(subscription_events::subscription_id.eq(id.as_str()))
        .order((
            subscription_events::occurred_at.asc(),
            subscription_events::id.asc(),
        ))
        .select(EventRow::as_select())
        .load(conn)
}

/// An event to append; its id is generated on append.
#[derive(Insertable)]
#[diesel(table_name = subscription_events)]
pub(super) struct NewEvent<'a> {
    pub subscription_id: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub occurred_at: NaiveDateTime,
}

/// An event with the id it is stored under.
#[derive(Insertable)]
#[diesel(table_name = subscription_events)]
pub(super) struct IdentifiedEvent<'a> {
    id: String,
    #[diesel(embed)]
    event: NewEvent<'a>,
}

/// The columns [`IdentifiedEvent`] binds.
const IDENTIFIED_EVENT_COLUMNS: usize = 7;

impl<'a> NewEvent<'a> {
    /// The event under a new time-ordered id.
    pub(super) fn with_new_id(self) -> IdentifiedEvent<'a> {
        IdentifiedEvent {
            id: uuid::Uuid::now_v7().to_string(),
            event: self,
        }
    }

    /// Appends the event with a new time-ordered id.
    pub(super) fn append(self, conn: &mut DbConnection) -> QueryResult<()> {
        diesel::insert_into(subscription_events::table)
            .values(self.with_new_id())
            .execute(conn)
            .map(drop)
    }
}

/// Appends `events` in as few statements as the backend allows.
pub(super) fn append_many(
    conn: &mut DbConnection,
    events: &[IdentifiedEvent<'_>],
) -> QueryResult<()> {
    crate::db::batch::insert_batched!(
        conn,
        subscription_events::table,
        events,
        IDENTIFIED_EVENT_COLUMNS
    )
    .map(drop)
}
