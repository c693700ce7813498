//! Ending a gift whose money went back to its buyer, whoever returned it:
//! a guarantee refund made by Masthead ([`super::refund`]), or a refund or
//! chargeback made at Stripe (`billing::webhooks::gift`). One conditional
//! move (`paid` or `redeemed` to `refunded`), the `gift` subscription
//! ended at once, and the emails, in the caller's transaction; a gift
//! ended already changes nothing, so an event replayed, or a refund
//! reported by Stripe after Masthead made it, tells nobody twice.

use super::{facts, plan_name};
use crate::db::DbConnection;
use crate::db::gifts::{self, GiftRow};
use crate::db::subscriptions::{self, SubscriptionChanges};
use crate::domain::{GiftId, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use crate::mail::{Letters, messages};
use chrono::NaiveDateTime;

/// How a gift's money went back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MoneyBack<'a> {
    /// The provider's refund (or, for a chargeback, dispute) id.
    pub provider_refund_id: Option<&'a str>,
    /// Who returned it (`buyer`, `staff:<id>`, the provider's actor).
    pub actor: &'a str,
    /// Whether the buyer gets the `gift_refunded` email: not for a
    /// chargeback, which their bank started, not the magazine.
    pub tell_buyer: bool,
}

/// Ends gift `id` at `now`: `None` when it was not `paid` or `redeemed`
/// any more (refunded already); otherwise the gift as it is now, its
/// subscription ended (a redeemed gift's reader loses access at once), the
/// buyer told as `how` says and the recipient once the gift was delivered.
pub(crate) fn end_refunded_gift(
    conn: &mut DbConnection,
    letters: &Letters,
    id: &GiftId,
    how: MoneyBack<'_>,
    now: NaiveDateTime,
) -> Result<Option<GiftRow>, ApiError> {
    if !gifts::mark_refunded(conn, id, how.provider_refund_id, how.actor, now)? {
        return Ok(None);
    }
    let Some(gift) = gifts::find(conn, id)? else {
        return Ok(None);
    };
    end_subscription(conn, &gift, how.actor, now)?;
    let plan = plan_name(conn, &gift)?;
    let about = facts(&gift, &plan);
    if how.tell_buyer {
        crate::jobs::queue_email(conn, &messages::gift_refunded(letters, &about))?;
    }
    if gift.delivered_at.is_some() {
        let told = messages::gift_canceled(letters, &about, now);
        crate::jobs::queue_email(conn, &told)?;
    }
    Ok(Some(gift))
}

/// A redeemed gift's subscription becomes `refunded` at once (access ends).
fn end_subscription(
    conn: &mut DbConnection,
    gift: &GiftRow,
    actor: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let Some(id) = gift.subscription_id.clone().map(SubscriptionId::from_db) else {
        return Ok(());
    };
    let row = subscriptions::find(conn, &id)?;
    if row.state() != Some(SubscriptionState::Gift) {
        return Ok(());
    }
    let changes = SubscriptionChanges {
        ended_at: Some(Some(now)),
        ..SubscriptionChanges::default()
    };
    let why = format!("gift {} refunded to its buyer", gift.id);
    let _ = subscriptions::transition(
        conn,
        &id,
        SubscriptionState::Gift,
        SubscriptionState::Refunded,
        &changes,
        actor,
        Some(&why),
        now,
    )?;
    Ok(())
}
