//! The development provider's payment page, which behaves like Stripe
//! Checkout so one front-end works against both: the browser opens the
//! checkout's URL (no bearer token: the checkout id in the URL is the
//! capability, unguessable and bound to the reader who started it), and
//! its "Pay" and "Cancel" buttons post a form carrying the page's token,
//! then send the browser to the site's success or cancel page.

use super::activation::Completion;
use super::confirm_dev_checkout::confirm_dev_checkout;
use super::provider::DevProvider;
use crate::db::checkouts::{self, CheckoutRow};
use crate::db::{self, Database};
use crate::domain::{CheckoutId, CheckoutStatus, ReaderId};
use crate::error::ApiError;
use crate::mail::Letters;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// What the page shows: the checkout and the name of its tier.
#[derive(Debug, Clone)]
pub struct DevCheckoutPage {
    /// The checkout, with its quoted price and form token.
    pub checkout: CheckoutRow,
    /// The tier's display name.
    pub tier_name: String,
}

/// A button of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageButton {
    /// Pay the quoted price (as if: nothing is charged).
    Pay,
    /// Give up; the checkout can no longer be paid.
    Cancel,
}

/// What pressing a button did.
#[derive(Debug, Clone)]
pub enum PageOutcome {
    /// The checkout is paid (now or by an earlier press): whose it is.
    Paid(ReaderId),
    /// The checkout was given up (now or earlier).
    Canceled,
}

fn not_found() -> ApiError {
    ApiError::not_found("checkout_not_found", "no such checkout")
}

/// Loads the page of development checkout `id`; 404 `checkout_not_found`
/// for an id naming nothing, or a checkout of another provider.
pub async fn dev_checkout_page(
    db: &Database,
    id: &CheckoutId,
) -> Result<DevCheckoutPage, ApiError> {
    let id = id.clone();
    db.run(move |conn| {
        let checkout = checkouts::find(conn, &id)?
            .filter(|checkout| checkout.provider == DevProvider::NAME)
            .ok_or_else(not_found)?;
        let tier_name = db::tiers::find(conn, &checkout.tier_id)?
            .map_or_else(|| checkout.tier_id.clone(), |tier| tier.name);
        Ok(DevCheckoutPage {
            checkout,
            tier_name,
        })
    })
    .await
}

/// Presses `button` on checkout `id`'s page with the form's `token`: 403
/// `checkout_token_invalid` for a token that is not the page's; Pay pays
/// once however often it is pressed (a replayed or double-submitted form
/// answers as the first did), 409 `checkout_expired` after cancelling or
/// timing out (the receipt is queued with the payment; the caller wakes
/// the queue); Cancel expires an open checkout, 409 `checkout_completed`
/// once it is paid.
pub async fn press_dev_checkout_button(
    db: &Database,
    letters: &Arc<Letters>,
    id: &CheckoutId,
    token: &str,
    button: PageButton,
) -> Result<PageOutcome, ApiError> {
    let page = dev_checkout_page(db, id).await?;
    let expected = page.checkout.page_token.as_deref().unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
        return Err(ApiError::forbidden(
            "checkout_token_invalid",
            "this form does not come from the checkout's page; open the page again",
        ));
    }
    let reader = ReaderId::from_db(page.checkout.reader_id.clone());
    match button {
        PageButton::Pay => match confirm_dev_checkout(db, letters, &reader, id).await? {
            Completion::Activated(_) | Completion::AlreadyCompleted(_) => {
                Ok(PageOutcome::Paid(reader))
            }
            Completion::Expired => Err(checkout_expired()),
        },
        PageButton::Cancel => {
            let id = id.clone();
            let status = db
                .run(move |conn| {
                    checkouts::expire(conn, &id)?;
                    Ok(checkouts::find(conn, &id)?.and_then(|row| row.status()))
                })
                .await?;
            match status {
                Some(CheckoutStatus::Completed) => Err(ApiError::conflict(
                    "checkout_completed",
                    "this checkout is paid already; manage the subscription instead",
                )),
                _ => Ok(PageOutcome::Canceled),
            }
        }
    }
}

/// 409 for a checkout that can no longer be paid.
pub fn checkout_expired() -> ApiError {
    ApiError::conflict(
        "checkout_expired",
        "this checkout expired before it was paid; start a new one",
    )
}
