//! The emails about a date ahead: a comp granted (queued in the grant's
//! transaction), and the reminders the lifecycle sweeps queue (an annual
//! renewal, a trial's or a comp's end, a print address missing before an
//! issue's cut-off). Each reminder goes out once under its key: marked in
//! `reminders_sent` and queued as the one job of that key, in the same
//! transaction, so a repeated sweep or a second instance sends nothing.

use super::{Subscriber, queue, subscriber};
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{DbConnection, price_changes, reminders_sent, tiers};
use crate::domain::BillingInterval;
use crate::error::ApiError;
use crate::mail::messages::{self, AddressMissing, Comp, Renewal, To, TrialEnd};
use crate::mail::{Email, Letters};
use chrono::NaiveDateTime;

/// A date ahead the reader is reminded of, with the key the reminder goes
/// out under.
pub(crate) struct Ahead {
    /// `renewal:<subscription>:<period end>:<days>` and the like.
    pub key: String,
    /// The date.
    pub at: NaiveDateTime,
}

impl Ahead {
    /// The reminder `kind` of `subject`'s date `at`, due `days` before it:
    /// the key names the date, so a moved date (an extended comp) is
    /// reminded of again.
    pub(crate) fn new(kind: &str, subject: &str, at: NaiveDateTime, days: u32) -> Self {
        Self {
            key: format!("{kind}:{subject}:{}:{days}", at.and_utc().timestamp()),
            at,
        }
    }
}

/// Queues `email` under `ahead`'s key unless it went out before; `true`
/// when this call queued it.
fn queue_once(
    conn: &mut DbConnection,
    ahead: &Ahead,
    email: &Email,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    if !reminders_sent::mark(conn, &ahead.key, ahead.at, now)? {
        return Ok(false);
    }
    Ok(crate::jobs::queue_email_once(conn, email, &ahead.key)?)
}

/// The tier's price for `interval` in effect at `at` (minor units,
/// currency).
fn price_at(
    conn: &mut DbConnection,
    tier: &str,
    interval: BillingInterval,
    at: NaiveDateTime,
) -> Result<Option<(i64, String)>, ApiError> {
    Ok(tiers::find_at(conn, tier, at)?.and_then(|tier| {
        tier.prices
            .into_iter()
            .find(|price| price.interval == interval)
            .map(|price| (price.amount.get(), price.currency.as_str().to_owned()))
    }))
}

/// What the renewal of `row` at `at` is charged: the scheduled price it
/// was told applies by then, else what its current period was charged at
/// (the tier's price in effect when it began); minor units and currency.
fn renewal_price(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    interval: BillingInterval,
    at: NaiveDateTime,
) -> Result<Option<(i64, String)>, ApiError> {
    if let Some(change) = price_changes::told_applying_by(conn, &row.id, at)? {
        return Ok(Some((change.amount_cents, change.currency)));
    }
    let since = row.current_period_start.unwrap_or(row.started_at);
    price_at(conn, &row.tier_id, interval, since)
}

/// Queues the comp granted as `row` (just inserted) to its reader.
pub(crate) fn queue_comp_granted(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
) -> Result<(), ApiError> {
    let (Some(subscriber), Some(until)) = (subscriber(conn, row)?, row.comped_until) else {
        return Ok(());
    };
    let email = messages::comp_granted(letters, &comp(&subscriber, until));
    queue(conn, &email)
}

fn comp(subscriber: &Subscriber, until: NaiveDateTime) -> Comp<'_> {
    Comp {
        to: subscriber.to(),
        plan: &subscriber.plan,
        until,
    }
}

/// Queues the renewal reminder of annual subscription `row` renewing at
/// `ahead.at`, stating the price that renewal is charged (a scheduled
/// price once it applies to this subscriber); `true` when queued.
pub(crate) fn queue_renewal_reminder(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    ahead: &Ahead,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    let Some(subscriber) = subscriber(conn, row)? else {
        return Ok(false);
    };
    let Some((amount_cents, currency)) = renewal_price(conn, row, BillingInterval::Year, ahead.at)?
    else {
        tracing::warn!(subscription = %row.id, tier = %row.tier_id, "no yearly price to state in a renewal reminder; none sent");
        return Ok(false);
    };
    let email = messages::renewal_reminder(
        letters,
        &Renewal {
            to: subscriber.to(),
            plan: &subscriber.plan,
            renews_at: ahead.at,
            amount_cents,
            currency: &currency,
        },
    );
    queue_once(conn, ahead, &email, now)
}

/// Queues the notice that the trial of `row` ends at `ahead.at`; `true`
/// when queued.
pub(crate) fn queue_trial_ending(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    ahead: &Ahead,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    let Some(subscriber) = subscriber(conn, row)? else {
        return Ok(false);
    };
    let price = match row.billing_interval() {
        Some(interval) => price_at(conn, &row.tier_id, interval, now)?,
        None => None,
    };
    let email = messages::trial_ending(
        letters,
        &TrialEnd {
            to: subscriber.to(),
            plan: &subscriber.plan,
            ends_at: ahead.at,
            price: price
                .as_ref()
                .map(|(cents, currency)| (*cents, currency.as_str())),
        },
    );
    queue_once(conn, ahead, &email, now)
}

/// Queues the notice that the comp `row` ends at `ahead.at`; `true` when
/// queued.
pub(crate) fn queue_comp_ending(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    ahead: &Ahead,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    let Some(subscriber) = subscriber(conn, row)? else {
        return Ok(false);
    };
    let email = messages::comp_ending(letters, &comp(&subscriber, ahead.at));
    queue_once(conn, ahead, &email, now)
}

/// The issue a missing address is asked for before.
pub(crate) struct CutOff<'a> {
    /// Its number.
    pub issue: i32,
    /// Its title.
    pub title: &'a str,
    /// When its mailing list is drawn up.
    pub at: NaiveDateTime,
}

/// Asks `reader` (entitled to print, without an address) to add one
/// before `cutoff`; once per reader and issue. `true` when queued.
pub(crate) fn queue_print_address_missing(
    conn: &mut DbConnection,
    letters: &Letters,
    reader: &ReaderRow,
    cutoff: &CutOff<'_>,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    if reader.email.ends_with(".invalid") {
        return Ok(false);
    }
    let ahead = Ahead {
        key: format!("print_address:{}:{}", reader.id, cutoff.issue),
        at: cutoff.at,
    };
    let email = messages::print_address_missing(
        letters,
        &AddressMissing {
            to: To::reader(reader),
            issue: cutoff.issue,
            issue_title: cutoff.title,
            cutoff: cutoff.at,
        },
    );
    queue_once(conn, &ahead, &email, now)
}
