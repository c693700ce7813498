//! The pages people use in a browser, served by Masthead itself: the staff
//! console (`/console`). They are not API operations, so they stay out of
//! the OpenAPI document, and they reach the data only through the same
//! use-case functions the JSON handlers call (never `diesel` or `schema`).

pub mod console;

use crate::settings::Settings;

/// Registers every page.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig, settings: &Settings) {
    console::configure(cfg, settings);
}
