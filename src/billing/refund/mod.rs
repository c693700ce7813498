//! Refunding a subscription under the money-back guarantee, once.
//!
//! 1. **Claim** (one write transaction): check the subscription can be
//!    refunded, the guarantee or the admin's override, and take the
//!    subscription's refund claim. Of twenty concurrent calls one gets the
//!    claim; the others see it in flight (409 `refund_in_progress`) or done
//!    (the same result, replayed).
//! 2. **Refund every payment** at the provider, each recorded as soon as
//!    the provider confirms it (the idempotency key names the payment and
//!    what was refunded of it, so a retry never refunds twice).
//! 3. **End the subscription at the provider** now, so nothing renews.
//! 4. **Finish** (one write transaction): `refunded`, its event, the claim
//!    marked done, the reader's request approved, the audit entry, and the
//!    reader's email (the refund confirmed, or their request approved).
//!
//! A provider failure in 2 or 3 leaves the subscription as it was (access
//! continues), releases the claim with the reason, and says why; refunds
//! the provider did make stay recorded, because the money did move, and a
//! retry refunds only what is left.
//!
//! A claim whose holder died (its process killed mid-refund) goes stale
//! after five minutes: the next staff request takes it over, and so does
//! the `take_over_refunds` sweep ([`take_over_stale_claims`]), which
//! finishes it as its holder would have, with the same idempotency keys.

mod claim;
mod finish;
mod record;
mod take_over;

pub(crate) use record::record_as;
pub(crate) use take_over::take_over_stale_claims;

use super::provider::Provider;
use crate::db::audit_log::AuditEntry;
use crate::db::refunds::RefundRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{self, Database};
use crate::domain::{Guarantee, Role, SubscriptionId};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::Utc;
use claim::Claim;
use std::sync::Arc;

/// A staff member's order to refund a subscription.
#[derive(Debug, Clone)]
pub struct RefundOrder {
    /// What to refund.
    pub subscription: SubscriptionId,
    /// Why, in the staff member's words (stored on the refunds, the
    /// subscription's event and the audit entry).
    pub reason: String,
    /// An admin's explicit choice to refund after the guarantee.
    pub override_window: bool,
    /// The request's `Idempotency-Key`, when sent.
    pub idempotency_key: Option<String>,
    /// The staff member's role (the guarantee's rules depend on it).
    pub role: Role,
    /// Who the history names (`staff:<id>`).
    pub actor: String,
    /// The audit entry to write with the change (who, request id).
    pub audit: AuditEntry,
    /// The reader's refund request this approves, if any.
    pub request: Option<String>,
    /// What support wrote to the reader approving it, if anything (their
    /// email shows it).
    pub note: Option<String>,
    /// The guarantee in days (`MASTHEAD_REFUND_WINDOW_DAYS`).
    pub window_days: i64,
}

/// What a refund did (or, replayed, had done).
#[derive(Debug, Clone)]
pub struct RefundOutcome {
    /// The subscription, now `refunded`.
    pub subscription: SubscriptionRow,
    /// Every refund recorded on it.
    pub refunds: Vec<RefundRow>,
    /// Whether this call found the refund already done.
    pub replayed: bool,
    /// Whether it was inside the guarantee (`false`: an admin override).
    pub within_guarantee: bool,
}

/// Refunds the subscription in full and ends it now, once however often
/// and however concurrently it is asked. Counted in the request's metrics
/// (`masthead_staff_refunds_total`).
pub async fn refund_subscription(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    order: RefundOrder,
) -> Result<RefundOutcome, ApiError> {
    let result = refund_once(db, provider, letters, order).await;
    crate::metrics::with_current(|metrics| {
        metrics.refunds.observe(&result, |done| done.replayed);
    });
    result
}

async fn refund_once(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    order: RefundOrder,
) -> Result<RefundOutcome, ApiError> {
    let claimed = {
        let order = order.clone();
        db.run(move |conn| {
            let now = Utc::now();
            db::write_transaction(conn, |conn| claim::claim(conn, &order, now))
        })
        .await?
    };
    let (subscription, payments, within_guarantee) = match claimed {
        Claim::Done => return replay(db, &order).await,
        Claim::Go {
            subscription,
            payments,
            within_guarantee,
        } => (subscription, payments, within_guarantee),
    };
    let subscription = refund_and_finish(
        db,
        provider,
        letters,
        &order,
        (&subscription, payments),
        within_guarantee,
    )
    .await?;
    let refunds = {
        let id = order.subscription.clone();
        db.run(move |conn| Ok(db::refunds::for_subscription(conn, &id)?))
            .await?
    };
    Ok(RefundOutcome {
        subscription,
        refunds,
        replayed: false,
        within_guarantee,
    })
}

/// Steps 2 to 4 for the holder of the claim: every payment refunded at the
/// provider (each recorded at once), the subscription ended there, then
/// finished here; on a provider failure the claim is released with why.
async fn refund_and_finish(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    order: &RefundOrder,
    (subscription, payments): (&SubscriptionRow, Vec<db::payments::PaymentRow>),
    within_guarantee: bool,
) -> Result<SubscriptionRow, ApiError> {
    let provider_work = async {
        for payment in payments {
            if payment.amount_cents > payment.refunded_cents {
                let refunded = provider.refund(&payment).await?;
                crate::metrics::with_current(|metrics| {
                    (metrics.refunds).refunded(&payment.currency, refunded.amount_cents);
                });
                record::record(db, &payment, refunded, order).await?;
            }
        }
        provider.cancel_now(subscription).await?;
        Ok::<_, ApiError>(())
    };
    if let Err(error) = provider_work.await {
        finish::release(db, &order.subscription, &error).await;
        return Err(error);
    }
    finish::finish(db, letters, order, within_guarantee).await
}

/// The result of a refund done before: the subscription and its refunds,
/// and whether it ended inside the guarantee.
async fn replay(db: &Database, order: &RefundOrder) -> Result<RefundOutcome, ApiError> {
    let (id, window_days) = (order.subscription.clone(), order.window_days);
    db.run(move |conn| {
        let subscription = db::subscriptions::find(conn, &id)?;
        let refunds = db::refunds::for_subscription(conn, &id)?;
        let payments = db::payments::for_subscription(conn, &id)?;
        let ended = subscription.ended_at.unwrap_or(subscription.updated_at);
        let first_paid = payments.iter().find(|p| p.amount_cents > 0);
        let within_guarantee = first_paid.is_some_and(|first| {
            Guarantee::new(first.paid_at.and_utc(), window_days).covers(ended.and_utc())
        });
        Ok(RefundOutcome {
            subscription,
            refunds,
            replayed: true,
            within_guarantee,
        })
    })
    .await
}
