//! Admins' pages: the dashboard (figures, charts and the CSV), the tiers'
//! perks (turning `ad_free` live), the tiers' prices (price changes,
//! trials), offers, dead jobs, staff, and the audit log with its filters.

mod audit_log;
mod chart;
mod dashboard;
mod jobs;
mod offer_form;
mod offers;
mod perks;
mod staff;
mod tiers;

use actix_web::web;

/// Registers the admins' pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard::show))
        .route("/dashboard.csv", web::get().to(dashboard::csv))
        .route("/perks", web::get().to(perks::show))
        .route("/perks/{tier}/{perk}", web::post().to(perks::set))
        .route("/audit-log", web::get().to(audit_log::show))
        .route("/tiers", web::get().to(tiers::show))
        .route("/tiers/prices", web::post().to(tiers::schedule))
        .route(
            "/tiers/{tier}/prices/{id}/withdraw",
            web::post().to(tiers::withdraw),
        )
        .route("/tiers/{tier}/trial", web::post().to(tiers::trial))
        .route("/offers", web::get().to(offers::show))
        .route("/offers", web::post().to(offers::create))
        .route("/offers/{code}/archive", web::post().to(offers::archive))
        .route("/jobs", web::get().to(jobs::show))
        .route("/jobs/{id}/retry", web::post().to(jobs::retry))
        .route("/staff", web::get().to(staff::show))
        .route(
            "/staff/{id}/second-factor/reset",
            web::post().to(staff::reset_factor),
        );
}
