//! Gifts paid through Stripe: the one-time Checkout Session in `payment`
//! mode (<https://docs.stripe.com/payments/checkout/how-checkout-works>,
//! `mode=payment` with inline `line_items[][price_data]`,
//! <https://docs.stripe.com/api/checkout/sessions/create>), completed by
//! `checkout.session.completed` whose object carries `mode: "payment"`,
//! `payment_status: "paid"`, `client_reference_id`, `payment_intent`,
//! `amount_total` and `currency`
//! (<https://docs.stripe.com/api/checkout/sessions/object>), delivered twice
//! as Stripe may; and the refund of that payment intent
//! (<https://docs.stripe.com/api/refunds/create>: `payment_intent`,
//! `amount`, with an `Idempotency-Key`); and Stripe Tax on the gift's
//! session (<https://docs.stripe.com/tax/checkout>).

use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{Backend, TestApp, spawn_app_with};
use crate::support::outbox::{emails_settled, emails_to, token_in};
use crate::support::stripe_events::{
    deliver_ok, event, resource, spawn_with_stripe_and_webhooks, stripe_id, with,
};
use diesel::prelude::*;
use masthead::db::schema::gifts;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    with = spawn_with_stripe_and_webhooks;
    a_stripe_gift_is_a_payment_session_completed_once_and_refunded_by_its_intent,
    an_expired_gift_session_cannot_be_completed_later,
);

on_both_backends!(
    with = spawn_with_stripe_tax;
    a_gift_session_asks_stripe_tax_when_configured,
);

/// The app with a fake Stripe and `MASTHEAD_STRIPE_AUTOMATIC_TAX` on, with
/// tax-inclusive prices.
async fn spawn_with_stripe_tax(backend: Backend) -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let base = stripe.url();
    let app = spawn_app_with(backend, move |s| {
        s.stripe_secret_key = Some("sk_test_masthead".into());
        s.stripe_api_base = Some(base);
        s.stripe_automatic_tax = true;
        s.stripe_tax_behavior = masthead::settings::TaxBehavior::Inclusive;
    })
    .await;
    (app, stripe)
}

const RECEIPT: &str = "Your gift subscription: receipt";

fn completed(gift: &str, payment_intent: &str, amount: i64) -> Value {
    let session = with(
        resource("checkout.session"),
        json!({
            "id": stripe_id("cs_test"),
            "mode": "payment",
            "status": "complete",
            "payment_status": "paid",
            "client_reference_id": gift,
            "customer": null,
            "subscription": null,
            "invoice": null,
            "payment_intent": payment_intent,
            "amount_total": amount,
            "currency": "usd",
            "metadata": {"gift_id": gift},
        }),
    );
    event(
        "checkout.session.completed",
        session,
        chrono::Utc::now().timestamp(),
    )
}

