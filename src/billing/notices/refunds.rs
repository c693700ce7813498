//! The refund emails: a refund confirmed (a staff refund, or one made in
//! Stripe's dashboard), and a reader's request received and decided (an
//! approval is the refund's own email, with support's note).

use super::{guarantee, queue, subscriber};
use crate::db::refund_requests::RefundRequestRow;
use crate::db::subscriptions::{self, SubscriptionRow};
use crate::db::{DbConnection, payments, refunds};
use crate::domain::{Guarantee, SubscriptionId};
use crate::error::ApiError;
use crate::mail::Letters;
use crate::mail::messages::{self, RefundDecision, RefundRequest, Refunded};
use chrono::NaiveDateTime;

/// The total refunded of `row` and its currency.
fn refunded_total(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
) -> Result<(i64, String), ApiError> {
    let id = row.subscription_id();
    let refunds = refunds::for_subscription(conn, &id)?;
    let total = refunds.iter().map(|refund| refund.amount_cents).sum();
    let currency = match refunds.first() {
        Some(refund) => refund.currency.clone(),
        None => payments::for_subscription(conn, &id)?
            .first()
            .map_or_else(String::new, |payment| payment.currency.clone()),
    };
    Ok((total, currency))
}

/// Which email a refund sends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Told<'a> {
    /// The refund confirmed (support's own, or one made at Stripe).
    Refund,
    /// The reader's request approved, with support's note if any.
    Approval(Option<&'a str>),
}

/// Queues the email that `subscription` was refunded (in total, so far)
/// and its access ended at `now`, as `told`.
pub(crate) fn queue_refund_confirmed(
    conn: &mut DbConnection,
    letters: &Letters,
    subscription: &SubscriptionId,
    told: Told<'_>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let row = subscriptions::find(conn, subscription)?;
    let Some(subscriber) = subscriber(conn, &row)? else {
        return Ok(());
    };
    let (amount_cents, currency) = refunded_total(conn, &row)?;
    let access_ended = row.ended_at.unwrap_or(now);
    let email = match told {
        Told::Approval(note) => messages::refund_request_decided(
            letters,
            subscriber.to(),
            &subscriber.plan,
            RefundDecision::Approved {
                amount_cents,
                currency: &currency,
                access_ended,
                note: note.unwrap_or_default(),
            },
        ),
        Told::Refund => messages::refund_confirmed(
            letters,
            &Refunded {
                to: subscriber.to(),
                plan: &subscriber.plan,
                amount_cents,
                currency: &currency,
                access_ended,
            },
        ),
    };
    queue(conn, &email)
}

/// Queues the acknowledgement of `request`, just recorded.
pub(crate) fn queue_refund_request_received(
    conn: &mut DbConnection,
    letters: &Letters,
    request: &RefundRequestRow,
) -> Result<(), ApiError> {
    let row = subscriptions::find(
        conn,
        &SubscriptionId::from_db(request.subscription_id.clone()),
    )?;
    let Some(subscriber) = subscriber(conn, &row)? else {
        return Ok(());
    };
    let window = letters.settings().refund_window_days;
    let guarantee = guarantee(conn, letters, &row)?
        .unwrap_or_else(|| Guarantee::new(request.created_at.and_utc(), window));
    let email = messages::refund_request_received(
        letters,
        &RefundRequest {
            to: subscriber.to(),
            plan: &subscriber.plan,
            reason: &request.reason,
            guarantee,
            asked_at: request.created_at,
        },
    );
    queue(conn, &email)
}

/// Queues the news that `request` was denied with `note`.
pub(crate) fn queue_refund_request_denied(
    conn: &mut DbConnection,
    letters: &Letters,
    request: &RefundRequestRow,
    note: &str,
) -> Result<(), ApiError> {
    let row = subscriptions::find(
        conn,
        &SubscriptionId::from_db(request.subscription_id.clone()),
    )?;
    let Some(subscriber) = subscriber(conn, &row)? else {
        return Ok(());
    };
    let email = messages::refund_request_decided(
        letters,
        subscriber.to(),
        &subscriber.plan,
        RefundDecision::Denied { note },
    );
    queue(conn, &email)
}
