//! Billing through Stripe, against the fake Stripe: what Masthead sends
//! (parameters, one customer and price created once, idempotency keys) and
//! what a reader gets when Stripe fails or is slow (a bounded 503 and no
//! change recorded).

use crate::support::billing_fixtures::{checkout, open_checkout, post_empty, stored};
use crate::support::fake_stripe::{FakeStripe, StripeCall};
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::billing::{Paid, Provider, complete_checkout};
use masthead::db::payments::PaymentRow;
use masthead::db::schema::{checkouts, tier_prices};
use masthead::domain::{AmountCents, CheckoutId, Currency, ReaderId};
use masthead::settings::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Instant;

on_both_backends!(with = crate::support::fake_stripe::spawn_app_with_stripe;
    checkout_opens_a_stripe_session,
    customer_and_price_are_created_once,
    a_configured_price_is_used_as_is,
    print_checkout_collects_the_shipping_address,
    cancel_and_resume_flip_cancel_at_period_end,
    a_retried_cancel_sends_the_same_key,
    stripe_failing_records_nothing,
    stripe_refusing_is_a_bad_gateway,
    a_slow_stripe_is_a_bounded_503,
    portal_opens_for_the_stripe_customer,
);

fn only(calls: Vec<StripeCall>) -> StripeCall {
    assert_eq!(calls.len(), 1, "{calls:#?}");
    calls.into_iter().next().unwrap()
}

fn key(call: &StripeCall) -> &str {
    call.idempotency_key.as_deref().expect("an Idempotency-Key")
}

async fn checkout_opens_a_stripe_session(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap();

    let session = only(stripe.calls_to("/v1/checkout/sessions").await);
    assert_eq!(
        opened["url"].as_str().unwrap(),
        format!(
            "https://checkout.stripe.test/c/pay/{}",
            stored_session(&app, id)
        )
    );
    assert_eq!(session.param("mode"), Some("subscription"));
    assert_eq!(session.param("client_reference_id"), Some(id));
    assert_eq!(key(&session), format!("checkout:{id}"));
    assert_eq!(
        session.param("subscription_data[metadata][checkout_id]"),
        Some(id)
    );
    assert_eq!(
        session.param("subscription_data[metadata][reader_id]"),
        Some(reader.id.as_str())
    );
    assert_eq!(
        session.param("subscription_data[metadata][tier]"),
        Some("digital")
    );
    assert_eq!(session.param("line_items[0][quantity]"), Some("1"));
    assert!(
        session
            .param("success_url")
            .unwrap()
            .starts_with(&app.address)
    );
    assert!(
        session
            .param("cancel_url")
            .unwrap()
            .starts_with(&app.address)
    );
    assert_eq!(
        session.param("shipping_address_collection[allowed_countries][0]"),
        None
    );

    let customer = only(stripe.calls_to("/v1/customers").await);
    assert_eq!(key(&customer), format!("customer:{}", reader.id));
    assert_eq!(customer.param("email"), Some(reader.email.as_str()));
    assert_eq!(
        session.param("customer").unwrap(),
        stored_customer(&app, &reader)
    );
    let price = only(stripe.calls_to("/v1/prices").await);
    assert_eq!(price.param("unit_amount"), Some("900"), "{price:#?}");
    assert_eq!(price.param("recurring[interval]"), Some("month"));
    assert!(key(&price).starts_with("price:"));
    let product = only(stripe.calls_to("/v1/products").await);
    assert!(key(&product).starts_with("product:"));
    assert_eq!(product.param("name"), Some("Digital"));
    assert!(price.param("product").unwrap().starts_with("prod_"));
    assert_eq!(
        session.param("line_items[0][price]"),
        stored_price(&app, "digital", "month").as_deref()
    );
}

fn stored_session(app: &TestApp, id: &str) -> String {
    checkouts::table
        .find(id)
        .select(checkouts::provider_session_id)
        .first::<Option<String>>(&mut app.db())
        .unwrap()
        .expect("the session id is remembered")
}

