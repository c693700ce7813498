//! `charge.dispute.created`: the cardholder's bank takes the money back
//! while the dispute runs. The subscription is flagged (`disputed_at`, for
//! staff) and access ends at once as `refunded` — the state for "money
//! returned, access ended", which a dispute is from the moment Stripe
//! withdraws the funds (`expired` would claim the paid period ran out).
//! No row goes to `refunds`: a dispute is not a refund we made, and refund
//! totals stay what we gave back.

use super::{Context, PROVIDER, apply, fields};
use crate::db::subscriptions::{self, SubscriptionChanges, provider};
use crate::db::{DbConnection, provider_payments};
use crate::domain::{SubscriptionId, SubscriptionState};
use crate::error::ApiError;

/// Flags the disputed payment's subscription and ends its access.
pub fn created(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let dispute = &context.event.object;
    let ids: Vec<&str> = [
        fields::id(dispute, &["payment_intent"]),
        fields::id(dispute, &["charge"]),
    ]
    .into_iter()
    .flatten()
    .collect();
    let Some(payment) = provider_payments::find_by_payment_ids(conn, PROVIDER, &ids)? else {
        tracing::warn!(event = %context.event.id, "stripe dispute of a payment Masthead did not record; ignored");
        return Ok(());
    };
    let row = subscriptions::find(conn, &SubscriptionId::from_db(payment.subscription_id))?;
    let row = apply::lock(conn, &row)?;
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
    } else {
        context.touch(&row.reader_id);
    }
    Ok(())
}
