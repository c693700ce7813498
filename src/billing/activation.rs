//! Completing a paid checkout: the one place a purchase becomes a
//! subscription, whichever provider took the money. A development checkout
//! completes here when its reader confirms it
//! ([`super::confirm_dev_checkout`]); a Stripe one when the first of its
//! webhook events arrives (`webhooks/link.rs`, and `webhooks/duplicate.rs`
//! for a second paid checkout). Both get the same subscription, events and
//! payment row, and the same guarantee that a confirmation delivered twice
//! completes once.

use super::checkout::ensure_not_subscribed;
use super::notices::{self, InvoiceFacts};
use super::offers::redeem::{Charged, redeem};
use super::provider::DevProvider;
use crate::db::checkouts::{self, CheckoutRow};
use crate::db::payments::{self, NewPayment};
use crate::db::subscriptions::{
    self, NewSubscription, SubscriptionChanges, SubscriptionRow, TransitionOutcome,
};
use crate::db::{DbConnection, readers};
use crate::domain::{
    AmountCents, CheckoutId, CheckoutStatus, Currency, PaymentId, ReaderId, SubscriptionId,
    SubscriptionState,
};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::NaiveDateTime;

/// What the provider reports about the payment that completed a checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    /// Start of the first paid period.
    pub period_start: NaiveDateTime,
    /// End (exclusive) of the first paid period.
    pub period_end: NaiveDateTime,
    /// The provider's customer (Stripe `cus_...`), if it keeps one.
    pub provider_customer_id: Option<String>,
    /// The provider's subscription (Stripe `sub_...`), if it keeps one.
    pub provider_subscription_id: Option<String>,
    /// The amount taken, in minor units.
    pub amount: AmountCents,
    /// The currency of the amount.
    pub currency: Currency,
    /// The charge or payment intent; unique, so it is recorded once.
    pub provider_payment_id: String,
    /// The invoice the payment settled, if any.
    pub provider_invoice_id: Option<String>,
    /// That invoice's number, when the event reporting it gave one (the
    /// receipt's number).
    pub invoice_number: Option<String>,
    /// That invoice's hosted page, when known (the receipt links to it).
    pub invoice_url: Option<String>,
    /// When the money was taken.
    pub paid_at: NaiveDateTime,
    /// The provider reports a free trial (Stripe `trialing`): the
    /// subscription starts `trialing`, and its $0 invoice is no payment.
    pub trial: bool,
}

/// How a confirmation ended.
#[derive(Debug, Clone)]
pub enum Completion {
    /// This confirmation paid the checkout: the new, active subscription.
    Activated(SubscriptionRow),
    /// An earlier confirmation did: its subscription, as it is now.
    AlreadyCompleted(SubscriptionRow),
    /// The checkout expired before it was paid; nothing was recorded.
    Expired,
}

impl Completion {
    /// The subscription the checkout created, if it was paid.
    pub fn subscription(self) -> Option<SubscriptionRow> {
        match self {
            Self::Activated(row) | Self::AlreadyCompleted(row) => Some(row),
            Self::Expired => None,
        }
    }
}

fn checkout_not_found() -> ApiError {
    ApiError::not_found("checkout_not_found", "no such checkout")
}

/// Completes `reader`'s open checkout `id` made through `provider`: creates
/// the subscription (`incomplete`, then `active` for the paid period, both
/// as events by `actor`), records the payment, and marks the checkout
/// completed. `paid` describes the payment, given the checkout. The
/// reader's receipt is queued with it (`letters` writes it).
///
/// Run it inside [`crate::db::write_transaction`] (with anything else that
/// must commit with it, such as a webhook's event id): the reader's row is
/// locked first and the checkout leaves `open` by a conditional update, so
/// concurrent confirmations complete it once. 404 `checkout_not_found` for
/// someone else's checkout or another provider's; 409 `already_subscribed`
/// when another subscription grants access already.
#[allow(
    clippy::too_many_arguments,
    reason = "each argument is a distinct part of the audited change"
)]
pub fn complete_checkout(
    conn: &mut DbConnection,
    letters: &Letters,
    id: &CheckoutId,
    reader: &ReaderId,
    provider: &str,
    actor: &str,
    now: NaiveDateTime,
    paid: impl FnOnce(&CheckoutRow) -> Result<Paid, ApiError>,
) -> Result<Completion, ApiError> {
    let checkout = (id, reader, provider);
    complete(conn, letters, checkout, actor, now, paid, Taken::Refuse)
}