fn stored_customer(app: &TestApp, reader: &TestReader) -> String {
    let row =
        masthead::db::billing_customers::find(&mut app.db(), &ReaderId::parse(&reader.id).unwrap())
            .unwrap()
            .expect("the customer is remembered");
    assert_eq!(row.provider, "stripe");
    row.customer_id
}

fn stored_price(app: &TestApp, tier: &str, interval: &str) -> Option<String> {
    tier_prices::table
        .filter(tier_prices::tier_id.eq(tier))
        .filter(tier_prices::billing_interval.eq(interval))
        .select(tier_prices::stripe_price_id)
        .first::<Option<String>>(&mut app.db())
        .unwrap()
}

async fn customer_and_price_are_created_once(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let first = open_checkout(&app, &reader, "digital", "year").await;
    // One open checkout per reader: the first must end (as when Stripe
    // reports `checkout.session.expired`) before a second may start.
    diesel::update(checkouts::table.find(first["checkout_id"].as_str().unwrap()))
        .set(checkouts::status.eq("expired"))
        .execute(&mut app.db())
        .unwrap();
    let second = open_checkout(&app, &reader, "digital", "year").await;
    assert_ne!(first["url"], second["url"]);

    assert_eq!(stripe.calls_to("/v1/customers").await.len(), 1);
    assert_eq!(stripe.calls_to("/v1/products").await.len(), 1);
    assert_eq!(stripe.calls_to("/v1/prices").await.len(), 1);
    let sessions = stripe.calls_to("/v1/checkout/sessions").await;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].param("customer"), sessions[1].param("customer"));
    assert_eq!(
        sessions[0].param("line_items[0][price]"),
        sessions[1].param("line_items[0][price]")
    );
    assert_ne!(key(&sessions[0]), key(&sessions[1]));

    let other = app.new_reader().await;
    open_checkout(&app, &other, "digital", "year").await;
    let customers = stripe.calls_to("/v1/customers").await;
    assert_eq!(customers.len(), 2, "each reader gets a customer");
    assert_eq!(key(&customers[1]), format!("customer:{}", other.id));
    assert_eq!(stripe.calls_to("/v1/prices").await.len(), 1);
}

async fn a_configured_price_is_used_as_is(app: TestApp, stripe: FakeStripe) {
    diesel::update(
        tier_prices::table
            .filter(tier_prices::tier_id.eq("digital"))
            .filter(tier_prices::billing_interval.eq("year")),
    )
    .set(tier_prices::stripe_price_id.eq("price_configured"))
    .execute(&mut app.db())
    .unwrap();
    let reader = app.new_reader().await;
    open_checkout(&app, &reader, "digital", "year").await;
    let session = only(stripe.calls_to("/v1/checkout/sessions").await);
    assert_eq!(
        session.param("line_items[0][price]"),
        Some("price_configured")
    );
    assert!(stripe.calls_to("/v1/products").await.is_empty());
    assert!(stripe.calls_to("/v1/prices").await.is_empty());
}

async fn add_address(app: &TestApp, reader: &TestReader) {
    let address = json!({"line1": "1 Fleet Street", "city": "London", "postal_code": "EC4Y 1AA", "country": "GB"});
    let patched = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"shipping_address": address}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
}

async fn print_checkout_collects_the_shipping_address(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    add_address(&app, &reader).await;
    open_checkout(&app, &reader, "print", "year").await;
    let session = only(stripe.calls_to("/v1/checkout/sessions").await);
    assert_eq!(
        session.param("shipping_address_collection[allowed_countries][0]"),
        Some("GB"),
        "{session:#?}"
    );
    assert_eq!(
        session.param("subscription_data[metadata][tier]"),
        Some("print")
    );
}

