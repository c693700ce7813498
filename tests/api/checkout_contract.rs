//! One checkout flow for every provider (issue 13 item 6): the request
//! `{tier, interval, offer_code?, source_article?}`, the answer
//! `{checkout_id, url, provider}`, and a development page the browser
//! opens like Stripe Checkout's, whose Pay and Cancel buttons redirect to
//! the site's success and cancel pages.
//!
//! The redirects follow Stripe Checkout's documented behaviour: "Stripe
//! redirects the customer to the `success_url` after payment" and to the
//! `cancel_url` when they go back
//! (<https://docs.stripe.com/api/checkout/sessions/create>).

use crate::support::billing_fixtures::{checkout, open_checkout, stored};
use crate::support::checkout_fixtures::{browser, form_token, location, page, press};
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, assert_problem};
use diesel::prelude::*;
use masthead::db::schema::checkouts;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_answer_names_the_provider_and_a_page_the_browser_opens,
    pay_redirects_to_the_site_and_opens_the_gate,
    a_replayed_or_double_submitted_pay_completes_once,
    cross_site_request_forgery_without_the_page_token_is_refused,
    cancel_redirects_to_the_site_and_the_checkout_cannot_be_paid,
    an_unknown_offer_code_is_refused,
    an_unknown_checkout_has_no_page,
);

on_both_backends!(with = crate::support::fake_stripe::spawn_app_with_stripe;the_stripe_answer_has_the_same_shape);

fn stored_source_article(app: &TestApp, checkout_id: &str) -> Option<String> {
    checkouts::table
        .find(checkout_id)
        .select(checkouts::source_article)
        .first(&mut app.db())
        .unwrap()
}

async fn subscription_state(app: &TestApp, token: &str) -> Value {
    let mine: Value = app
        .get_auth("/v1/me/subscription", token)
        .await
        .json()
        .await
        .unwrap();
    mine["subscription"]["state"].clone()
}

