//! Gift subscriptions: buying one (anyone, logged in or not), what a gift
//! link is, redeeming it (a logged-in reader), the buyer's refund through
//! the receipt's link, and the development provider's payment page of a
//! gift (404 while another provider is in use).

pub mod checkout;
pub mod dev_button;
pub mod dev_page;
pub mod get;
pub mod redeem;
pub mod refund;
pub mod refund_view;

use crate::billing::gifts::GiftRefund;
use crate::domain::{GiftStatus, rfc3339_seconds};
use serde::Serialize;
use utoipa::ToSchema;

/// A gift as its buyer's refund page sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftRefundView {
    /// The gift's id (what staff look it up by).
    pub gift_id: String,
    /// The tier's id.
    pub tier: String,
    /// How many months.
    pub months: i32,
    /// What was paid, in minor units of `currency`.
    pub amount_cents: i64,
    /// Lower-case ISO 4217.
    pub currency: String,
    /// Who receives it.
    pub recipient_email: String,
    /// Where it stands (`refunded` after a refund).
    pub status: GiftStatus,
    /// When the money-back guarantee ends (RFC 3339).
    pub guarantee_ends_at: Option<String>,
    /// Whether `POST /v1/gifts/refunds/{token}` can refund it now.
    pub refundable: bool,
}

impl From<&GiftRefund> for GiftRefundView {
    fn from(refund: &GiftRefund) -> Self {
        let gift = &refund.gift;
        Self {
            gift_id: gift.id.clone(),
            tier: gift.tier_id.clone(),
            months: gift.months,
            amount_cents: gift.amount_cents,
            currency: gift.currency.clone(),
            recipient_email: gift.recipient_email.clone(),
            status: gift.status().unwrap_or(GiftStatus::Expired),
            guarantee_ends_at: refund.guarantee.map(|g| rfc3339_seconds(g.ends)),
            refundable: refund.refundable,
        }
    }
}