/// Checks out through Stripe and completes the checkout the way Stripe's
/// report does; returns the Stripe subscription id.
pub async fn stripe_subscriber(app: &TestApp, reader: &TestReader) -> String {
    let opened = open_checkout(app, reader, "digital", "month").await;
    let id = CheckoutId::parse(opened["checkout_id"].as_str().unwrap()).unwrap();
    let reader_id = ReaderId::parse(&reader.id).unwrap();
    let stripe_subscription = format!("sub_{}", uuid::Uuid::new_v4().simple());
    let customer = stored_customer(app, reader);
    let now = Utc::now().naive_utc();
    let paid = Paid {
        period_start: now,
        period_end: now + Duration::days(30),
        provider_customer_id: Some(customer),
        provider_subscription_id: Some(stripe_subscription.clone()),
        amount: AmountCents::parse(900).unwrap(),
        currency: Currency::parse("usd".to_owned()).unwrap(),
        provider_payment_id: format!("ch_{}", uuid::Uuid::new_v4().simple()),
        provider_invoice_id: None,
        invoice_number: None,
        invoice_url: None,
        paid_at: now,
        trial: false,
    };
    // The receipt it queues is written with the built-in templates.
    let letters = masthead::mail::Letters::new(
        masthead::mail::templates::Templates::builtin(),
        masthead::settings::Settings::default(),
    );
    masthead::db::write_transaction(&mut app.db(), |conn| {
        complete_checkout(
            conn,
            &letters,
            &id,
            &reader_id,
            "stripe",
            "provider:stripe",
            now,
            |_| Ok(paid),
        )
    })
    .expect("the checkout completes");
    stripe_subscription
}

async fn cancel_and_resume_flip_cancel_at_period_end(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let subscription = stripe_subscriber(&app, &reader).await;
    let route = format!("/v1/subscriptions/{subscription}");

    let canceled = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_eq!(canceled.status(), StatusCode::OK);
    assert_eq!(stored(&app, &reader)[0].row.state, "canceling");
    let resumed = post_empty(&app, "/v1/me/subscription/resume", &reader).await;
    assert_eq!(resumed.status(), StatusCode::OK);
    assert_eq!(stored(&app, &reader)[0].row.state, "active");

    let calls = stripe.calls_to(&route).await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].param("cancel_at_period_end"), Some("true"));
    assert!(key(&calls[0]).starts_with("cancel:"));
    assert_eq!(calls[1].param("cancel_at_period_end"), Some("false"));
    assert!(key(&calls[1]).starts_with("resume:"));
}

async fn a_retried_cancel_sends_the_same_key(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let subscription = stripe_subscriber(&app, &reader).await;
    let route = format!("/v1/subscriptions/{subscription}");
    stripe.fail_once(&route, 500).await;

    let failed = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_problem(
        failed,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_provider_unavailable",
    )
    .await;
    let after_failure = stored(&app, &reader);
    assert_eq!(after_failure[0].row.state, "active");
    assert_eq!(after_failure[0].events.len(), 2, "nothing recorded");

    let retried = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_eq!(retried.status(), StatusCode::OK);
    let calls = stripe.calls_to(&route).await;
    assert_eq!(calls.len(), 2);
    assert_eq!(key(&calls[0]), key(&calls[1]), "a retry repeats the key");
}

async fn stripe_failing_records_nothing(app: TestApp, stripe: FakeStripe) {
    stripe.fail("/v1/checkout/sessions", 500).await;
    let reader = app.new_reader().await;
    let response = checkout(&app, &reader, "digital", "month").await;
    assert_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_provider_unavailable",
    )
    .await;
    assert_no_open_checkout_or_subscription(&app, &reader);
}

fn assert_no_open_checkout_or_subscription(app: &TestApp, reader: &TestReader) {
    let statuses: Vec<String> = checkouts::table
        .filter(checkouts::reader_id.eq(&reader.id))
        .select(checkouts::status)
        .load(&mut app.db())
        .unwrap();
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| s == "expired"), "{statuses:?}");
    assert!(stored(app, reader).is_empty());
}

async fn stripe_refusing_is_a_bad_gateway(app: TestApp, stripe: FakeStripe) {
    stripe.fail("/v1/prices", 400).await;
    let reader = app.new_reader().await;
    let response = checkout(&app, &reader, "digital", "month").await;
    assert_problem(
        response,
        StatusCode::BAD_GATEWAY,
        "payment_provider_rejected",
    )
    .await;
    assert_no_open_checkout_or_subscription(&app, &reader);
    assert_eq!(stored_price(&app, "digital", "month"), None);
}

