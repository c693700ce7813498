//! The lifecycle emails of a subscription, each queued on the durable
//! queue inside the transaction of the change that causes it (so a
//! committed change always gets its email and a rolled-back one never
//! does): a receipt for each payment recorded, a failed payment, a
//! cancellation, a refund, a reader's refund request received and
//! decided, a comp granted; and the reminders of a date ahead that the
//! lifecycle sweeps queue (`billing::sweeps`). Each reads what the message
//! says (the reader, the tier's name, the payments) on the change's own
//! connection and builds it with [`crate::mail::messages`]; the caller
//! wakes the queue after the commit.
//!
//! An account deleted since (its address is a placeholder under the
//! reserved `.invalid` domain, RFC 2606) is mailed nothing.

mod canceled;
mod payments;
mod price_change;
mod refunds;
mod reminders;

pub(crate) use canceled::queue_canceled;
pub(crate) use payments::{InvoiceFacts, queue_payment_failed, queue_receipt};
pub(crate) use price_change::queue_price_change;
pub(crate) use refunds::{
    Told, queue_refund_confirmed, queue_refund_request_denied, queue_refund_request_received,
};
pub(crate) use reminders::{
    Ahead, CutOff, queue_comp_ending, queue_comp_granted, queue_print_address_missing,
    queue_renewal_reminder, queue_trial_ending,
};

use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{DbConnection, payments as payment_rows, readers, tiers};
use crate::domain::{Guarantee, ReaderId};
use crate::error::ApiError;
use crate::mail::messages::To;
use crate::mail::{Email, Letters};

/// Whom a subscription's email goes to, and the plan it names.
struct Subscriber {
    reader: ReaderRow,
    plan: String,
}

impl Subscriber {
    fn to(&self) -> To<'_> {
        To::reader(&self.reader)
    }
}

/// The reader of `row` and its tier's name; `None` for a deleted account.
fn subscriber(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
) -> Result<Option<Subscriber>, ApiError> {
    let reader = readers::find(conn, &ReaderId::from_db(row.reader_id.clone()))?;
    if reader.email.ends_with(".invalid") {
        return Ok(None);
    }
    let plan =
        tiers::find(conn, &row.tier_id)?.map_or_else(|| row.tier_id.clone(), |tier| tier.name);
    Ok(Some(Subscriber { reader, plan }))
}

/// Queues `email` as the one job of `key` (a notice deduplicated by its
/// own table).
fn queue_once_keyed(conn: &mut DbConnection, email: &Email, key: &str) -> Result<(), ApiError> {
    crate::jobs::queue_email_once(conn, email, key)?;
    Ok(())
}

/// The money-back guarantee of `row`, from its first payment; `None`
/// before any money was taken.
fn guarantee(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
) -> Result<Option<Guarantee>, ApiError> {
    let first = payment_rows::for_subscription(conn, &row.subscription_id())?
        .into_iter()
        .find(|payment| payment.amount_cents > 0);
    Ok(first.map(|payment| {
        Guarantee::new(
            payment.paid_at.and_utc(),
            letters.settings().refund_window_days,
        )
    }))
}

/// Queues `email` in the caller's transaction.
fn queue(conn: &mut DbConnection, email: &Email) -> Result<(), ApiError> {
    crate::jobs::queue_email(conn, email)?;
    Ok(())
}
