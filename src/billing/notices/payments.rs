//! A receipt for each payment recorded (the first, at checkout
//! completion, and each paid renewal invoice), and the notice of a
//! renewal the provider could not charge.

use super::{guarantee, queue, subscriber};
use crate::billing::provider::DevProvider;
use crate::db::subscriptions::{self, SubscriptionRow};
use crate::db::{DbConnection, provider_payments, receipt_numbers};
use crate::domain::{Guarantee, PaymentId, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use crate::mail::messages::{self, PaymentFailed, Receipt};
use chrono::NaiveDateTime;

/// What the provider's invoice says about a payment, when an invoice
/// event reported it: Stripe's `number` and `hosted_invoice_url`
/// (<https://docs.stripe.com/api/invoices/object#invoice_object-number>,
/// <https://docs.stripe.com/api/invoices/object#invoice_object-hosted_invoice_url>;
/// the hosted page offers the invoice's PDF).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InvoiceFacts {
    /// The invoice's number (`A1B2C3D4-0001`).
    pub number: Option<String>,
    /// Its hosted page.
    pub url: Option<String>,
    /// The service period its lines pay for, when the event says (a
    /// renewal's); else the subscription's current period.
    pub period: Option<(NaiveDateTime, NaiveDateTime)>,
}

/// Queues the receipt of payment `payment`, just recorded. Its number is
/// the invoice's number when the provider reported one, the development
/// provider's next in sequence (`DEV-000001`), else the provider's own
/// id of the invoice or payment.
pub(crate) fn queue_receipt(
    conn: &mut DbConnection,
    letters: &Letters,
    payment: &PaymentId,
    invoice: &InvoiceFacts,
) -> Result<(), ApiError> {
    let payment = provider_payments::find(conn, payment.as_str())?;
    if payment.amount_cents <= 0 {
        return Ok(());
    }
    let row = subscriptions::find(
        conn,
        &SubscriptionId::from_db(payment.subscription_id.clone()),
    )?;
    let Some(subscriber) = subscriber(conn, &row)? else {
        return Ok(());
    };
    let number = if payment.provider == DevProvider::NAME {
        format!("DEV-{:06}", receipt_numbers::next(conn, DevProvider::NAME)?)
    } else {
        invoice
            .number
            .clone()
            .or_else(|| payment.provider_invoice_id.clone())
            .unwrap_or_else(|| payment.provider_payment_id.clone())
    };
    let window = letters.settings().refund_window_days;
    let guarantee = guarantee(conn, letters, &row)?
        .unwrap_or_else(|| Guarantee::new(payment.paid_at.and_utc(), window));
    let (period_start, period_end) = invoice.period.unwrap_or((
        row.current_period_start.unwrap_or(payment.paid_at),
        row.current_period_end.unwrap_or(payment.paid_at),
    ));
    let email = messages::receipt(
        letters,
        &Receipt {
            to: subscriber.to(),
            plan: &subscriber.plan,
            number: &number,
            amount_cents: payment.amount_cents,
            currency: &payment.currency,
            paid_at: payment.paid_at,
            period: (period_start, period_end),
            renews: matches!(
                row.state(),
                Some(SubscriptionState::Active | SubscriptionState::PastDue)
            ),
            guarantee,
            invoice_url: invoice.url.as_deref(),
        },
    );
    queue(conn, &email)
}

/// Queues the notice that the provider could not charge `row`'s renewal
/// of `amount_cents` `currency`, linking to `action_url` (the invoice's
/// hosted page) or, without one, the reader's account page.
pub(crate) fn queue_payment_failed(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    (amount_cents, currency): (i64, &str),
    action_url: Option<&str>,
) -> Result<(), ApiError> {
    let row = subscriptions::find(conn, &row.subscription_id())?;
    let Some(subscriber) = subscriber(conn, &row)? else {
        return Ok(());
    };
    let email = messages::payment_failed(
        letters,
        &PaymentFailed {
            to: subscriber.to(),
            plan: &subscriber.plan,
            amount_cents,
            currency,
            action_link: action_url,
            access_until: row.grace_ends_at,
        },
    );
    queue(conn, &email)
}
