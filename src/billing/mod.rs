//! Taking money. [`Provider`] is the seam to whoever charges the card: the
//! development provider (the default without a Stripe key) or Stripe. Providers only talk to the outside world and report
//! what happened; every state change goes through the same code here
//! (`db::subscriptions::transition`, one write transaction per change), so
//! the history and the gate behave the same whichever provider is in use.
//!
//! The arrows point down: `stripe_setup`, then `webhooks/` (Stripe's
//! reports) and `follow_ups/` (the calls they make necessary), `sweeps/`
//! (the scheduled lifecycle sweeps: ends, stale refunds, reminders), then the
//! use cases (cancel, portal, `plan_change/`, `refund/`, refund requests,
//! `staff/`, the development checkout's page and confirmation), then
//! `activation` (completing a paid checkout, for both providers) and
//! `checkout`, and `provider/` at the bottom (`types`, `idempotency`,
//! `dev`, `stripe/`), which imports nothing else of billing.
//! `tests/import_cycles.rs` holds it. Callers use the re-exports below.

mod activation;
mod cancel;
mod checkout;
mod confirm_dev_checkout;
pub mod dashboard;
mod deny_refund_request;
mod dev_checkout_page;
pub mod follow_ups;
pub mod gifts;
mod guarantee_standing;
mod notices;
pub mod offers;
mod open_page;
pub mod perk_launch;
pub mod plan_change;
mod portal;
pub mod price_changes;
mod provider;
mod refund;
mod refund_request;
mod staff;
mod stripe_setup;
mod sweeps;
pub mod webhooks;

pub use activation::{Completion, Paid, complete_checkout, complete_checkout_as_duplicate};
pub use cancel::{cancel_at_period_end, resume, stop_renewals_for_departure};
pub use checkout::{
    CHECKOUT_LIFETIME_HOURS, CheckoutOrder, OpenedCheckout, blocks_a_new_checkout, price_for,
    start_checkout,
};
pub use confirm_dev_checkout::confirm_dev_checkout;
pub use deny_refund_request::{
    deny_refund_request, refund_request_decided, refund_request_not_found,
    refund_request_to_approve,
};
pub use dev_checkout_page::{
    DevCheckoutPage, PageButton, PageOutcome, dev_checkout_page, press_dev_checkout_button,
};
pub use guarantee_standing::{GuaranteeStanding, guarantee_standing};
pub use portal::{current_subscription, portal_url};
pub use provider::stripe::API_VERSION as STRIPE_API_VERSION;
pub use provider::stripe::{SetupOptions as StripeSetupOptions, SetupReport as StripeSetupReport};
pub use provider::{
    CheckoutRequest, DevProvider, GiftCheckoutRequest, IdempotencyKey, Provider, ProviderError,
    ProviderRefund, StartedCheckout, StripeProvider,
};
pub use refund::{RefundOrder, RefundOutcome, refund_subscription};
pub use refund_request::{RequestedRefund, request_refund};
pub use staff::{CancelWhen, StaffChange, end_comp, extend, grant_comp, staff_cancel};
pub use stripe_setup::stripe_setup;
pub use sweeps::LifecycleSweeps;

/// 404 for a subscription id that names nothing, wherever staff name one.
pub fn subscription_not_found() -> crate::error::ApiError {
    crate::error::ApiError::not_found("subscription_not_found", "no subscription has this id")
}
