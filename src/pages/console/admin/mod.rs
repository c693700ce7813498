//! Admins' pages: the dashboard (figures, charts and the CSV), the tiers'
//! perks (turning `ad_free` live), and the audit log with its filters.

mod audit_log;
mod chart;
mod dashboard;
mod offers;
mod perks;
mod staff;

use actix_web::web;

/// Registers the admins' pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard::show))
        .route("/dashboard.csv", web::get().to(dashboard::csv))
        .route("/perks", web::get().to(perks::show))
        .route("/perks/{tier}/{perk}", web::post().to(perks::set))
        .route("/audit-log", web::get().to(audit_log::show))
        .route("/offers", web::get().to(offers::show))
        .route("/offers/{code}/archive", web::post().to(offers::archive))
        .route("/staff", web::get().to(staff::show))
        .route(
            "/staff/{id}/second-factor/reset",
            web::post().to(staff::reset_factor),
        );
}