/// Like [`complete_checkout`], for a checkout the provider took money for
/// although the reader has a renewing paid subscription already (two
/// checkouts paid in two tabs): the subscription it creates is
/// `duplicate` (ended at once, granting nothing) with the payment recorded
/// on it, so the money can be given back and staff see both.
#[allow(
    clippy::too_many_arguments,
    reason = "each argument is a distinct part of the audited change"
)]
pub fn complete_checkout_as_duplicate(
    conn: &mut DbConnection,
    letters: &Letters,
    id: &CheckoutId,
    reader: &ReaderId,
    provider: &str,
    actor: &str,
    now: NaiveDateTime,
    paid: impl FnOnce(&CheckoutRow) -> Result<Paid, ApiError>,
) -> Result<Completion, ApiError> {
    let checkout = (id, reader, provider);
    complete(conn, letters, checkout, actor, now, paid, Taken::Duplicate)
}

/// What completing a checkout does when the reader already has a
/// subscription that blocks a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    /// 409 `already_subscribed`, nothing written.
    Refuse,
    /// Record the new one as `duplicate`.
    Duplicate,
}

fn complete(
    conn: &mut DbConnection,
    letters: &Letters,
    (id, reader, provider): (&CheckoutId, &ReaderId, &str),
    actor: &str,
    now: NaiveDateTime,
    paid: impl FnOnce(&CheckoutRow) -> Result<Paid, ApiError>,
    taken: Taken,
) -> Result<Completion, ApiError> {
    readers::lock(conn, reader)?;
    let checkout = checkouts::find_for_reader(conn, id, reader)?
        .filter(|checkout| checkout.provider == provider)
        .ok_or_else(checkout_not_found)?;
    if checkouts::claim(conn, id, now)? {
        let paid = paid(&checkout)?;
        return activate(conn, letters, &checkout, &paid, (actor, now), taken)
            .map(Completion::Activated);
    }
    // Not claimable: completed by an earlier confirmation (re-read, as a
    // concurrent one may have committed since), or expired.
    let checkout = checkouts::find_for_reader(conn, id, reader)?.ok_or_else(checkout_not_found)?;
    match (checkout.status(), checkout.subscription()) {
        (Some(CheckoutStatus::Completed), Some(subscription)) => Ok(Completion::AlreadyCompleted(
            subscriptions::find(conn, &subscription)?,
        )),
        (Some(CheckoutStatus::Completed), None) => Err(ApiError::conflict(
            "checkout_completed",
            "this checkout was paid, but its subscription no longer exists",
        )),
        (Some(CheckoutStatus::Open), _) => {
            checkouts::expire(conn, id)?;
            Ok(Completion::Expired)
        }
        (Some(CheckoutStatus::Expired) | None, _) => Ok(Completion::Expired),
    }
}

