//! HTTP handlers: one folder per resource, one file per action. Each
//! handler is registered through `utoipa_actix_web`, so a route cannot be
//! served without appearing in the OpenAPI document.

mod accepted;
pub mod admin;
pub mod articles;
pub mod auth;
pub mod billing;
pub mod csv_or_json;
pub mod decoding;
mod docs;
pub mod email;
pub mod extract;
pub mod gate;
pub mod gifts;
mod health;
pub mod issues;
mod jwks;
pub mod me;
pub mod media;
mod metrics;
pub mod middleware;
pub mod offers;
mod openapi;
mod openapi_examples;
pub mod page;
pub mod plans;
mod problems;
mod reader_view;
pub mod webhooks;

pub use openapi::openapi_document;
pub use reader_view::{EmailPreferences, PreferencesView, ReaderView};

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every route. actix-web tries an application's resources in
/// the order they were registered, so the gate's routes, which answer
/// most requests (page views), come first and are found at the first or
/// second try; no two patterns here match the same path, so the order
/// changes nothing else.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(articles::get::get_article)
        .service(articles::access::article_access)
        .service(me::get::get_me)
        .service(auth::refresh::refresh);
    admin::configure(cfg);
    webhooks::configure(cfg);
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(openapi::openapi_json)
        .service(jwks::jwks)
        .service(metrics::metrics)
        .service(docs::docs_page)
        .service(docs::docs_asset)
        .service(auth::signup::signup)
        .service(auth::login::login)
        .service(auth::logout::logout)
        .service(auth::verify_email::verify_email)
        .service(auth::resend_verification::resend_verification)
        .service(auth::password_reset::request_password_reset)
        .service(auth::password_reset_confirm::confirm_password_reset)
        .service(me::change_email::change_email)
        .service(me::update::update_me)
        .service(me::change_password::change_password)
        .service(me::subscription::my_subscription)
        .service(me::cancel_subscription::cancel_subscription)
        .service(me::resume_subscription::resume_subscription)
        .service(me::request_refund::request_refund)
        .service(me::sessions::list_sessions)
        .service(me::revoke_all_sessions::revoke_all_sessions)
        .service(me::revoke_session::revoke_session)
        .service(me::delete_account::delete_account)
        .service(me::second_factor::get::second_factor)
        .service(me::second_factor::start::start_second_factor)
        .service(me::second_factor::confirm::confirm_second_factor)
        .service(me::change_plan::change_subscription_plan)
        .service(me::undo_plan_change::undo_subscription_plan_change)
        .service(me::pending_plan_change::pending_plan_change)
        .service(me::payments::my_payments)
        .service(me::refund_requests::my_refund_requests)
        .service(me::export::export_me)
        .service(me::gift_links::my_gift_links)
        .service(me::revoke_gift_link::revoke_gift_link)
        .service(offers::get::get_offer)
        .service(billing::checkout::start_checkout)
        .service(billing::portal::billing_portal)
        .service(billing::dev_confirm::confirm_dev_checkout)
        .service(billing::dev_portal::dev_portal)
        .service(billing::dev_checkout_page::dev_checkout_page)
        .service(billing::dev_checkout_button::pay_dev_checkout)
        .service(billing::dev_checkout_button::cancel_dev_checkout)
        .service(gifts::checkout::start_gift_checkout)
        .service(gifts::refund_view::view_gift_refund)
        .service(gifts::refund::refund_gift_by_link)
        .service(gifts::dev_page::gift_dev_page)
        .service(gifts::dev_button::pay_gift_dev_checkout)
        .service(gifts::dev_button::cancel_gift_dev_checkout)
        .service(gifts::get::get_gift)
        .service(gifts::redeem::redeem_gift)
        .service(plans::list::list_plans)
        .service(articles::list::list_articles)
        .service(articles::audio::article_audio)
        .service(articles::gift_links::create_article_gift_link)
        .service(issues::list::list_issues)
        .service(issues::get::get_issue)
        .service(issues::edition::issue_edition)
        .service(media::stream::stream_media)
        .service(problems::problem_page)
        .service(email::unsubscribe::one_click_unsubscribe)
        .service(email::unsubscribe::unsubscribe_page);
}
