//! Writes validated rows: each row's reader and, when the paid period is
//! still running, an active subscription. Rows are written in batches, one
//! write transaction each (a commit per row costs a disk flush: on
//! PostgreSQL that held an import to a few hundred rows a second). A batch
//! first goes in at once: its registered emails looked up in one query,
//! the other rows inserted one after another. Should any row fail (an
//! email registered meanwhile, a database error), that attempt is rolled
//! back and the batch is written again with each row in a savepoint of its
//! own, so a row that fails touches nothing else.

use super::row::ReaderRecord;
use crate::auth::unusable_password_hash;
use crate::db::{
    self, DbConnection, InsertError, imported_readers,
    readers::{self, NewReader},
    subscriptions::NewSubscription,
};
use crate::domain::{ReaderId, Role, SubscriptionId, SubscriptionState};
use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::result::Error as DieselError;

/// The actor recorded on the subscription events an import creates.
pub fn import_actor() -> String {
    crate::domain::Actor::Import.to_string()
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new reader; `subscribed` when an active subscription came with it.
    Imported { subscribed: bool },
    /// An account with this email already exists.
    AlreadyRegistered,
}

/// Stores `records` in one write transaction, each unless its email is
/// taken, and answers what became of each, in order. `now` decides whether
/// a paid period is still running; `source` names the file in the
/// subscriptions' creation events. A database failure stops the batch: the
/// rows before it are committed, and the failure is returned with how
/// many they were.
pub fn store_batch(
    conn: &mut DbConnection,
    records: &[&ReaderRecord],
    source: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, (Vec<Stored>, DieselError)> {
    if let Ok(stored) = store_at_once(conn, records, source, now) {
        return Ok(stored);
    }
    let mut stored = Vec::with_capacity(records.len());
    let mut failure = None;
    let committed = db::write_transaction(conn, |conn| -> Result<(), DieselError> {
        for record in records {
            match store(conn, record, source, now) {
                Ok(outcome) => stored.push(outcome),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        Ok(())
    });
    match (committed, failure) {
        (Ok(()), None) => Ok(stored),
        (Ok(()), Some(error)) => Err((stored, error)),
        (Err(error), _) => Err((Vec::new(), error)),
    }
}

/// The batch in one transaction without savepoints; any failure rolls all
/// of it back.
fn store_at_once(
    conn: &mut DbConnection,
    records: &[&ReaderRecord],
    source: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, InsertError> {
    db::write_transaction(conn, |conn| {
        let emails: Vec<&str> = records.iter().map(|r| r.email.as_str()).collect();
        let taken = imported_readers::emails_taken(conn, &emails)?;
        records
            .iter()
            .map(|record| {
                if taken.contains(record.email.as_str()) {
                    Ok(Stored::AlreadyRegistered)
                } else {
                    insert(conn, record, source, now)
                }
            })
            .collect()
    })
}

/// Stores `record` unless its email is taken, inside the caller's write
/// transaction, in a savepoint of its own.
fn store(
    conn: &mut DbConnection,
    record: &ReaderRecord,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Stored, DieselError> {
    let outcome = conn.transaction(|conn| -> Result<Stored, InsertError> {
        if imported_readers::email_taken(conn, record.email.as_str())? {
            return Ok(Stored::AlreadyRegistered);
        }
        insert(conn, record, source, now)
    });
    match outcome {
        Ok(stored) => Ok(stored),
        // Another writer registered the email between the check and the insert.
        Err(InsertError::Taken) => Ok(Stored::AlreadyRegistered),
        Err(InsertError::Database(error)) => Err(error),
    }
}

/// Inserts the reader of `record` and, while its paid period runs, its
/// subscription.
fn insert(
    conn: &mut DbConnection,
    record: &ReaderRecord,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Stored, InsertError> {
    let id = ReaderId::generate();
    let password_hash = record
        .password_hash
        .clone()
        .unwrap_or_else(unusable_password_hash);
    let address = record.address.as_ref();
    let at = now.naive_utc();
    readers::insert(
        conn,
        &NewReader {
            address_line1: address.map(|a| a.line1.as_str()),
            address_line2: address.and_then(|a| a.line2.as_deref()),
            address_city: address.map(|a| a.city.as_str()),
            address_region: address.and_then(|a| a.region.as_deref()),
            address_postal_code: address.map(|a| a.postal_code.as_str()),
            address_country: address.map(|a| a.country.as_str()),
            imported_at: Some(at),
            ..NewReader::new(
                &id,
                record.email.as_str(),
                &password_hash,
                record.name.as_str(),
                Role::Reader,
                at,
            )
        },
    )?;
    let Some(paid) = record.paid.as_ref().filter(|paid| paid.paid_until > now) else {
        return Ok(Stored::Imported { subscribed: false });
    };
    let subscription_id = SubscriptionId::generate();
    let subscription = NewSubscription {
        current_period_start: Some(at),
        current_period_end: Some(paid.paid_until.naive_utc()),
        ..NewSubscription::new(
            &subscription_id,
            &id,
            &paid.tier,
            SubscriptionState::Active,
            at,
        )
    };
    let reason = format!("imported from {source}");
    db::subscriptions::insert(conn, &subscription, &import_actor(), Some(&reason))?;
    Ok(Stored::Imported { subscribed: true })
}
