//! Money of a gift returned at Stripe: a refund from the dashboard
//! (`charge.refunded`,
//! <https://docs.stripe.com/api/events/types#event_types-charge.refunded>)
//! or a chargeback (`charge.dispute.created`,
//! <https://docs.stripe.com/api/disputes/object>) of the payment intent
//! that paid a gift ends the gift at once, as a guarantee refund does
//! (`billing::gifts::end_refunded_gift`): redeemed or not, the recipient
//! told once it was delivered, the buyer told of a refund (not of their
//! own chargeback). A gift ended already (the event replayed, or the
//! report of a refund Masthead made) changes nothing. A partial refund
//! leaves the gift running (logged for staff), as a partial refund of a
//! subscription payment keeps its access.

use super::{Context, PROVIDER, fields};
use crate::billing::gifts::{MoneyBack, end_refunded_gift};
use crate::db::DbConnection;
use crate::db::gifts::{self, GiftRow};
use crate::error::ApiError;

/// The gift the charge or dispute `object` is of: paid by its
/// `payment_intent` (or, failing that, by its charge).
fn gift_of(
    conn: &mut DbConnection,
    object: &serde_json::Value,
    charge: Option<&str>,
) -> Result<Option<GiftRow>, ApiError> {
    let ids: Vec<&str> = [fields::id(object, &["payment_intent"]), charge]
        .into_iter()
        .flatten()
        .collect();
    if ids.is_empty() {
        return Ok(None);
    }
    Ok(gifts::find_by_payment(conn, PROVIDER, &ids)?)
}

/// `charge.refunded` of a gift's payment: `true` when the charge paid a
/// gift (handled here), `false` to look for a subscription payment.
pub fn refunded(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<bool, ApiError> {
    let charge = context.event.object.clone();
    let Some(gift) = gift_of(conn, &charge, fields::text(&charge, &["id"]))? else {
        return Ok(false);
    };
    let refunded = fields::int(&charge, &["amount_refunded"]).unwrap_or(0);
    let in_full =
        fields::flag(&charge, &["refunded"]) == Some(true) || refunded >= gift.amount_cents;
    if !in_full {
        tracing::warn!(event = %context.event.id, gift = %gift.id, refunded, "part of a gift's payment refunded at stripe; the gift keeps running, staff decide");
        return Ok(true);
    }
    let refund = fields::list(&charge, &["refunds"])
        .iter()
        .find(|refund| {
            matches!(
                fields::text(refund, &["status"]),
                Some("succeeded" | "pending") | None
            )
        })
        .and_then(|refund| fields::text(refund, &["id"]))
        .map(str::to_owned);
    end(conn, context, &gift, refund.as_deref(), true)?;
    Ok(true)
}

/// `charge.dispute.created` of a gift's payment: `true` when the dispute
/// is of a gift (handled here), `false` to look for a subscription payment.
pub fn disputed(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<bool, ApiError> {
    let dispute = context.event.object.clone();
    let Some(gift) = gift_of(conn, &dispute, fields::id(&dispute, &["charge"]))? else {
        return Ok(false);
    };
    let id = fields::text(&dispute, &["id"]).map(str::to_owned);
    tracing::warn!(event = %context.event.id, gift = %gift.id, "stripe dispute of a gift's payment; the gift ends");
    end(conn, context, &gift, id.as_deref(), false)?;
    Ok(true)
}

fn end(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    gift: &GiftRow,
    returned_by: Option<&str>,
    tell_buyer: bool,
) -> Result<(), ApiError> {
    let actor = super::actor();
    let how = MoneyBack {
        provider_refund_id: returned_by,
        actor: &actor,
        tell_buyer,
    };
    match end_refunded_gift(conn, context.letters, &gift.gift_id(), how, context.now)? {
        Some(ended) => {
            if let Some(reader) = ended.redeemed_by.as_deref() {
                context.touch(reader);
            }
            tracing::info!(event = %context.event.id, gift = %gift.id, "gift ended: its money went back at stripe");
        }
        None => {
            tracing::info!(event = %context.event.id, gift = %gift.id, status = %gift.status, "stripe returned a gift's money that was not paid or redeemed (refunded already); nothing to do");
        }
    }
    Ok(())
}
