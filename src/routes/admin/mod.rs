//! The staff tools under `/v1/admin`: the editors' catalogue (issues and
//! articles with their edition and audio uploads; `editor`), support's
//! tools (readers, refunds, refund requests, comps, cancellations, the print
//! mailing list; `support`), and the audit log, tiers and offers
//! (`admin`). Admins may do everything.

pub mod articles;
pub mod audit_log;
pub mod dashboard;
pub mod gifts;
mod input;
pub mod issues;
pub mod jobs;
pub mod offers;
pub mod print;
pub mod readers;
pub mod refund_requests;
pub mod subscriptions;
pub mod tiers;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Largest JSON body an article create or update may send: a long read
/// outgrows the 64 KiB every other endpoint accepts.
pub const ARTICLE_JSON_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// Registers the catalogue endpoints, each resource in its own scope so
/// the articles' larger JSON limit applies to them alone.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(
        scope::scope("/v1/admin/issues")
            .service(issues::list::list_issues)
            .service(issues::create::create_issue)
            .service(issues::get::get_issue)
            .service(issues::update::update_issue)
            .service(issues::publish::publish_issue)
            .service(issues::unpublish::unpublish_issue)
            .service(issues::upload_edition::upload_edition),
    )
    .service(
        scope::scope("/v1/admin/articles")
            .app_data(crate::routes::decoding::json_config().limit(ARTICLE_JSON_LIMIT_BYTES))
            .service(articles::list::list_articles)
            .service(articles::create::create_article)
            .service(articles::get::get_article)
            .service(articles::update::update_article)
            .service(articles::publish::publish_article)
            .service(articles::unpublish::unpublish_article)
            .service(articles::upload_audio::upload_audio),
    )
    .service(
        // `/export` before `/{id}`, which would otherwise take it for an id.
        scope::scope("/v1/admin/readers")
            .service(readers::list::search_readers)
            .service(readers::export::export_readers)
            .service(readers::get::get_reader)
            .service(readers::revoke_sessions::revoke_sessions)
            .service(readers::reset_second_factor::reset_second_factor)
            .service(readers::disable::disable_reader)
            .service(readers::enable::enable_reader)
            .service(subscriptions::grant_comp::grant_comp),
    )
    .service(scope::scope("/v1/admin/print").service(print::mailing_list::mailing_list))
    .service(
        scope::scope("/v1/admin/subscriptions")
            .service(subscriptions::refund::refund_subscription)
            .service(subscriptions::cancel::cancel_subscription)
            .service(subscriptions::end_comp::end_comp)
            .service(subscriptions::extend::extend_subscription),
    )
    .service(
        scope::scope("/v1/admin/refund-requests")
            .service(refund_requests::list::list_refund_requests)
            .service(refund_requests::approve::approve_refund_request)
            .service(refund_requests::deny::deny_refund_request),
    )
    .service(scope::scope("/v1/admin/gifts").service(gifts::refund::refund_gift_as_staff))
    .service(scope::scope("/v1/admin/audit-log").service(audit_log::list::audit_log))
    .service(scope::scope("/v1/admin/dashboard").service(dashboard::get::get_dashboard))
    .service(
        scope::scope("/v1/admin/jobs")
            .service(jobs::list::list_jobs)
            .service(jobs::retry::retry_job),
    )
    .service(
        scope::scope("/v1/admin/tiers")
            .service(tiers::perk_status::set_tier_perk_status)
            .service(tiers::list_prices::list_tier_prices)
            .service(tiers::schedule_price::schedule_tier_price)
            .service(tiers::withdraw_price::withdraw_tier_price)
            .service(tiers::trial::set_tier_trial),
    )
    .service(
        scope::scope("/v1/admin/offers")
            .service(offers::list::list_admin_offers)
            .service(offers::create::create_admin_offer)
            .service(offers::archive::archive_admin_offer),
    );
}