async fn a_stripe_gift_is_a_payment_session_completed_once_and_refunded_by_its_intent(
    app: TestApp,
    stripe: FakeStripe,
) {
    let response = app
        .post_json(
            "/v1/gifts/checkout",
            &json!({
                "tier": "digital",
                "months": 6,
                "recipient_email": "grace@example.com",
                "buyer_email": "buyer@example.com",
            }),
        )
        .await;
    let status = response.status();
    let opened: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["provider"], "stripe");
    let gift = opened["checkout_id"].as_str().unwrap().to_owned();
    let sessions = stripe.calls_to("/v1/checkout/sessions").await;
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session.param("mode"), Some("payment"));
    assert_eq!(session.param("client_reference_id"), Some(gift.as_str()));
    assert_eq!(session.param("customer_email"), Some("buyer@example.com"));
    assert_eq!(
        session.param("line_items[0][price_data][unit_amount]"),
        Some("5400"),
        "6 x the monthly 9.00"
    );
    assert_eq!(
        session.param("line_items[0][price_data][currency]"),
        Some("usd")
    );
    assert!(session.idempotency_key.is_some());
    assert_eq!(
        session.param("automatic_tax[enabled]"),
        None,
        "Stripe Tax is off by default"
    );
    assert_eq!(
        session.param("line_items[0][price_data][tax_behavior]"),
        Some("exclusive")
    );
    assert_eq!(
        session.param("line_items[0][price_data][product_data][tax_code]"),
        Some("txcd_10000000"),
        "a digital tier is taxed as a digital publication"
    );

    let paid = completed(&gift, "pi_gift_1", 5400);
    deliver_ok(&app, &paid).await;
    deliver_ok(&app, &paid).await;
    // The same session reported under another event id changes nothing.
    deliver_ok(&app, &completed(&gift, "pi_gift_1", 5400)).await;
    emails_settled(&app).await;
    let receipts = emails_to(&app, "buyer@example.com", RECEIPT).await;
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    let status: String = gifts::table
        .find(&gift)
        .select(gifts::status)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(status, "paid");

    let refund_token = token_in(&receipts[0]);
    let refunded = app
        .client
        .post(app.url(&format!("/v1/gifts/refunds/{refund_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(refunded.status(), StatusCode::OK);
    let refunds = stripe.calls_to("/v1/refunds").await;
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].param("payment_intent"), Some("pi_gift_1"));
    assert_eq!(refunds[0].param("amount"), Some("5400"));
    assert!(
        refunds[0]
            .idempotency_key
            .as_deref()
            .unwrap()
            .contains(&gift)
    );
    let again = app
        .client
        .post(app.url(&format!("/v1/gifts/refunds/{refund_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
}

/// With `MASTHEAD_STRIPE_AUTOMATIC_TAX` the gift's Checkout Session (payment
/// mode) asks Stripe Tax to compute the tax, as a subscription checkout
/// does: `automatic_tax[enabled]=true`
/// (<https://docs.stripe.com/tax/checkout>). The buyer has no Stripe
/// customer (only `customer_email`), so no `customer_update` is sent
/// (Stripe accepts it only with `customer`): Checkout collects the billing
/// address itself. The inline price carries the configured tax behaviour.
async fn a_gift_session_asks_stripe_tax_when_configured(app: TestApp, stripe: FakeStripe) {
    let response = app
        .post_json(
            "/v1/gifts/checkout",
            &json!({
                "tier": "digital",
                "months": 3,
                "recipient_email": "grace@example.com",
                "buyer_email": "buyer@example.com",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sessions = stripe.calls_to("/v1/checkout/sessions").await;
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session.param("mode"), Some("payment"));
    assert_eq!(session.param("automatic_tax[enabled]"), Some("true"));
    assert_eq!(session.param("customer_update[address]"), None);
    assert_eq!(session.param("customer"), None);
    assert_eq!(
        session.param("line_items[0][price_data][tax_behavior]"),
        Some("inclusive")
    );
}

/// Stripe reports the gift's page expired unpaid (`checkout.session.expired`,
/// <https://docs.stripe.com/api/events/types#event_types-checkout.session.expired>,
/// a Checkout Session with `status: "expired"`, `payment_status: "unpaid"`,
/// <https://docs.stripe.com/api/checkout/sessions/object>): the gift is
/// `expired`. A `checkout.session.completed` for it afterwards (replayed
/// out of order, or forged with a valid signature) is answered 200 and
/// records nothing: no payment, no receipt, no delivery.
async fn an_expired_gift_session_cannot_be_completed_later(app: TestApp, _stripe: FakeStripe) {
    let response = app
        .post_json(
            "/v1/gifts/checkout",
            &json!({
                "tier": "digital",
                "months": 1,
                "recipient_email": "grace@example.com",
                "buyer_email": "buyer@example.com",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    let gift = opened["checkout_id"].as_str().unwrap().to_owned();
    let session = with(
        resource("checkout.session"),
        json!({
            "id": stripe_id("cs_test"),
            "mode": "payment",
            "status": "expired",
            "payment_status": "unpaid",
            "client_reference_id": gift,
            "customer": null,
            "subscription": null,
            "invoice": null,
            "payment_intent": null,
            "amount_total": 900,
            "currency": "usd",
            "metadata": {"gift_id": gift},
        }),
    );
    let now = chrono::Utc::now().timestamp();
    let expired = event("checkout.session.expired", session, now);
    deliver_ok(&app, &expired).await;
    deliver_ok(&app, &expired).await;
    let status = |app: &TestApp| -> (String, Option<String>) {
        gifts::table
            .find(&gift)
            .select((gifts::status, gifts::provider_payment_id))
            .first(&mut app.db())
            .unwrap()
    };
    assert_eq!(status(&app), ("expired".to_owned(), None));

    deliver_ok(&app, &completed(&gift, "pi_gift_late", 900)).await;
    assert_eq!(status(&app), ("expired".to_owned(), None));
    emails_settled(&app).await;
    assert!(
        emails_to(&app, "buyer@example.com", RECEIPT)
            .await
            .is_empty()
    );
    let deliveries: i64 = masthead::db::schema::jobs::table
        .filter(masthead::db::schema::jobs::kind.eq("deliver_gift"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(deliveries, 0);
}