/// Creates the subscription, its two events and the payment for a claimed
/// checkout, links the checkout to the subscription, and queues the
/// receipt (none for a duplicate, whose money goes straight back).
fn activate(
    conn: &mut DbConnection,
    letters: &Letters,
    checkout: &CheckoutRow,
    paid: &Paid,
    (actor, now): (&str, NaiveDateTime),
    taken: Taken,
) -> Result<SubscriptionRow, ApiError> {
    let reader = ReaderId::from_db(checkout.reader_id.clone());
    let duplicate_of = match taken {
        Taken::Refuse => {
            ensure_not_subscribed(conn, &reader, now.and_utc())?;
            None
        }
        Taken::Duplicate => blocking_subscription(conn, &reader, now)?,
    };
    let id = SubscriptionId::generate();
    let subscription = NewSubscription {
        billing_interval: Some(&checkout.billing_interval),
        provider: Some(&checkout.provider),
        provider_customer_id: paid.provider_customer_id.as_deref(),
        provider_subscription_id: paid.provider_subscription_id.as_deref(),
        duplicate_of: duplicate_of.as_deref(),
        ..NewSubscription::new(
            &id,
            &reader,
            &checkout.tier_id,
            SubscriptionState::Incomplete,
            now,
        )
    };
    let started = format!("checkout {}", checkout.id);
    subscriptions::insert(conn, &subscription, actor, Some(&started))?;
    let changes = SubscriptionChanges {
        current_period_start: Some(Some(paid.period_start)),
        current_period_end: Some(Some(paid.period_end)),
        // A duplicate never grants anything: over as it is recorded.
        ended_at: (taken == Taken::Duplicate).then_some(Some(now)),
        ..SubscriptionChanges::default()
    };
    let (first, reason) = match taken {
        Taken::Duplicate => (
            SubscriptionState::Duplicate,
            format!(
                "payment {} for a second paid subscription while one renews; cancelled and refunded at the provider",
                paid.provider_payment_id
            ),
        ),
        Taken::Refuse if paid.trial => (
            SubscriptionState::Trialing,
            format!("trial {}", paid.provider_payment_id),
        ),
        Taken::Refuse => (
            SubscriptionState::Active,
            format!("payment {}", paid.provider_payment_id),
        ),
    };
    let outcome = subscriptions::transition(
        conn,
        &id,
        SubscriptionState::Incomplete,
        first,
        &changes,
        actor,
        Some(&reason),
        now,
    )?;
    if outcome == TransitionOutcome::Conflict {
        return Err(anyhow::anyhow!("subscription {id} moved before it was activated").into());
    }
    // A duplicate's money goes back: it redeems nothing and uses no trial.
    if taken == Taken::Refuse {
        let charged = if checkout.provider == DevProvider::NAME {
            Charged::NotYet
        } else {
            Charged::Already
        };
        redeem(conn, checkout, &id, charged, now)?;
    }
    // A $0 invoice (a trial, a full discount) took no money: nothing to
    // refund, and the guarantee starts at the first real payment.
    let payment = if paid.amount.get() > 0 {
        Some(record_payment(conn, checkout, paid, &id, now)?)
    } else {
        None
    };
    checkouts::attach_subscription(conn, &checkout.checkout_id(), &id)?;
    if let Some(payment) = payment.filter(|_| taken == Taken::Refuse) {
        let invoice = InvoiceFacts {
            number: paid.invoice_number.clone(),
            url: paid.invoice_url.clone(),
            period: Some((paid.period_start, paid.period_end)),
        };
        notices::queue_receipt(conn, letters, &payment, &invoice)?;
    }
    Ok(subscriptions::find(conn, &id)?)
}

/// The reader's subscription that [blocks a new
/// checkout](super::checkout::blocks_a_new_checkout) at `now`, the one a
/// duplicate duplicates.
fn blocking_subscription(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> Result<Option<String>, ApiError> {
    Ok(subscriptions::for_reader_with_perks(conn, reader)?
        .into_iter()
        .find(|(row, perks)| {
            row.snapshot(perks.clone()).is_some_and(|snapshot| {
                super::checkout::blocks_a_new_checkout(&snapshot, now.and_utc())
            })
        })
        .map(|(row, _)| row.id))
}

/// Records the payment that completed `checkout` on subscription `id`.
pub(crate) fn record_payment(
    conn: &mut DbConnection,
    checkout: &CheckoutRow,
    paid: &Paid,
    id: &SubscriptionId,
    now: NaiveDateTime,
) -> Result<PaymentId, ApiError> {
    let reader = ReaderId::from_db(checkout.reader_id.clone());
    let payment_id = PaymentId::generate();
    payments::insert(
        conn,
        &NewPayment {
            id: payment_id.as_str(),
            subscription_id: id.as_str(),
            reader_id: reader.as_str(),
            amount_cents: paid.amount.get(),
            currency: paid.currency.as_str(),
            provider: &checkout.provider,
            provider_payment_id: &paid.provider_payment_id,
            provider_invoice_id: paid.provider_invoice_id.as_deref(),
            paid_at: paid.paid_at,
            created_at: now,
        },
    )?;
    Ok(payment_id)
}
