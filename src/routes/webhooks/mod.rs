//! Events pushed to Masthead by payment providers. Each provider's
//! endpoint reads its body raw (its signature covers the exact bytes), in a
//! scope of its own so its body limit applies to it alone.

pub mod stripe;

use actix_web::web;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Largest webhook body accepted. Stripe's events are a few KiB; a
/// subscription with many items stays far below this.
pub const WEBHOOK_BODY_LIMIT_BYTES: usize = 256 * 1024;

/// Registers the webhook endpoints.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(
        scope::scope("/v1/webhooks")
            .app_data(web::PayloadConfig::new(WEBHOOK_BODY_LIMIT_BYTES))
            .service(stripe::stripe_webhook),
    );
}
