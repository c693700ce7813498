//! Refunding a gift to its buyer under the money-back guarantee (60 days,
//! `MASTHEAD_REFUND_WINDOW_DAYS`, counted from the purchase): by the
//! receipt's link (no account: the unguessable token is the capability)
//! or by staff (support inside the window, an admin after it with
//! `override`). A refund ends the gift at once, redeemed or not: the
//! `gift` subscription becomes `refunded`; the buyer is told, and so is
//! the recipient once the gift was delivered.
//!
//! The provider is asked first, with a key per gift, so two refunds racing
//! (a replayed link and staff at once) give the money back once; then one
//! transaction moves the gift (conditional on `paid` or `redeemed`), ends
//! its subscription and queues the emails. The loser of a race, and any
//! replay, gets 409 `gift_already_refunded`.

use super::super::provider::Provider;
use super::super::staff::StaffChange;
use super::end::{MoneyBack, end_refunded_gift};
use super::gift_not_found;
use crate::auth::gift_link_token_hash;
use crate::billing::provider::stripe::actor as stripe_actor;
use crate::db::gifts::{self, GiftRow};
use crate::db::{self, Database, DbConnection, audit_log};
use crate::domain::{GiftId, GiftStatus, Guarantee, RefundRefusal, Role, rfc3339_seconds};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{NaiveDateTime, Utc};
use serde_json::json;
use std::sync::Arc;

/// A gift as its refund page shows it, or as a refund left it.
#[derive(Debug, Clone)]
pub struct GiftRefund {
    /// The gift.
    pub gift: GiftRow,
    /// The end of its guarantee (from the purchase).
    pub guarantee: Option<Guarantee>,
    /// Whether the buyer's link can refund it now.
    pub refundable: bool,
}

fn view(gift: GiftRow, window_days: i64, now: NaiveDateTime) -> GiftRefund {
    let guarantee = gift
        .paid_at
        .map(|paid| Guarantee::new(paid.and_utc(), window_days));
    let refundable = matches!(gift.status(), Some(GiftStatus::Paid | GiftStatus::Redeemed))
        && guarantee.is_some_and(|g| g.covers(now.and_utc()));
    GiftRefund {
        gift,
        guarantee,
        refundable,
    }
}

fn by_refund_token(conn: &mut DbConnection, token: &str) -> Result<GiftRow, ApiError> {
    if token.is_empty() || token.len() > 64 {
        return Err(gift_not_found());
    }
    gifts::find_by_refund_hash(conn, &gift_link_token_hash(token))?.ok_or_else(gift_not_found)
}

fn already_refunded() -> ApiError {
    ApiError::conflict(
        "gift_already_refunded",
        "this gift has been refunded already",
    )
}

/// 409 unless the gift was paid (and so can be refunded).
fn ensure_refundable(gift: &GiftRow) -> Result<(), ApiError> {
    match gift.status() {
        Some(GiftStatus::Paid | GiftStatus::Redeemed) => Ok(()),
        Some(GiftStatus::Refunded) => Err(already_refunded()),
        _ => Err(ApiError::conflict(
            "gift_not_paid",
            "this gift was never paid, so there is nothing to refund",
        )),
    }
}

/// What the receipt's refund link shows.
pub async fn view_gift_refund(
    db: &Database,
    letters: &Arc<Letters>,
    token: &str,
) -> Result<GiftRefund, ApiError> {
    let (token, window) = (token.to_owned(), letters.settings().refund_window_days);
    db.run(move |conn| {
        let gift = by_refund_token(conn, &token)?;
        Ok(view(gift, window, Utc::now().naive_utc()))
    })
    .await
}

/// The buyer's refund through the receipt's link: 404 `gift_not_found`, 409
/// `gift_already_refunded` (a replay), 403 `guarantee_window_passed`.
pub async fn refund_gift_by_token(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    token: &str,
) -> Result<GiftRefund, ApiError> {
    let owned = token.to_owned();
    let gift = db.run(move |conn| by_refund_token(conn, &owned)).await?;
    ensure_refundable(&gift)?;
    let window = letters.settings().refund_window_days;
    let now = Utc::now();
    let guarantee = guarantee_of(&gift, window)?;
    if !guarantee.covers(now) {
        return Err(refusal(RefundRefusal::WindowPassed {
            ended: guarantee.ends,
        }));
    }
    refund(db, provider, letters, gift, "buyer".to_owned(), None).await
}

