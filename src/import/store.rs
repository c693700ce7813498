//! Writes validated rows: each row's reader and, when the paid period is
//! still running, an active subscription. Rows are written in batches, one
//! write transaction each (a commit per row costs a disk flush: on
//! PostgreSQL that held an import to a few hundred rows a second). A batch
//! first goes in at once: its registered emails looked up in one query,
//! the other rows' readers in one multi-row insert, their subscriptions and
//! those subscriptions' creation events in one each (a statement per row
//! held PostgreSQL, into a million readers, to about 2,000 rows a second).
//! Should any row fail (an email registered meanwhile, a database error),
//! that attempt is rolled back and the batch is written again row by row,
//! each in a savepoint of its own, so a row that fails touches nothing
//! else.

use super::row::{PaidTier, ReaderRecord};
use crate::auth::unusable_password_hash;
use crate::db::{
    self, DbConnection, InsertError, imported_readers,
    readers::{self, NewReader},
    subscriptions::NewSubscription,
};
use crate::domain::{ReaderId, Role, SubscriptionId, SubscriptionState};
use chrono::{DateTime, NaiveDateTime, Utc};
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

/// The batch in one transaction without savepoints, a few statements in
/// all; any failure rolls all of it back.
fn store_at_once(
    conn: &mut DbConnection,
    records: &[&ReaderRecord],
    source: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, InsertError> {
    db::write_transaction(conn, |conn| {
        let emails: Vec<&str> = records.iter().map(|r| r.email.as_str()).collect();
        let taken = imported_readers::emails_taken(conn, &emails)?;
        let newcomers: Vec<Newcomer<'_>> = records
            .iter()
            .filter(|record| !taken.contains(record.email.as_str()))
            .map(|record| Newcomer::new(record, now))
            .collect();
        let at = now.naive_utc();
        let new_readers: Vec<NewReader<'_>> = newcomers.iter().map(|n| n.reader(at)).collect();
        readers::insert_many(conn, &new_readers)?;
        let subscriptions: Vec<NewSubscription<'_>> = newcomers
            .iter()
            .filter_map(|newcomer| newcomer.subscription(at))
            .collect();
        let reason = import_reason(source);
        db::subscriptions::insert_many(conn, &subscriptions, &import_actor(), Some(&reason))?;
        Ok(records
            .iter()
            .map(|record| {
                if taken.contains(record.email.as_str()) {
                    Stored::AlreadyRegistered
                } else {
                    Stored::Imported {
                        subscribed: running_paid_period(record, now).is_some(),
                    }
                }
            })
            .collect())
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
        insert(conn, &Newcomer::new(record, now), source, now)
    });
    match outcome {
        Ok(stored) => Ok(stored),
        // Another writer registered the email between the check and the insert.
        Err(InsertError::Taken) => Ok(Stored::AlreadyRegistered),
        Err(InsertError::Database(error)) => Err(error),
    }
}

/// Inserts the reader of `newcomer` and, while its paid period runs, its
/// subscription.
fn insert(
    conn: &mut DbConnection,
    newcomer: &Newcomer<'_>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Stored, InsertError> {
    let at = now.naive_utc();
    readers::insert(conn, &newcomer.reader(at))?;
    let Some(subscription) = newcomer.subscription(at) else {
        return Ok(Stored::Imported { subscribed: false });
    };
    let reason = import_reason(source);
    db::subscriptions::insert(conn, &subscription, &import_actor(), Some(&reason))?;
    Ok(Stored::Imported { subscribed: true })
}

/// The reason recorded on the creation events of imported subscriptions.
fn import_reason(source: &str) -> String {
    format!("imported from {source}")
}

/// The row's paid period, when it is still running at `now`: only then does
/// the reader come with a subscription.
fn running_paid_period(record: &ReaderRecord, now: DateTime<Utc>) -> Option<&PaidTier> {
    record.paid.as_ref().filter(|paid| paid.paid_until > now)
}

/// A row about to be stored, with the ids and password hash it is given.
struct Newcomer<'a> {
    record: &'a ReaderRecord,
    id: ReaderId,
    password_hash: String,
    /// The subscription's id and paid period, while that period runs.
    subscription: Option<(SubscriptionId, &'a PaidTier)>,
}

impl<'a> Newcomer<'a> {
    fn new(record: &'a ReaderRecord, now: DateTime<Utc>) -> Self {
        Self {
            record,
            id: ReaderId::generate(),
            password_hash: record
                .password_hash
                .clone()
                .unwrap_or_else(unusable_password_hash),
            subscription: running_paid_period(record, now)
                .map(|paid| (SubscriptionId::generate(), paid)),
        }
    }

    /// The reader's account, created `at`.
    fn reader(&self, at: NaiveDateTime) -> NewReader<'_> {
        let address = self.record.address.as_ref();
        NewReader {
            address_line1: address.map(|a| a.line1.as_str()),
            address_line2: address.and_then(|a| a.line2.as_deref()),
            address_city: address.map(|a| a.city.as_str()),
            address_region: address.and_then(|a| a.region.as_deref()),
            address_postal_code: address.map(|a| a.postal_code.as_str()),
            address_country: address.map(|a| a.country.as_str()),
            imported_at: Some(at),
            ..NewReader::new(
                &self.id,
                self.record.email.as_str(),
                &self.password_hash,
                self.record.name.as_str(),
                Role::Reader,
                at,
            )
        }
    }

    /// The reader's active subscription for the paid period, if it runs.
    fn subscription(&self, at: NaiveDateTime) -> Option<NewSubscription<'_>> {
        let (id, paid) = self.subscription.as_ref()?;
        Some(NewSubscription {
            current_period_start: Some(at),
            current_period_end: Some(paid.paid_until.naive_utc()),
            ..NewSubscription::new(id, &self.id, &paid.tier, SubscriptionState::Active, at)
        })
    }
}
