//! Links to the magazine's site: the pages a reader is sent back to after
//! paying or giving up. Every such link is built here, by [`site_url`], so
//! that when the site gets an address of its own (`MASTHEAD_SITE_URL`,
//! issue 13 item 3) only this function changes.

use crate::domain::CheckoutId;
use crate::settings::Settings;

/// The site's page at `path` (which starts with `/`). Until the site has a
/// setting of its own, the site is served at the public URL.
pub fn site_url(settings: &Settings, path: &str) -> String {
    format!("{}{path}", settings.public_url())
}

/// Where the reader lands after paying for `checkout` (Stripe adds its
/// session id; the site may ask `GET /v1/me/subscription` what it bought).
pub fn checkout_success_path(checkout: &CheckoutId) -> String {
    format!("/billing/checkout/success?checkout_id={checkout}")
}

/// Where the reader lands after cancelling `checkout`'s payment page.
pub fn checkout_canceled_path(checkout: &CheckoutId) -> String {
    format!("/billing/checkout/canceled?checkout_id={checkout}")
}
