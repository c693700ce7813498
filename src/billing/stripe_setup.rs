//! The `masthead stripe setup` use case: the options come from the
//! settings (the public URL and the site's portal return page; the
//! provider brings the tax behaviour and codes) and from the webhooks (the
//! events they handle, so the endpoint receives exactly those), the work from
//! [`StripeProvider::setup`].

use super::StripeProvider;
use super::provider::stripe::{SetupOptions, SetupReport};
use crate::db::Database;
use crate::settings::Settings;
use crate::site_url::SitePage;

/// Sets the Stripe account of `settings` up for the magazine in `db`.
/// An error names what is missing (no secret key) or what Stripe refused.
pub async fn stripe_setup(
    settings: &Settings,
    db: &Database,
    dry_run: bool,
) -> anyhow::Result<SetupReport> {
    let provider = StripeProvider::from_settings(settings)?
        .ok_or_else(|| anyhow::anyhow!("MASTHEAD_STRIPE_SECRET_KEY is not set"))?;
    let options = SetupOptions {
        dry_run,
        webhook_url: format!("{}/v1/webhooks/stripe", settings.public_url()),
        webhook_events: super::webhooks::HANDLED_EVENTS,
        portal_return_url: SitePage::PortalReturn.url(settings, &[]),
    };
    provider
        .setup(db, &options)
        .await
        .map_err(|error| anyhow::anyhow!("stripe setup failed: {error}"))
}
