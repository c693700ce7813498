//! The development provider's payment page of a gift, which behaves like
//! Stripe Checkout: the browser opens the gift's URL (the unguessable gift
//! id is the capability: the buyer may have no account), and its Pay and
//! Cancel buttons post a form carrying the page's token. Pay records the
//! payment through [`super::complete_paid_gift`], as Stripe's report does.

use super::super::provider::DevProvider;
use super::complete_paid_gift;
use crate::db::gifts::{self, GiftRow};
use crate::db::{self, Database};
use crate::domain::{GiftId, GiftStatus};
use crate::error::ApiError;
use crate::mail::Letters;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// What the page shows: the gift and its tier's name.
#[derive(Debug, Clone)]
pub struct GiftPage {
    /// The gift, with its price and form token.
    pub gift: GiftRow,
    /// The tier's display name.
    pub tier_name: String,
}

/// A button of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiftButton {
    /// Pay (as if: nothing is charged).
    Pay,
    /// Give up; the gift can no longer be paid.
    Cancel,
}

fn not_found() -> ApiError {
    ApiError::not_found("checkout_not_found", "no such checkout")
}

/// Loads the page of development gift `id`; 404 `checkout_not_found` for an
/// id naming nothing, or a gift of another provider.
pub async fn gift_dev_page(db: &Database, id: &GiftId) -> Result<GiftPage, ApiError> {
    let id = id.clone();
    db.run(move |conn| {
        let gift = gifts::find(conn, &id)?
            .filter(|gift| gift.provider == DevProvider::NAME)
            .ok_or_else(not_found)?;
        let tier_name = super::plan_name(conn, &gift)?;
        Ok(GiftPage { gift, tier_name })
    })
    .await
}

/// Presses `button` with the form's `token`: 403 `checkout_token_invalid`
/// for a token that is not the page's; Pay pays once however often it is
/// pressed, 409 `checkout_expired` once the page was cancelled or timed out;
/// Cancel gives up an open gift, 409 `checkout_completed` once it is paid.
/// Returns the gift's status after.
pub async fn press_gift_dev_button(
    db: &Database,
    letters: &Arc<Letters>,
    id: &GiftId,
    token: &str,
    button: GiftButton,
) -> Result<GiftStatus, ApiError> {
    let page = gift_dev_page(db, id).await?;
    let expected = page.gift.page_token.as_deref().unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
        return Err(ApiError::forbidden(
            "checkout_token_invalid",
            "this form does not come from the gift's payment page; open the page again",
        ));
    }
    let (id, letters) = (id.clone(), Arc::clone(letters));
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = chrono::Utc::now().naive_utc();
            let gift = gifts::find(conn, &id)?.ok_or_else(not_found)?;
            let lapsed = gift.expires_at <= now;
            match (button, gift.status()) {
                (GiftButton::Pay, Some(GiftStatus::Open)) if !lapsed => {
                    let payment = format!("dev_{}", uuid::Uuid::new_v4().simple());
                    complete_paid_gift(conn, &letters, &id, &payment, None, now)?;
                }
                (GiftButton::Pay, Some(GiftStatus::Paid | GiftStatus::Redeemed)) => {}
                (GiftButton::Pay, _) => {
                    return Err(super::super::dev_checkout_page::checkout_expired());
                }
                (GiftButton::Cancel, Some(GiftStatus::Open)) => {
                    gifts::expire(conn, &id)?;
                }
                (GiftButton::Cancel, Some(GiftStatus::Paid | GiftStatus::Redeemed)) => {
                    return Err(ApiError::conflict(
                        "checkout_completed",
                        "this gift is paid already",
                    ));
                }
                (GiftButton::Cancel, _) => {}
            }
            Ok(gifts::find(conn, &id)?
                .and_then(|gift| gift.status())
                .unwrap_or(GiftStatus::Expired))
        })
    })
    .await
}
