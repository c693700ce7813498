//! Gift subscriptions: anyone buys a tier for 1, 3, 6 or 12 months for a
//! recipient, in one payment ([`purchase`]); the payment is recorded by the
//! development page or Stripe's `checkout.session.completed` in `payment`
//! mode ([`complete`]), which mails the buyer a receipt with a refund link
//! and queues the delivery for the chosen date ([`deliver`]); the
//! recipient redeems the emailed link into a `gift` subscription
//! ([`redeem`]), appended after a paid period they already have; the
//! buyer (by the receipt's link) or staff refund it under the 60-day
//! guarantee, which ends the gift at once ([`refund`]), as does a refund or
//! chargeback made at Stripe ([`end`], applied by the webhooks). Near its
//! end the reader is offered to continue ([`notices`]).
//!
//! A gift row is its own checkout and payment: the buyer may have no
//! account, so the reader-bound `checkouts` and `payments` do not fit.
//! Every move of its status is a conditional update, so a payment
//! reported twice, two redemptions racing or a refund link replayed
//! apply once.

mod complete;
mod deliver;
mod dev_page;
mod end;
mod notices;
mod of_reader;
mod purchase;
mod redeem;
mod refund;

pub use complete::complete_paid_gift;
pub use deliver::DeliverGift;
pub use dev_page::{GiftButton, GiftPage, gift_dev_page, press_gift_dev_button};
pub(crate) use end::{MoneyBack, end_refunded_gift};
pub(crate) use notices::queue_gift_ending;
pub use of_reader::gifts_of_reader;
pub use purchase::{GiftOrder, OpenedGift, start_gift_checkout};
pub use redeem::{GiftView, Redeemed, redeem_gift, view_gift};
pub use refund::{GiftRefund, refund_gift_by_staff, refund_gift_by_token, view_gift_refund};

use crate::db::gifts::GiftRow;
use crate::db::{DbConnection, tiers};
use crate::error::ApiError;
use crate::mail::messages::GiftFacts;

/// 404 for a token or id that names no gift (forged, altered, or never
/// mailed): the answer says nothing more.
pub fn gift_not_found() -> ApiError {
    ApiError::not_found("gift_not_found", "no gift has this link")
}

/// A gift's tier name (its id if the tier is gone).
fn plan_name(conn: &mut DbConnection, gift: &GiftRow) -> Result<String, ApiError> {
    Ok(tiers::find(conn, &gift.tier_id)?.map_or_else(|| gift.tier_id.clone(), |tier| tier.name))
}

/// What the gift messages name of `gift`.
fn facts<'a>(gift: &'a GiftRow, plan: &'a str) -> GiftFacts<'a> {
    GiftFacts {
        plan,
        months: u32::try_from(gift.months).unwrap_or_default(),
        amount_cents: gift.amount_cents,
        currency: &gift.currency,
        buyer_email: &gift.buyer_email,
        recipient_email: &gift.recipient_email,
    }
}
