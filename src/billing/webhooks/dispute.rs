//! Disputes (chargebacks): `charge.dispute.created`, `.closed` and
//! `.funds_reinstated` (<https://docs.stripe.com/disputes/how-disputes-work>).
//! While a dispute runs the cardholder's bank holds the money: the
//! subscription is flagged (`disputed_at`, for staff), access ends at once
//! as `refunded` (the state for "money returned, access ended"), and
//! collection at Stripe is paused with `behavior: void` so the reader is
//! not charged again meanwhile. Won (or an inquiry closed without a
//! chargeback, `warning_closed`; or the funds reinstated), collection
//! resumes and access returns; lost, the Stripe subscription is cancelled.
//! Stripe calls are follow-ups, run after the event is answered. No row
//! goes to `refunds`: a dispute is not a refund we made. A dispute of a
//! charge that is not a subscription payment of ours changes nothing; one
//! of a gift's payment ends the gift ([`super::gift`]).

use super::{Context, apply, fields};
use crate::billing::follow_ups::{self, FollowUp, FollowUpKind};
use crate::db::DbConnection;
use crate::db::payments::PaymentRow;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, provider};
use crate::domain::{SubscriptionId, SubscriptionState};
use crate::error::ApiError;

/// The disputed payment and its subscription (its reader locked), or
/// `None` (logged) for a charge that is not ours.
fn disputed(
    conn: &mut DbConnection,
    context: &Context<'_>,
) -> Result<Option<(PaymentRow, SubscriptionRow)>, ApiError> {
    let dispute = &context.event.object;
    let ids = [
        fields::id(dispute, &["payment_intent"]),
        fields::id(dispute, &["charge"]),
    ];
    let Some(payment) = super::refund::find_payment(conn, &ids, None, None)? else {
        tracing::info!(event = %context.event.id, "stripe dispute of a charge that is not a subscription payment of ours; ignored");
        return Ok(None);
    };
    let row = subscriptions::find(
        conn,
        &SubscriptionId::from_db(payment.subscription_id.clone()),
    )?;
    let row = apply::lock(conn, &row)?;
    Ok(Some((payment, row)))
}

fn queue(
    conn: &mut DbConnection,
    context: &Context<'_>,
    row: &SubscriptionRow,
    kind: FollowUpKind,
) -> Result<(), ApiError> {
    let Some(stripe_subscription) = row.provider_subscription_id.as_deref() else {
        return Ok(());
    };
    let reason = context.reason();
    follow_ups::queue(
        conn,
        &FollowUp {
            event: &context.event.id,
            kind,
            target: stripe_subscription,
            subscription: Some(&row.id),
            reason: &reason,
        },
        context.now,
    )
}

/// Flags the disputed payment's subscription, ends its access and pauses
/// its collection at Stripe.
pub fn created(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    if super::gift::disputed(conn, context)? {
        return Ok(());
    }
    let Some((_, row)) = disputed(conn, context)? else {
        return Ok(());
    };
    provider::mark_disputed(conn, &row.subscription_id(), context.at)?;
    tracing::warn!(event = %context.event.id, subscription = %row.id, "stripe dispute opened; access ended");
    if row
        .state()
        .is_some_and(|state| state.can_become(SubscriptionState::Refunded))
    {
        let changes = SubscriptionChanges {
            ended_at: Some(Some(context.now)),
            ..SubscriptionChanges::default()
        };
        apply::move_to(conn, context, &row, SubscriptionState::Refunded, &changes)?;
        queue(conn, context, &row, FollowUpKind::PauseCollection)?;
    } else {
        context.touch(&row.reader_id);
    }
    Ok(())
}

/// `charge.dispute.closed`: `won` (or `warning_closed`) gives access back
/// and resumes collection; `lost` cancels the Stripe subscription.
pub fn closed(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let status = fields::text(&context.event.object, &["status"]).map(str::to_owned);
    match status.as_deref() {
        Some("won" | "warning_closed") => won(conn, context),
        Some("lost") => {
            let Some((_, row)) = disputed(conn, context)? else {
                return Ok(());
            };
            tracing::warn!(event = %context.event.id, subscription = %row.id, "stripe dispute lost; the subscription stays ended and is cancelled at Stripe");
            queue(conn, context, &row, FollowUpKind::CancelSubscription)
        }
        other => {
            tracing::info!(event = %context.event.id, status = ?other, "stripe dispute closed with a status that changes nothing here");
            Ok(())
        }
    }
}

/// A dispute decided for us (closed `won`, or the funds reinstated,
/// whichever arrives first): access returns and collection resumes.
pub fn won(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let Some((payment, row)) = disputed(conn, context)? else {
        return Ok(());
    };
    let refunded = payment.refunded_cents >= payment.amount_cents;
    if row.state() != Some(SubscriptionState::Refunded) || refunded {
        tracing::info!(event = %context.event.id, subscription = %row.id, "stripe dispute won for a subscription not ended by it; nothing to give back");
        return Ok(());
    }
    if provider::disputed_at(conn, &row.subscription_id())?.is_none() {
        return Ok(());
    }
    apply::reverse_refunded(conn, context, &row)?;
    queue(conn, context, &row, FollowUpKind::ResumeCollection)
}