async fn the_answer_names_the_provider_and_a_page_the_browser_opens(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app
        .post_json_auth(
            "/v1/billing/checkout",
            &reader.access_token,
            &json!({"tier": "digital", "interval": "month", "source_article": "deep-dive"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    let keys: Vec<&String> = opened.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["checkout_id", "provider", "url"], "{opened}");
    assert_eq!(opened["provider"], "dev");
    let id = opened["checkout_id"].as_str().unwrap();
    assert_eq!(
        stored_source_article(&app, id).as_deref(),
        Some("deep-dive")
    );

    // Opened like any link: no Authorization header.
    let response = browser()
        .get(opened["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains(">Pay</button>"), "{html}");
    assert!(html.contains(">Cancel</button>"), "{html}");
    assert!(html.contains(&format!(r#"action="/v1/billing/dev/checkout/{id}/pay""#)));
    assert!(html.contains("9.00 USD per month"), "{html}");
    assert_eq!(form_token(&html).len(), 43, "256 random bits, base64url");
}

async fn pay_redirects_to_the_site_and_opens_the_gate(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "year").await;
    let id = opened["checkout_id"].as_str().unwrap();
    let token = form_token(&page(opened["url"].as_str().unwrap()).await);

    let paid = press(&app, id, "pay", &token).await;
    assert_eq!(
        location(&paid),
        app.url(&format!("/billing/checkout/success?checkout_id={id}"))
    );
    assert_eq!(
        subscription_state(&app, &reader.access_token).await,
        "active"
    );
    let html = page(opened["url"].as_str().unwrap()).await;
    assert!(html.contains("This checkout is paid."), "{html}");
    assert!(!html.contains("<form"), "no buttons once paid: {html}");
}

async fn a_replayed_or_double_submitted_pay_completes_once(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap().to_owned();
    let token = form_token(&page(opened["url"].as_str().unwrap()).await);
    let success = app.url(&format!("/billing/checkout/success?checkout_id={id}"));

    let mut presses = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let (url, token) = (
            app.url(&format!("/v1/billing/dev/checkout/{id}/pay")),
            token.clone(),
        );
        presses.spawn(async move {
            browser()
                .post(url)
                .form(&[("token", token)])
                .send()
                .await
                .unwrap()
        });
    }
    while let Some(answer) = presses.join_next().await {
        assert_eq!(location(&answer.unwrap()), success);
    }
    let replayed = press(&app, &id, "pay", &token).await;
    assert_eq!(
        location(&replayed),
        success,
        "a replay lands on success too"
    );

    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "one subscription");
    assert_eq!(stored[0].payments.len(), 1, "one payment");
}

/// A page on another site that knows (or guesses) a checkout id cannot
/// submit its buttons: the form must carry the page's own token (OWASP
/// CSRF Prevention Cheat Sheet, "Synchronizer Token Pattern",
/// <https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html>).
async fn cross_site_request_forgery_without_the_page_token_is_refused(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap();

    for button in ["pay", "cancel"] {
        assert_problem(
            press(&app, id, button, "forged").await,
            StatusCode::FORBIDDEN,
            "checkout_token_invalid",
        )
        .await;
        assert_problem(
            press(&app, id, button, "").await,
            StatusCode::FORBIDDEN,
            "checkout_token_invalid",
        )
        .await;
        let no_form = browser()
            .post(app.url(&format!("/v1/billing/dev/checkout/{id}/{button}")))
            .send()
            .await
            .unwrap();
        assert_problem(no_form, StatusCode::BAD_REQUEST, "invalid_form").await;
    }
    assert!(stored(&app, &reader).is_empty(), "nothing was paid");
    let html = page(opened["url"].as_str().unwrap()).await;
    assert!(html.contains(">Pay</button>"), "still open: {html}");
}

async fn cancel_redirects_to_the_site_and_the_checkout_cannot_be_paid(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap();
    let token = form_token(&page(opened["url"].as_str().unwrap()).await);

    let canceled = press(&app, id, "cancel", &token).await;
    assert_eq!(
        location(&canceled),
        app.url(&format!("/billing/checkout/canceled?checkout_id={id}"))
    );
    assert_problem(
        press(&app, id, "pay", &token).await,
        StatusCode::CONFLICT,
        "checkout_expired",
    )
    .await;
    assert!(stored(&app, &reader).is_empty());
    // The reader may start again at once.
    let again = open_checkout(&app, &reader, "digital", "year").await;
    assert_ne!(again["checkout_id"], opened["checkout_id"]);

    // Cancelling a paid checkout is refused rather than pretending.
    let token = form_token(&page(again["url"].as_str().unwrap()).await);
    let again_id = again["checkout_id"].as_str().unwrap();
    location(&press(&app, again_id, "pay", &token).await);
    assert_problem(
        press(&app, again_id, "cancel", &token).await,
        StatusCode::CONFLICT,
        "checkout_completed",
    )
    .await;
    assert_eq!(
        subscription_state(&app, &reader.access_token).await,
        "active"
    );
}

async fn an_unknown_offer_code_is_refused(app: TestApp) {
    let reader = app.new_reader().await;
    assert_problem(
        app.post_json_auth(
            "/v1/billing/checkout",
            &reader.access_token,
            &json!({"tier": "digital", "interval": "month", "offer_code": "SPRING"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_not_found",
    )
    .await;
    let malformed = assert_problem(
        app.post_json_auth(
            "/v1/billing/checkout",
            &reader.access_token,
            &json!({"tier": "digital", "interval": "month", "source_article": "../../etc"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(malformed["errors"][0]["field"], "source_article");
    // Nothing was left open by the refusals.
    checkout(&app, &reader, "digital", "month").await;
}

async fn an_unknown_checkout_has_no_page(app: TestApp) {
    let unknown = uuid::Uuid::new_v4();
    let response = browser()
        .get(app.url(&format!("/v1/billing/dev/checkout/{unknown}")))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "checkout_not_found").await;
    let garbage = browser()
        .get(app.url("/v1/billing/dev/checkout/not-an-id"))
        .send()
        .await
        .unwrap();
    assert_problem(garbage, StatusCode::NOT_FOUND, "checkout_not_found").await;
    assert_problem(
        press(&app, &unknown.to_string(), "pay", "x").await,
        StatusCode::NOT_FOUND,
        "checkout_not_found",
    )
    .await;
}

/// With Stripe the answer has the same three fields; `url` is the Checkout
/// Session's `url` (<https://docs.stripe.com/api/checkout/sessions/object#checkout_session_object-url>).
async fn the_stripe_answer_has_the_same_shape(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let keys: Vec<&String> = opened.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["checkout_id", "provider", "url"], "{opened}");
    assert_eq!(opened["provider"], "stripe");
    assert_eq!(stripe.calls_to("/v1/checkout/sessions").await.len(), 1);
    assert!(
        opened["url"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.test/")
    );
    // The development pages do not exist beside Stripe.
    let response = browser()
        .get(app.url(&format!(
            "/v1/billing/dev/checkout/{}",
            opened["checkout_id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "dev_provider_disabled").await;
}
