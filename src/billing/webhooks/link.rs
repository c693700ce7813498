//! From Stripe's ids to ours. A Stripe subscription carries our checkout
//! and reader in its metadata (`subscription_data.metadata`, also on its
//! invoices' `parent.subscription_details`), a Checkout Session carries
//! the checkout as `client_reference_id`. Whichever paid event arrives
//! first completes the checkout through [`complete_checkout`], which is
//! idempotent; the others find the subscription it created.

use super::{Context, PROVIDER, apply, fields};
use crate::billing::{Completion, Paid, complete_checkout};
use crate::db::DbConnection;
use crate::db::checkouts::{self, CheckoutRow};
use crate::db::subscriptions::{self, SubscriptionRow, provider};
use crate::domain::{AmountCents, CheckoutId, Currency, ReaderId};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::Value;

/// What an event says about whose subscription it is.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// Our checkout id.
    pub checkout: Option<String>,
    /// Our reader id, to cross-check the checkout's.
    pub reader: Option<String>,
    /// Stripe's `sub_...`.
    pub subscription: Option<String>,
    /// Stripe's `cus_...`.
    pub customer: Option<String>,
}

impl Refs {
    /// Reads `checkout_id` and `reader_id` from a metadata object.
    pub fn with_metadata(mut self, metadata: Option<&Value>) -> Self {
        let read = |key: &str| {
            metadata
                .and_then(|m| fields::text(m, &[key]))
                .map(str::to_owned)
        };
        self.checkout = self.checkout.or_else(|| read("checkout_id"));
        self.reader = self.reader.or_else(|| read("reader_id"));
        self
    }
}

/// What an event says about a payment; what it leaves out comes from the
/// checkout's quote.
#[derive(Debug, Clone, Default)]
pub struct PaymentFacts {
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// `in_...`.
    pub invoice: Option<String>,
    /// `pi_...` (or `ch_...`), when the event names it.
    pub payment: Option<String>,
    /// `ch_...`, when the event names it (older API versions' invoices).
    pub charge: Option<String>,
    pub period: Option<(NaiveDateTime, NaiveDateTime)>,
    pub paid_at: Option<NaiveDateTime>,
    /// The event reports a free trial (`trialing`).
    pub trial: bool,
    /// The invoice's number and hosted page, from an invoice event.
    pub invoice_number: Option<String>,
    pub invoice_url: Option<String>,
}

impl PaymentFacts {
    /// What a receipt tells of the invoice: its number, hosted page and
    /// the period its lines pay for.
    pub fn invoice_facts(&self) -> crate::billing::notices::InvoiceFacts {
        crate::billing::notices::InvoiceFacts {
            number: self.invoice_number.clone(),
            url: self.invoice_url.clone(),
            period: self.period,
        }
    }

    /// The id the payment is recorded under: its payment intent when
    /// known, else its invoice.
    pub fn key(&self) -> Option<&str> {
        self.payment.as_deref().or(self.invoice.as_deref())
    }

    pub(super) fn paid(
        &self,
        refs: &Refs,
        checkout: &CheckoutRow,
        at: NaiveDateTime,
    ) -> Result<Paid, ApiError> {
        let key = self
            .key()
            .ok_or_else(|| anyhow::anyhow!("a payment without an id"))?;
        // Without an amount, the checkout's quote: its first payment (less
        // the offer's discount), or nothing during its free trial.
        let quoted = if checkout.trial_days > 0 {
            0
        } else {
            checkout.payment_cents(1)
        };
        let amount = self
            .amount
            .and_then(|amount| AmountCents::parse(amount).ok())
            .or_else(|| AmountCents::parse(quoted).ok())
            .ok_or_else(|| anyhow::anyhow!("checkout {} has a negative price", checkout.id))?;
        // A $0 first invoice of a checkout quoted a trial is the trial
        // (the session's event says `no_payment_required`, not `trialing`).
        let trial = self.trial || (checkout.trial_days > 0 && amount.get() == 0);
        let currency = self
            .currency
            .clone()
            .and_then(|currency| Currency::parse(currency).ok())
            .or_else(|| Currency::parse(checkout.currency.clone()).ok())
            .ok_or_else(|| anyhow::anyhow!("checkout {} has no usable currency", checkout.id))?;
        let (period_start, period_end) = if let Some(period) = self.period {
            period
        } else if trial {
            (
                at,
                at + chrono::Duration::days(i64::from(checkout.trial_days)),
            )
        } else {
            let end = checkout
                .billing_interval()
                .and_then(|interval| interval.period_end(at))
                .ok_or_else(|| {
                    anyhow::anyhow!("checkout {} has no usable interval", checkout.id)
                })?;
            (at, end)
        };
        Ok(Paid {
            period_start,
            period_end,
            provider_customer_id: refs.customer.clone(),
            provider_subscription_id: refs.subscription.clone(),
            amount,
            currency,
            provider_payment_id: key.to_owned(),
            provider_invoice_id: self.invoice.clone(),
            invoice_number: self.invoice_number.clone(),
            invoice_url: self.invoice_url.clone(),
            paid_at: at,
            trial,
        })
    }
}