async fn a_slow_stripe_is_a_bounded_503(app: TestApp, stripe: FakeStripe) {
    stripe
        .stall("/v1/checkout/sessions", std::time::Duration::from_secs(30))
        .await;
    let reader = app.new_reader().await;
    let started = Instant::now();
    let response = checkout(&app, &reader, "digital", "month").await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_provider_unavailable",
    )
    .await;
    assert_no_open_checkout_or_subscription(&app, &reader);
}

async fn portal_opens_for_the_stripe_customer(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    stripe_subscriber(&app, &reader).await;
    let response = app
        .post_json_auth("/v1/billing/portal", &reader.access_token, &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .starts_with("https://billing.stripe.test/p/session/bps_"),
        "{body}"
    );
    let portal = only(stripe.calls_to("/v1/billing_portal/sessions").await);
    assert_eq!(
        portal.param("customer").unwrap(),
        stored_customer(&app, &reader)
    );
    assert!(key(&portal).starts_with(&format!("portal:{}:", reader.id)));
}

fn payment(provider_payment_id: &str, refunded_cents: i64) -> PaymentRow {
    let now = Utc::now().naive_utc();
    PaymentRow {
        id: "pay_1".to_owned(),
        subscription_id: "sub_1".to_owned(),
        reader_id: "reader_1".to_owned(),
        amount_cents: 9000,
        currency: "usd".to_owned(),
        provider: "stripe".to_owned(),
        provider_payment_id: provider_payment_id.to_owned(),
        provider_invoice_id: None,
        paid_at: now,
        refunded_cents,
        created_at: now,
        tax_cents: None,
    }
}

fn stripe_provider(stripe: &FakeStripe) -> Provider {
    Provider::from_settings(&Settings {
        stripe_secret_key: Some("sk_test_masthead".into()),
        stripe_api_base: Some(stripe.url()),
        ..Settings::default()
    })
    .unwrap()
}

#[tokio::test]
async fn refund_names_the_charge_once_per_retry() {
    let stripe = FakeStripe::start().await;
    let provider = stripe_provider(&stripe);

    let charged = payment("ch_123", 1000);
    let first = provider.refund(&charged).await.unwrap();
    let retried = provider.refund(&charged).await.unwrap();
    assert_eq!(first, retried, "Stripe replays the refund for the same key");
    assert_eq!(first.amount_cents, 8000, "what is left of the payment");
    assert!(first.provider_refund_id.unwrap().starts_with("re_"));

    let by_intent = provider.refund(&payment("pi_456", 0)).await.unwrap();
    assert_eq!(by_intent.amount_cents, 9000);

    let calls = stripe.calls_to("/v1/refunds").await;
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].param("charge"), Some("ch_123"));
    assert_eq!(calls[0].param("amount"), Some("8000"));
    assert_eq!(key(&calls[0]), "refund:pay_1:1000");
    assert_eq!(key(&calls[0]), key(&calls[1]));
    assert_eq!(calls[2].param("payment_intent"), Some("pi_456"));
    assert_eq!(calls[2].param("charge"), None);
    assert_eq!(key(&calls[2]), "refund:pay_1:0");
}

#[tokio::test]
async fn refund_refuses_twice_and_maps_failures() {
    let stripe = FakeStripe::start().await;
    let provider = stripe_provider(&stripe);
    let refunded = provider.refund(&payment("ch_1", 9000)).await.unwrap_err();
    assert_eq!(refunded.code(), "already_refunded");
    let dev_payment = PaymentRow {
        provider: "dev".to_owned(),
        ..payment("dev_1", 0)
    };
    let unheld = provider.refund(&dev_payment).await.unwrap();
    assert_eq!(unheld.provider_refund_id, None);

    stripe.fail("/v1/refunds", 503).await;
    let unavailable = provider.refund(&payment("ch_2", 0)).await.unwrap_err();
    assert_eq!(unavailable.code(), "payment_provider_unavailable");
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
}
