//! Support's pages (support and admin): reader search and export, the
//! reader page and its actions, refunds and the request queue, the print
//! mailing list.

mod actions;
mod print;
mod reader;
mod readers;
mod refunds;

use actix_web::web;

/// A form's idempotency key as the API's `Idempotency-Key` header would
/// be judged: 1 to 255 printable ASCII characters, or none.
pub(super) fn form_key(
    fields: &super::Fields,
) -> Result<Option<String>, crate::domain::FieldError> {
    match fields.text("idempotency_key") {
        None => Ok(None),
        Some(key) if key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(key)),
        Some(_) => Err(crate::domain::FieldError::new(
            "invalid",
            "1 to 255 printable ASCII characters",
        )),
    }
}

/// Registers support's pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/readers", web::get().to(readers::search))
        .route("/readers/export.csv", web::get().to(readers::export))
        .route("/readers/{id}", web::get().to(reader::show))
        .route("/readers/{id}/comp", web::post().to(actions::comp))
        .route(
            "/readers/{id}/sessions/revoke",
            web::post().to(actions::revoke_sessions),
        )
        .route("/readers/{id}/disable", web::post().to(actions::disable))
        .route("/readers/{id}/enable", web::post().to(actions::enable))
        .route(
            "/readers/{id}/subscriptions/{sid}/refund",
            web::get().to(refunds::confirm),
        )
        .route(
            "/readers/{id}/subscriptions/{sid}/refund",
            web::post().to(refunds::refund),
        )
        .route(
            "/readers/{id}/subscriptions/{sid}/cancel",
            web::post().to(actions::cancel),
        )
        .route(
            "/readers/{id}/subscriptions/{sid}/extend",
            web::post().to(actions::extend),
        )
        .route("/refund-requests", web::get().to(refunds::queue))
        .route(
            "/refund-requests/{id}/approve",
            web::post().to(refunds::approve),
        )
        .route("/refund-requests/{id}/deny", web::post().to(refunds::deny))
        .route("/print", web::get().to(print::show))
        .route("/print/mailing-list.csv", web::get().to(print::csv));
}
