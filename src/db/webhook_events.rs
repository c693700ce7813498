//! The `webhook_events` aggregate: every provider event applied, keyed by
//! the provider's event id. The row is written in the same transaction as
//! the event's effects, so an event redelivered (or delivered twice at
//! once) finds its id taken and changes nothing.

use super::DbConnection;
use super::schema::webhook_events;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

/// An event as recorded.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_events)]
pub struct WebhookEventRow {
    pub id: String,
    pub provider: String,
    pub event_type: String,
    pub object_id: Option<String>,
    pub received_at: NaiveDateTime,
}

/// An event to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct NewWebhookEvent<'a> {
    /// The provider's event id (Stripe `evt_...`).
    pub id: &'a str,
    pub provider: &'a str,
    pub event_type: &'a str,
    /// The object the event is about (`sub_...`, `in_...`), for support.
    pub object_id: Option<&'a str>,
    pub received_at: NaiveDateTime,
}

/// Records an event; `false` when its id was recorded before, by an
/// earlier delivery or a concurrent one (a unique violation). The id is
/// looked up first, so the common redelivery never hits the constraint;
/// after a violation PostgreSQL has aborted the transaction, which the
/// caller must then roll back.
pub fn record(conn: &mut DbConnection, event: &NewWebhookEvent<'_>) -> QueryResult<bool> {
    if find(conn, event.id)?.is_some() {
        return Ok(false);
    }
    match diesel::insert_into(webhook_events::table)
        .values(event)
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(error) => Err(error),
    }
}

/// One recorded event by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<WebhookEventRow>> {
    webhook_events::table
        .find(id)
        .select(WebhookEventRow::as_select())
        .first(conn)
        .optional()
}

/// How many events are recorded (for operators and tests).
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    webhook_events::table.count().get_result(conn)
}
