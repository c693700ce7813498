//! The pages people use in a browser, served by Masthead itself beside the
//! JSON API but outside its OpenAPI document: the reader portal (its script,
//! stylesheet and the development sample site) and the staff console
//! (`/console`). They reach the data only through the same use-case
//! functions the JSON handlers call (never `diesel` or `schema`).

pub mod console;
pub mod portal;

use crate::settings::Settings;
use actix_web::web::ServiceConfig;

/// Registers every page's routes (plain actix, not API operations).
pub fn configure(cfg: &mut ServiceConfig, settings: &Settings) {
    portal::configure(cfg, settings);
    console::configure(cfg, settings);
}