/// Our subscription for `refs`, its reader locked: by Stripe's subscription
/// id, else through the checkout that created it.
pub fn find(conn: &mut DbConnection, refs: &Refs) -> Result<Option<SubscriptionRow>, ApiError> {
    let mut row = match &refs.subscription {
        Some(id) => provider::find_by_provider_subscription(conn, PROVIDER, id)?,
        None => None,
    };
    if row.is_none()
        && let Some(checkout) = refs.checkout.as_deref().and_then(CheckoutId::parse)
        && let Some(subscription) = checkouts::find(conn, &checkout)?.and_then(|c| c.subscription())
    {
        row = Some(subscriptions::find(conn, &subscription)?);
    }
    row.map(|row| apply::lock(conn, &row)).transpose()
}

/// Completes the checkout `refs` names as paid (`facts`), or finds the
/// subscription an earlier event completed it with. `Ok(None)` (logged)
/// when the event names no usable checkout of ours; nothing is written
/// then. A checkout paid while the reader has a renewing subscription
/// becomes a `duplicate` one ([`super::duplicate::record`]).
pub fn complete(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    refs: &Refs,
    facts: &PaymentFacts,
) -> Result<Option<SubscriptionRow>, ApiError> {
    let event = &context.event.id;
    let Some(checkout) = refs.checkout.as_deref().and_then(CheckoutId::parse) else {
        tracing::warn!(%event, "stripe event names no checkout of ours; not applied");
        return Ok(None);
    };
    let Some(row) = checkouts::find(conn, &checkout)? else {
        tracing::warn!(%event, %checkout, "stripe event names an unknown checkout; not applied");
        return Ok(None);
    };
    if refs
        .reader
        .as_deref()
        .is_some_and(|reader| reader != row.reader_id)
    {
        tracing::warn!(%event, %checkout, "stripe event names another reader than the checkout's; not applied");
        return Ok(None);
    }
    if facts.key().is_none() {
        tracing::warn!(%event, %checkout, "stripe event names no invoice or payment; left to the next event");
        return Ok(None);
    }
    // Stripe's time of payment (a delivery retried for days still completes
    // a checkout paid before it expired), never before the checkout began.
    let at = facts
        .paid_at
        .unwrap_or(context.at)
        .min(context.now)
        .max(row.created_at);
    let reader = ReaderId::from_db(row.reader_id.clone());
    let reason = context.reason();
    let completion = conn.transaction(|conn| {
        complete_checkout(
            conn,
            context.letters,
            &checkout,
            &reader,
            PROVIDER,
            &super::actor(),
            at,
            |checkout| facts.paid(refs, checkout, at),
        )
    });
    let subscription = match completion {
        Ok(Completion::Activated(row) | Completion::AlreadyCompleted(row)) => row,
        Ok(Completion::Expired) => {
            tracing::error!(%event, %checkout, "stripe reports a payment for a checkout that expired first; needs staff");
            return Ok(None);
        }
        // Two checkouts paid (two tabs): the second is recorded, then
        // cancelled and refunded at Stripe (see `duplicate`).
        Err(ApiError::Conflict {
            code: "already_subscribed",
            ..
        }) => return super::duplicate::record(conn, context, refs, facts, &row, at),
        Err(error @ (ApiError::NotFound { .. } | ApiError::Conflict { .. })) => {
            tracing::error!(%event, %checkout, %reason, %error, "stripe reports a payment Masthead cannot turn into a subscription; needs staff");
            return Ok(None);
        }
        Err(error) => return Err(error),
    };
    provider::link_provider_ids(
        conn,
        &subscription.subscription_id(),
        refs.customer.as_deref(),
        refs.subscription.as_deref(),
    )?;
    context.touch(&subscription.reader_id);
    Ok(Some(apply::lock(conn, &subscription)?))
}
