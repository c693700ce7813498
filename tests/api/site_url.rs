//! `MASTHEAD_SITE_URL`: with the site on `www.` and the API on `api.`,
//! every page a reader is sent to (email links, Stripe's return pages) is
//! on the site, at the configured path, never on the API (where it would be
//! a 404). Stripe's parameters follow
//! <https://docs.stripe.com/api/checkout/sessions/create> (`success_url`
//! with the `{CHECKOUT_SESSION_ID}` template, `cancel_url`) and
//! <https://docs.stripe.com/api/customer_portal/sessions/create>
//! (`return_url`).

use crate::billing_stripe::stripe_subscriber;
use crate::support::billing_fixtures::open_checkout;
use crate::support::fake_stripe::{FakeStripe, StripeCall, WEBHOOK_SECRET};
use crate::support::helpers::{Backend, TestApp, spawn_app_with};
use crate::support::outbox::{RESET, VERIFY, emails_to};
use masthead::settings::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SITE: &str = "https://www.magazine.test";

/// The site on its own host, with every page moved to a custom path.
fn on_the_site(settings: &mut Settings) {
    settings.site_url = Some(format!("{SITE}/"));
    settings.site_verify_email_path = "/account/confirm".into();
    settings.site_reset_password_path = "account/new-password".into();
    settings.site_checkout_success_path = "/welcome?from=checkout".into();
    settings.site_checkout_canceled_path = "/plans".into();
    settings.site_portal_return_path = "/account/billing".into();
}

async fn site_with_stripe(backend: Backend) -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let base = stripe.url();
    let app = spawn_app_with(backend, move |settings| {
        on_the_site(settings);
        settings.stripe_secret_key = Some("sk_test_masthead".into());
        settings.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        settings.stripe_api_base = Some(base);
    })
    .await;
    (app, stripe)
}

fn text_of(message: &Value) -> &str {
    message["text"].as_str().unwrap()
}

fn only(calls: Vec<StripeCall>) -> StripeCall {
    assert_eq!(calls.len(), 1, "{calls:#?}");
    calls.into_iter().next().unwrap()
}

async fn email_links_point_at_the_site(app: TestApp) {
    let reader = app.new_reader().await;
    let verify = emails_to(&app, &reader.email, VERIFY).await;
    let text = text_of(&verify[0]);
    assert!(
        text.contains(&format!("{SITE}/account/confirm?token=")),
        "{text}"
    );
    assert!(!text.contains(&app.address), "no link to the API: {text}");

    let response = app
        .post_json("/v1/auth/password-reset", &json!({"email": reader.email}))
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let reset = emails_to(&app, &reader.email, RESET).await;
    let html = reset[0]["html"].as_str().unwrap();
    assert!(
        html.contains(&format!(r#"href="{SITE}/account/new-password?token="#)),
        "{html}"
    );
}

async fn stripe_returns_readers_to_the_site(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap();
    let session = only(stripe.calls_to("/v1/checkout/sessions").await);
    assert_eq!(
        session.param("success_url"),
        Some(
            format!(
                "{SITE}/welcome?from=checkout&checkout_id={id}&session_id={{CHECKOUT_SESSION_ID}}"
            )
            .as_str()
        )
    );
    assert_eq!(
        session.param("cancel_url"),
        Some(format!("{SITE}/plans?checkout_id={id}").as_str())
    );

    let subscriber = app.new_reader().await;
    stripe_subscriber(&app, &subscriber).await;
    let portal = app
        .post_json_auth("/v1/billing/portal", &subscriber.access_token, &json!({}))
        .await;
    assert_eq!(portal.status(), StatusCode::OK);
    let call = only(stripe.calls_to("/v1/billing_portal/sessions").await);
    assert_eq!(
        call.param("return_url"),
        Some(format!("{SITE}/account/billing").as_str())
    );
}

/// Without `MASTHEAD_SITE_URL` the site is the public URL, at the
/// documented default paths.
async fn the_site_defaults_to_the_public_url(app: TestApp) {
    let reader = app.new_reader().await;
    let verify = emails_to(&app, &reader.email, VERIFY).await;
    assert!(text_of(&verify[0]).contains(&format!("{}/verify-email?token=", app.address)));
}

on_both_backends!(with = |backend| crate::support::helpers::spawn_app_with(backend, on_the_site); email_links_point_at_the_site);
on_both_backends!(the_site_defaults_to_the_public_url);

mod stripe_returns_readers_to_the_site {
    use crate::support::helpers::Backend;

    #[tokio::test]
    async fn sqlite() {
        let (app, stripe) = super::site_with_stripe(Backend::Sqlite).await;
        super::stripe_returns_readers_to_the_site(app, stripe).await;
    }

    #[tokio::test]
    async fn postgres() {
        let (app, stripe) = super::site_with_stripe(Backend::Postgres).await;
        super::stripe_returns_readers_to_the_site(app, stripe).await;
    }
}