/// A staff refund of gift `id`: support inside the guarantee, an admin
/// after it with `override_window` (422 `override_required` without it,
/// 403 `guarantee_window_passed` for support). Audited.
pub async fn refund_gift_by_staff(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    id: &GiftId,
    role: Role,
    override_window: bool,
    change: StaffChange,
) -> Result<GiftRefund, ApiError> {
    let owned = id.clone();
    let gift = db
        .run(move |conn| gifts::find(conn, &owned)?.ok_or_else(gift_not_found))
        .await?;
    ensure_refundable(&gift)?;
    let guarantee = guarantee_of(&gift, letters.settings().refund_window_days)?;
    guarantee
        .permits(role, Utc::now(), override_window)
        .map_err(refusal)?;
    let actor = change.actor.clone();
    refund(db, provider, letters, gift, actor, Some(change)).await
}

fn guarantee_of(gift: &GiftRow, window_days: i64) -> Result<Guarantee, ApiError> {
    let paid = gift.paid_at.ok_or_else(|| {
        anyhow::anyhow!("gift {} is {} with no payment time", gift.id, gift.status)
    })?;
    Ok(Guarantee::new(paid.and_utc(), window_days))
}

/// The provider's refund, then the move, the subscription's end and the
/// emails in one transaction.
async fn refund(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    gift: GiftRow,
    actor: String,
    staff: Option<StaffChange>,
) -> Result<GiftRefund, ApiError> {
    let payment = gift
        .provider_payment_id
        .clone()
        .ok_or_else(|| anyhow::anyhow!("paid gift {} has no payment id", gift.id))?;
    let made = provider
        .refund_gift(&gift.gift_id(), &gift.provider, &payment, gift.amount_cents)
        .await?;
    let letters = Arc::clone(letters);
    let window = letters.settings().refund_window_days;
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            let id = gift.gift_id();
            let how = MoneyBack {
                provider_refund_id: made.provider_refund_id.as_deref(),
                actor: &actor,
                tell_buyer: true,
            };
            let gift = match end_refunded_gift(conn, &letters, &id, how, now)? {
                Some(gift) => gift,
                None => reported_first(conn, &id, made.provider_refund_id.as_deref())?,
            };
            if let Some(change) = &staff {
                let mut entry = change.audit.clone();
                entry.reader_id = gift.redeemed_by.clone().or(gift.buyer_reader_id.clone());
                let entry = entry
                    .reason(Some(&change.reason))
                    .details(&json!({
                        "gift": gift.id,
                        "amount_cents": gift.amount_cents,
                        "currency": gift.currency,
                        "provider_refund_id": gift.provider_refund_id,
                    }))
                    .at(now);
                audit_log::record(conn, &entry)?;
            }
            Ok(view(gift, window, now))
        })
    })
    .await
}

/// The gift when Stripe's report of this very refund (`charge.refunded`,
/// naming the refund's id) ended it while the refund was being made: the
/// webhook told everyone, so the refund stands; 409
/// `gift_already_refunded` for any other refund (a replay, a racing one).
fn reported_first(
    conn: &mut DbConnection,
    id: &GiftId,
    refund: Option<&str>,
) -> Result<GiftRow, ApiError> {
    let gift = gifts::find(conn, id)?.ok_or_else(gift_not_found)?;
    let by_provider = gift.refunded_by.as_deref() == Some(stripe_actor().as_str());
    if refund.is_some() && by_provider && gift.provider_refund_id.as_deref() == refund {
        return Ok(gift);
    }
    Err(already_refunded())
}

fn refusal(refusal: RefundRefusal) -> ApiError {
    match refusal {
        RefundRefusal::WindowPassed { ended } => ApiError::forbidden(
            "guarantee_window_passed",
            format!(
                "the money-back guarantee of this gift ended on {}; ask the magazine's support",
                rfc3339_seconds(ended)
            ),
        ),
        RefundRefusal::OverrideRequired { ended } => ApiError::unprocessable(
            "override_required",
            format!(
                "the money-back guarantee ended on {}; send `override: true` with a reason to refund anyway",
                rfc3339_seconds(ended)
            ),
        ),
    }
}
