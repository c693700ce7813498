//! HTTP handlers: one folder per resource, one file per action. Each
//! handler is registered through `utoipa_actix_web`, so a route cannot be
//! served without appearing in the OpenAPI document.

pub mod auth;
mod client_info;
pub mod decoding;
mod health;
pub mod me;
mod openapi;
mod reader_view;

pub use client_info::ClientInfo;
pub use openapi::openapi_document;
pub use reader_view::ReaderView;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every route.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(openapi::openapi_json)
        .service(auth::signup::signup)
        .service(auth::login::login)
        .service(auth::refresh::refresh)
        .service(auth::logout::logout)
        .service(me::get::get_me)
        .service(me::update::update_me)
        .service(me::change_password::change_password);
}
