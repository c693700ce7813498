//! Finishing refunds whose claim went stale: the staff request holding
//! it died (its process killed between the provider's answer and our
//! record), so the subscription stays half-refunded until someone asks
//! again. The `take_over_refunds` sweep asks again on the holder's
//! behalf: the claim records what the holder was authorised to do (the
//! guarantee and role were checked when it was taken), who asked and why,
//! and the provider calls repeat with the same idempotency keys (they name
//! the payment and what was refunded of it), so money the dead process
//! already moved is found, not moved twice.
//!
//! What the claim does not keep: the reader's refund request it approved
//! (their pending request is closed with the refund, and they get the
//! `refund_confirmed` email rather than `refund_request_approved`) and
//! the original request id (the audit entry says it was taken over).

use super::claim::STALE_AFTER;
use super::{RefundOrder, refund_and_finish};
use crate::billing::provider::Provider;
use crate::db::audit_log::AuditEntry;
use crate::db::refund_claims::{self, RefundClaimRow};
use crate::db::{self, Database, payments, readers, subscriptions};
use crate::domain::{Actor, AuditAction, Guarantee, Role, SubscriptionId};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::Utc;
use std::sync::Arc;

/// Finishes every refund whose claim is stale; returns how many this call
/// finished. One that fails again (the provider down) is released with
/// why, as a staff request's would be, and support sees it failed.
pub(crate) async fn take_over_stale_claims(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    window_days: i64,
) -> Result<usize, ApiError> {
    let before = Utc::now().naive_utc() - STALE_AFTER;
    let stale = db
        .run(move |conn| Ok(refund_claims::stale(conn, before)?))
        .await?;
    let mut finished = 0;
    for claim in stale {
        let subscription = claim.subscription_id.clone();
        match take_over(db, provider, letters, claim, window_days).await {
            Ok(true) => finished += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(%subscription, %error, "a stale refund could not be finished; its claim is released");
            }
        }
    }
    Ok(finished)
}

/// Takes over `claim` (unless another taker restamped it first) and
/// finishes its refund; `false` when someone else holds it now.
async fn take_over(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    claim: RefundClaimRow,
    window_days: i64,
) -> Result<bool, ApiError> {
    let id = SubscriptionId::from_db(claim.subscription_id.clone());
    let taken = {
        let (id, taken_at, actor) = (id.clone(), claim.started_at, claim.actor.clone());
        db.run(move |conn| {
            let now = Utc::now().naive_utc();
            db::write_transaction(conn, |conn| {
                if !refund_claims::take_over(conn, id.as_str(), taken_at, now)? {
                    return Ok(None);
                }
                let subscription = subscriptions::find(conn, &id)?;
                let payments = payments::for_subscription(conn, &id)?;
                let role = match Actor::parse(&actor) {
                    Some(Actor::Staff(staff)) => readers::find(conn, &staff)?.role(),
                    _ => Role::Admin,
                };
                Ok(Some((subscription, payments, role)))
            })
        })
        .await?
    };
    let Some((subscription, payments, role)) = taken else {
        return Ok(false);
    };
    let within_guarantee = payments
        .iter()
        .find(|payment| payment.amount_cents > 0)
        .is_some_and(|first| {
            Guarantee::new(first.paid_at.and_utc(), window_days).covers(claim.started_at.and_utc())
        });
    let staff_id = match Actor::parse(&claim.actor) {
        Some(Actor::Staff(staff)) => staff.to_string(),
        _ => claim.actor.clone(),
    };
    let order = RefundOrder {
        subscription: id.clone(),
        reason: claim.reason.clone(),
        override_window: !within_guarantee,
        idempotency_key: claim.idempotency_key.clone(),
        role,
        actor: claim.actor.clone(),
        audit: AuditEntry {
            staff_id,
            staff_role: role,
            action: AuditAction::SubscriptionRefunded,
            target_type: "subscription".to_owned(),
            target_id: id.to_string(),
            reader_id: None,
            reason: None,
            details: None,
            request_id: Some("take_over_refunds".to_owned()),
            occurred_at: Utc::now().naive_utc(),
        },
        request: None,
        note: None,
        window_days,
    };
    refund_and_finish(
        db,
        provider,
        letters,
        &order,
        (&subscription, payments),
        within_guarantee,
    )
    .await?;
    tracing::info!(subscription = %id, actor = %claim.actor, "a stale refund was taken over and finished");
    Ok(true)
}
