//! The embeddable reader portal: `GET /portal/v1.js` and
//! `GET /portal/v1.css` (assets/portal, compiled in), and in development
//! the sample magazine site at `/sample/` that shows it at work
//! (docs/integration/portal.md).

mod assets;
mod sample;

use crate::settings::Settings;
use actix_web::web::ServiceConfig;

pub use assets::{PORTAL_CSS, PORTAL_JS};

/// The portal's assets always; the sample site only in development.
pub fn configure(cfg: &mut ServiceConfig, settings: &Settings) {
    assets::configure(cfg);
    if !settings.is_production() {
        sample::configure(cfg, settings);
    }
}
