//! Redeeming a gift: the recipient (any logged-in reader holding the
//! emailed link) turns it into a `gift` subscription of its tier for its
//! months. A reader who already pays gets the gift after their paid
//! period: their subscription is set to end at its period end (nothing
//! is charged while the gift runs) and the gift starts then; a running
//! gift is likewise followed, not overlapped. Insert and `paid` to
//! `redeemed` are one transaction, and the status move is conditional, so
//! two redemptions racing create one subscription.

use super::super::cancel::cancel_at_period_end;
use super::super::provider::Provider;
use super::{gift_not_found, plan_name};
use crate::auth::gift_link_token_hash;
use crate::db::gifts::{self, GiftRow};
use crate::db::subscriptions::{self, NewSubscription, SubscriptionRow};
use crate::db::{self, Database, DbConnection, readers};
use crate::domain::{
    Actor, GiftMonths, GiftStatus, ReaderId, Reason, SubscriptionId, SubscriptionState,
};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::sync::Arc;

/// What a gift link shows before it is redeemed.
#[derive(Debug, Clone)]
pub struct GiftView {
    /// The tier's id and name.
    pub tier: (String, String),
    /// How long.
    pub months: u32,
    /// Who gave it.
    pub from: String,
    /// Their message.
    pub message: Option<String>,
    /// Where it stands.
    pub status: GiftStatus,
    /// Whether `POST .../redeem` can succeed now.
    pub redeemable: bool,
}

/// A redeemed gift.
#[derive(Debug, Clone)]
pub struct Redeemed {
    /// The `gift` subscription.
    pub subscription: SubscriptionRow,
    /// When it starts granting (now, or when a paid period ends).
    pub starts_at: DateTime<Utc>,
}

/// The gift `token` names; 404 `gift_not_found` otherwise.
fn by_token(conn: &mut DbConnection, token: &str) -> Result<GiftRow, ApiError> {
    if token.is_empty() || token.len() > 64 {
        return Err(gift_not_found());
    }
    gifts::find_by_redeem_hash(conn, &gift_link_token_hash(token))?.ok_or_else(gift_not_found)
}

/// What `token`'s gift is and whether it can be redeemed.
pub async fn view_gift(db: &Database, token: &str) -> Result<GiftView, ApiError> {
    let token = token.to_owned();
    db.run(move |conn| {
        let gift = by_token(conn, &token)?;
        let plan = plan_name(conn, &gift)?;
        let status = gift.status().unwrap_or(GiftStatus::Expired);
        Ok(GiftView {
            tier: (gift.tier_id.clone(), plan),
            months: u32::try_from(gift.months).unwrap_or_default(),
            from: gift.buyer_email.clone(),
            message: gift.message.clone(),
            status,
            redeemable: status == GiftStatus::Paid,
        })
    })
    .await
}

fn refused(status: Option<GiftStatus>) -> ApiError {
    match status {
        Some(GiftStatus::Redeemed) => ApiError::conflict(
            "gift_already_redeemed",
            "this gift has been redeemed already",
        ),
        Some(GiftStatus::Refunded) => ApiError::conflict(
            "gift_refunded",
            "this gift was refunded to its buyer and can no longer be redeemed",
        ),
        _ => gift_not_found(),
    }
}

/// Redeems `token`'s gift for `reader`: 404 `gift_not_found`, 409
/// `gift_already_redeemed` (also for the loser of two racing requests),
/// 409 `gift_refunded`. A paid subscription that renews is set to end at
/// its period end first (the provider told), so the gift follows it.
pub async fn redeem_gift(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    reader: &ReaderId,
    token: &str,
) -> Result<Redeemed, ApiError> {
    let (owned, who) = (token.to_owned(), reader.clone());
    let (status, renewing) = db
        .run(move |conn| {
            let gift = by_token(conn, &owned)?;
            let now = Utc::now();
            let renewing = subscriptions::for_reader(conn, &who)?
                .into_iter()
                .any(|row| {
                    matches!(
                        row.state(),
                        Some(SubscriptionState::Active | SubscriptionState::Trialing)
                    ) && row
                        .current_period_end
                        .is_some_and(|end| end.and_utc() > now)
                });
            Ok((gift.status(), renewing))
        })
        .await?;
    if status != Some(GiftStatus::Paid) {
        return Err(refused(status));
    }
    if renewing {
        let why = Reason::parse_optional(Some(
            "a gift was redeemed: it follows the paid period".to_owned(),
        ))
        .map_err(ApiError::invalid_field)?;
        cancel_at_period_end(db, provider, letters, reader, why).await?;
    }
    let (token, reader) = (token.to_owned(), reader.clone());
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            readers::lock(conn, &reader)?;
            let gift = by_token(conn, &token)?;
            if gift.status() != Some(GiftStatus::Paid) {
                return Err(refused(gift.status()));
            }
            let months = gift
                .months()
                .ok_or_else(|| anyhow::anyhow!("gift {} has no length on sale", gift.id))?;
            let start = start_after_paid_periods(conn, &reader, now)?;
            let end = months_after(months, start)?;
            let id = SubscriptionId::generate();
            let row = NewSubscription {
                current_period_start: Some(start),
                current_period_end: Some(end),
                ..NewSubscription::new(&id, &reader, &gift.tier_id, SubscriptionState::Gift, start)
            };
            let row = NewSubscription {
                created_at: now,
                updated_at: now,
                ..row
            };
            let actor = Actor::Reader(reader.clone()).to_string();
            let why = format!("gift {} redeemed", gift.id);
            subscriptions::insert(conn, &row, &actor, Some(&why))?;
            if !gifts::mark_redeemed(conn, &gift.gift_id(), &reader, id.as_str(), now)? {
                // A racing redemption (or refund) moved it first: the
                // insert above rolls back with this error.
                return Err(refused(
                    gifts::find(conn, &gift.gift_id())?.and_then(|g| g.status()),
                ));
            }
            Ok(Redeemed {
                subscription: subscriptions::find(conn, &id)?,
                starts_at: start.and_utc(),
            })
        })
    })
    .await
}

/// When a gift redeemed by `reader` at `now` starts: now, or the latest end
/// of a paid period (active, canceling, trialing) or running gift they
/// have, so the gift is appended rather than overlapped.
fn start_after_paid_periods(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, ApiError> {
    let latest = subscriptions::for_reader(conn, reader)?
        .into_iter()
        .filter(|row| {
            matches!(
                row.state(),
                Some(
                    SubscriptionState::Active
                        | SubscriptionState::Canceling
                        | SubscriptionState::Trialing
                        | SubscriptionState::Gift
                )
            )
        })
        .filter_map(|row| row.current_period_end)
        .max();
    Ok(latest.map_or(now, |end| end.max(now)))
}

fn months_after(months: GiftMonths, start: NaiveDateTime) -> Result<NaiveDateTime, ApiError> {
    Ok(months
        .end_from(start)
        .ok_or_else(|| anyhow::anyhow!("a gift starting {start} ends past the calendar"))?)
}
