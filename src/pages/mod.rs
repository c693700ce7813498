//! Pages people use in a browser, served beside the JSON API but outside
//! its OpenAPI document: the reader portal (its script, stylesheet and the
//! development sample site).

pub mod portal;

use crate::settings::Settings;
use actix_web::web::ServiceConfig;

/// Registers every page's routes (plain actix, not API operations).
pub fn configure(cfg: &mut ServiceConfig, settings: &Settings) {
    portal::configure(cfg, settings);
}
