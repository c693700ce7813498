//! Step 2's bookkeeping: a refund the provider confirmed is recorded at
//! once, in its own write transaction, so the money that moved is on the
//! books even if a later step fails. Stripe also reports the refund by
//! webhook; whichever arrives second finds it recorded (by the provider's
//! refund id, or as the unnamed amount it then names) and adds nothing.

use super::RefundOrder;
use crate::billing::ProviderRefund;
use crate::db::payments::PaymentRow;
use crate::db::refunds::{self, NewRefund};
use crate::db::{self, Database, provider_payments};
use crate::error::ApiError;
use chrono::Utc;

pub(super) async fn record(
    db: &Database,
    payment: &PaymentRow,
    refund: ProviderRefund,
    order: &RefundOrder,
) -> Result<(), ApiError> {
    record_as(
        db,
        payment,
        refund,
        order.actor.clone(),
        order.reason.clone(),
    )
    .await
}

/// Records a refund the provider confirmed of `payment`, by `actor` for
/// `reason` (a staff refund, or Masthead's own of a duplicate payment).
pub(crate) async fn record_as(
    db: &Database,
    payment: &PaymentRow,
    refund: ProviderRefund,
    actor: String,
    reason: String,
) -> Result<(), ApiError> {
    let payment_id = payment.id.clone();
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let payment = provider_payments::find(conn, &payment_id)?;
            if let Some(provider_id) = refund.provider_refund_id.as_deref()
                && (refunds::find_by_provider_id(conn, provider_id)?.is_some()
                    || refunds::adopt_provider_id(
                        conn,
                        &payment.payment_id(),
                        refund.amount_cents,
                        provider_id,
                    )?)
            {
                return Ok(());
            }
            let amount = refund
                .amount_cents
                .min(payment.amount_cents - payment.refunded_cents);
            if amount <= 0 {
                return Ok(());
            }
            let id = uuid::Uuid::now_v7().to_string();
            refunds::insert(
                conn,
                &NewRefund {
                    id: &id,
                    payment_id: &payment.id,
                    subscription_id: &payment.subscription_id,
                    amount_cents: amount,
                    currency: &payment.currency,
                    provider: &payment.provider,
                    provider_refund_id: refund.provider_refund_id.as_deref(),
                    reason: Some(&reason),
                    actor: &actor,
                    created_at: now,
                },
            )?;
            Ok(())
        })
    })
    .await
}
