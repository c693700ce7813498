//! The staff console at `/console`: server-rendered pages (askama
//! templates in `templates/console/`, one stylesheet and one small script
//! compiled in from `assets/console/`), with its own staff session, CSRF-
//! checked forms and a strict Content-Security-Policy. Role-aware: support
//! (readers, refunds and requests, comps, cancellations, print mailing),
//! editors (issues, articles, uploads); admins see everything.
//!
//! Every action calls the same use-case function as its `/v1/admin` JSON
//! endpoint, so the rules, the audit entry and the idempotency are the
//! API's. To add a page: a handler taking [`ConsoleStaff<R>`] (or
//! [`ConsoleForm<R>`] for a POST), a template extending
//! `console/layout.html` with a `ctx` field, a route below, and a link in
//! the layout's navigation.

mod admin;
mod assets;
mod cookies;
mod csrf;
mod editor;
mod extract;
pub mod fmt;
mod home;
mod login;
mod render;
mod support;

pub use extract::{ConsoleForm, ConsoleStaff, Fields};
pub use render::{ConsoleError, Ctx};

use crate::settings::Settings;
use actix_web::web;

/// Largest form a console page posts (an article body may be long).
const FORM_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// The JSON endpoint's body type from a form's fields as JSON, so the
/// console's input is judged exactly as the API's is.
pub(crate) fn api_body<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, crate::error::ApiError> {
    serde_json::from_value(value)
        .map_err(|e| crate::error::ApiError::bad_request("invalid_form", e.to_string()))
}

/// Registers the console's pages under `/console`.
pub fn configure(cfg: &mut web::ServiceConfig, _settings: &Settings) {
    cfg.service(
        web::scope("/console")
            .app_data(web::FormConfig::default().limit(FORM_LIMIT_BYTES))
            .route("", web::get().to(home::home))
            .route("/", web::get().to(home::home))
            .route("/assets/{file}", web::get().to(assets::asset))
            .route("/login", web::get().to(login::show))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::logout))
            .configure(support::configure)
            .configure(editor::configure)
            .configure(admin::configure),
    );
}
