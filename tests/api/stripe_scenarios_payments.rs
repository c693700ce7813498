//! New subscriptions, renewals and trials driven by events in the shapes
//! of the pinned API version (`2026-09-30.endive`) and of 2024: every
//! payment ends up keyed by the payment intent Stripe refunds, whatever
//! order the events come in, and a staff refund of it goes through.

use crate::support::billing_fixtures::stored;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::stripe_events::{
    PRICE_CENTS, Purchase, Shape, charge_of, deliver, deliver_ok, purchase, settled, stripe_id,
};
use crate::webhooks::{deep_dive_granted, my_subscription};
use chrono::Utc;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(with = crate::support::stripe_events::spawn_with_stripe_and_webhooks;
    new_subscription_in_stripes_order_then_a_staff_refund,
    new_subscription_shuffled_without_invoice_payment_paid,
    invoice_payment_paid_names_the_intent_when_the_invoice_cannot_be_read,
    new_subscription_on_2024_shapes_needs_no_lookup,
    a_renewal_is_a_second_payment_with_its_own_intent,
    a_trial_is_not_a_payment,
    a_reader_in_a_trial_can_cancel_it,
    a_live_mode_event_on_a_test_key_is_refused,
    an_absurd_amount_is_not_booked,
    requests_carry_the_pinned_api_version,
);

/// Stripe's order for a new subscription through Checkout
/// (<https://docs.stripe.com/billing/subscriptions/build-subscriptions#provision-and-monitor>):
/// the session completes, the subscription is created, its first invoice
/// is paid.
fn opening_events(purchase: &Purchase, shape: Shape, now: i64) -> Vec<Value> {
    vec![
        purchase.session_completed(now),
        purchase.subscription("created", "active", false, purchase.period_end, now),
        purchase.invoice_event(
            shape,
            "paid",
            &purchase.invoice,
            &purchase.payment_intent,
            PRICE_CENTS,
            purchase.period_end,
            now,
        ),
    ]
}

async fn reader_with_purchase(app: &TestApp) -> (TestReader, Purchase) {
    publish_sample_catalogue(app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(app, &reader);
    (reader, purchase)
}

async fn staff_refund(app: &TestApp, subscription: &str) -> (StatusCode, Value) {
    let support = app.new_staff(Role::Support).await;
    let response = app
        .client
        .post(app.url(&format!("/v1/admin/subscriptions/{subscription}/refund")))
        .bearer_auth(&support.access_token)
        .json(&json!({"reason": "the reader asked within the guarantee"}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The pinned version's events name no payment intent anywhere
/// (<https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices>):
/// Masthead retrieves the invoice with `expand[]=payments`
/// (<https://docs.stripe.com/api/invoices/object#invoice_object-payments>)
/// after answering, and the staff refund then names the payment intent
/// (<https://docs.stripe.com/api/refunds/create>): 200, one refund at
/// Stripe, access ends.
async fn new_subscription_in_stripes_order_then_a_staff_refund(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    let charge = charge_of(&purchase.payment_intent);
    stripe
        .invoice_paid_by(&purchase.invoice, &purchase.payment_intent, Some(&charge))
        .await;
    let now = Utc::now().timestamp() - 10;
    for event in opening_events(&purchase, Shape::Current, now) {
        deliver_ok(&app, &event).await;
    }
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    let follow_ups = settled(&app).await;
    assert_eq!(
        follow_ups,
        vec![(
            "learn_invoice_payment".to_owned(),
            "done".to_owned(),
            purchase.invoice.clone()
        )]
    );
    let lookups = stripe
        .requests_to("GET", &format!("/v1/invoices/{}", purchase.invoice))
        .await;
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].query_param("expand[0]"), Some("payments"));
    let stored = stored(&app, &reader);
    assert_eq!(stored[0].payments.len(), 1);
    assert_eq!(
        stored[0].payments[0].provider_payment_id,
        purchase.payment_intent
    );
    assert_eq!(stored[0].payments[0].amount_cents, PRICE_CENTS);

    let (status, body) = staff_refund(&app, &stored[0].row.id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["subscription"]["state"], "refunded");
    let refunds = stripe.calls_to("/v1/refunds").await;
    assert_eq!(refunds.len(), 1, "{refunds:#?}");
    assert_eq!(
        refunds[0].param("payment_intent"),
        Some(purchase.payment_intent.as_str())
    );
    assert_eq!(refunds[0].param("amount"), Some("900"));
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
}

/// Stripe does not guarantee event order
/// (<https://docs.stripe.com/webhooks#event-ordering>): the invoice paid
/// first, then the subscription, the session last; no
/// `invoice_payment.paid` (an endpoint not subscribed to it). The same
/// subscription, payment and intent result.
async fn new_subscription_shuffled_without_invoice_payment_paid(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    stripe
        .invoice_paid_by(&purchase.invoice, &purchase.payment_intent, None)
        .await;
    let now = Utc::now().timestamp() - 10;
    let mut events = opening_events(&purchase, Shape::Current, now);
    events.reverse();
    for event in &events {
        deliver_ok(&app, event).await;
    }
    settled(&app).await;
    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "one subscription");
    assert_eq!(stored[0].row.state, "active");
    assert_eq!(stored[0].payments.len(), 1, "one payment");
    assert_eq!(
        stored[0].payments[0].provider_payment_id,
        purchase.payment_intent
    );
    assert_eq!(
        stored[0].payments[0].provider_invoice_id.as_deref(),
        Some(purchase.invoice.as_str())
    );
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
}

/// `invoice_payment.paid` (2025-05-28,
/// <https://docs.stripe.com/api/invoice-payment/object>) names the payment
/// intent; it may come after `invoice.paid`. With Stripe failing the
/// invoice lookup, the event alone keys the payment.
async fn invoice_payment_paid_names_the_intent_when_the_invoice_cannot_be_read(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    stripe
        .fail_get(&format!("/v1/invoices/{}", purchase.invoice), 500)
        .await;
    let now = Utc::now().timestamp() - 10;
    for event in opening_events(&purchase, Shape::Current, now) {
        deliver_ok(&app, &event).await;
    }
    deliver_ok(
        &app,
        &purchase.invoice_payment_paid(&purchase.invoice, &purchase.payment_intent, now),
    )
    .await;
    let stored = stored(&app, &reader);
    assert_eq!(
        stored[0].payments[0].provider_payment_id,
        purchase.payment_intent
    );
}

/// On 2024 versions the invoice names its payment intent and charge
/// (<https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices>
/// lists what basil removed): nothing to look up.
async fn new_subscription_on_2024_shapes_needs_no_lookup(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    let now = Utc::now().timestamp() - 10;
    for event in opening_events(&purchase, Shape::Legacy2024, now) {
        deliver_ok(&app, &event).await;
    }
    assert!(settled(&app).await.is_empty(), "no follow-up needed");
    assert!(
        stripe
            .requests_to("GET", &format!("/v1/invoices/{}", purchase.invoice))
            .await
            .is_empty()
    );
    let stored = stored(&app, &reader);
    assert_eq!(
        stored[0].payments[0].provider_payment_id,
        purchase.payment_intent
    );
    let (status, body) = staff_refund(&app, &stored[0].row.id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stripe.calls_to("/v1/refunds").await[0].param("payment_intent"),
        Some(purchase.payment_intent.as_str())
    );
}

/// A renewal (<https://docs.stripe.com/billing/subscriptions/overview#subscription-lifecycle>):
/// the next invoice paid extends the period (items' `current_period_end`
/// on the pinned version) and is a second payment with its own intent.
async fn a_renewal_is_a_second_payment_with_its_own_intent(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    stripe
        .invoice_paid_by(&purchase.invoice, &purchase.payment_intent, None)
        .await;
    let now = Utc::now().timestamp() - 10;
    for event in opening_events(&purchase, Shape::Current, now) {
        deliver_ok(&app, &event).await;
    }
    let (renewal, renewal_intent) = (stripe_id("in"), stripe_id("pi"));
    stripe
        .invoice_paid_by(&renewal, &renewal_intent, None)
        .await;
    let next_end = purchase.period_end + 30 * 86_400;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", false, next_end, now + 1),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "paid",
            &renewal,
            &renewal_intent,
            PRICE_CENTS,
            next_end,
            now + 2,
        ),
    )
    .await;
    settled(&app).await;
    let stored = stored(&app, &reader);
    let intents: Vec<&str> = stored[0]
        .payments
        .iter()
        .map(|p| p.provider_payment_id.as_str())
        .collect();
    assert_eq!(
        intents,
        vec![purchase.payment_intent.as_str(), renewal_intent.as_str()]
    );
    assert_eq!(
        stored[0]
            .row
            .current_period_end
            .unwrap()
            .and_utc()
            .timestamp(),
        next_end
    );
}

/// A trial (<https://docs.stripe.com/billing/subscriptions/trials>):
/// `trialing` grants access, its $0 invoice is not a payment (nothing to
/// refund, no guarantee started); the first real invoice is.
async fn a_trial_is_not_a_payment(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    let now = Utc::now().timestamp() - 10;
    deliver_ok(
        &app,
        &purchase.subscription("created", "trialing", false, purchase.period_end, now),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "paid",
            &purchase.invoice,
            "pi_unused",
            0,
            purchase.period_end,
            now,
        ),
    )
    .await;
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    assert_eq!(my_subscription(&app, &reader).await["state"], "trialing");
    let paid = stored(&app, &reader)[0].payments.clone();
    assert!(paid.is_empty(), "a trial is not a payment: {paid:?}");
    let id = stored(&app, &reader)[0].row.id.clone();
    let (status, body) = staff_refund(&app, &id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "not_refundable", "a trial took no money");

    let (first, intent) = (stripe_id("in"), stripe_id("pi"));
    stripe.invoice_paid_by(&first, &intent, None).await;
    let next_end = purchase.period_end + 30 * 86_400;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "paid",
            &first,
            &intent,
            PRICE_CENTS,
            next_end,
            now + 5,
        ),
    )
    .await;
    settled(&app).await;
    let paid: Vec<(i64, String)> = stored(&app, &reader)[0]
        .payments
        .iter()
        .filter(|p| p.amount_cents > 0)
        .map(|p| (p.amount_cents, p.provider_payment_id.clone()))
        .collect();
    assert_eq!(paid, vec![(PRICE_CENTS, intent)]);
    assert_eq!(
        my_subscription(&app, &reader).await["state"],
        "active",
        "the first real payment ends the trial"
    );
    let events: Vec<(Option<String>, String)> = stored(&app, &reader)[0].events.clone();
    assert_eq!(
        events.iter().map(|(_, to)| to.as_str()).collect::<Vec<_>>(),
        vec!["incomplete", "trialing", "active"]
    );
    // The guarantee counts from that payment: a staff refund now is
    // inside it (support may refund) and refunds exactly that payment.
    let (status, body) = staff_refund(&app, &id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refunds = stripe.requests_to("POST", "/v1/refunds").await;
    assert_eq!(refunds.len(), 1, "{refunds:#?}");
    assert_eq!(
        refunds[0].param("amount"),
        Some(PRICE_CENTS.to_string().as_str())
    );
}

/// Test and live mode are separate worlds
/// (<https://docs.stripe.com/testing-use-cases#test-mode>) and every event
/// says which it is from (`livemode`,
/// <https://docs.stripe.com/api/events/object#event_object-livemode>): a
/// live event reaching an app with a test key is refused, nothing changed.
async fn a_live_mode_event_on_a_test_key_is_refused(app: TestApp, _stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    let mut event = purchase.session_completed(Utc::now().timestamp());
    event["livemode"] = json!(true);
    let response = deliver(&app, &event).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "livemode_mismatch").await;
    assert!(stored(&app, &reader).is_empty(), "nothing changed");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    event["livemode"] = json!(false);
    deliver_ok(&app, &event).await;
    assert_eq!(
        stored(&app, &reader).len(),
        1,
        "the same event from test mode applies"
    );
}

/// Amounts are in the currency's smallest unit
/// (<https://docs.stripe.com/currencies#minor-units>); one above ten
/// million dollars is not a magazine subscription and is not booked.
async fn an_absurd_amount_is_not_booked(app: TestApp, _stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    let now = Utc::now().timestamp() - 10;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Legacy2024,
            "paid",
            &purchase.invoice,
            &purchase.payment_intent,
            1_000_000_001,
            purchase.period_end,
            now,
        ),
    )
    .await;
    assert!(stored(&app, &reader).is_empty(), "not booked");
}

/// Every call names the API version Masthead is written against
/// (<https://docs.stripe.com/api/versioning>), the one constant the docs
/// name too.
async fn requests_carry_the_pinned_api_version(app: TestApp, stripe: FakeStripe) {
    let (_reader, purchase) = reader_with_purchase(&app).await;
    stripe
        .invoice_paid_by(&purchase.invoice, &purchase.payment_intent, None)
        .await;
    for event in opening_events(&purchase, Shape::Current, Utc::now().timestamp() - 10) {
        deliver_ok(&app, &event).await;
    }
    settled(&app).await;
    let calls = stripe.calls().await;
    assert!(!calls.is_empty());
    for call in calls {
        assert_eq!(
            call.stripe_version.as_deref(),
            Some(masthead::billing::STRIPE_API_VERSION),
            "{} {}",
            call.method,
            call.path
        );
    }
    assert_eq!(masthead::billing::STRIPE_API_VERSION, "2026-09-30.endive");
}

/// Cancel anytime holds during a free trial: Masthead sets
/// `cancel_at_period_end=true` on the Stripe subscription (the trial then
/// ends without a first invoice being paid,
/// <https://docs.stripe.com/billing/subscriptions/trials#cancel-trial>,
/// <https://docs.stripe.com/api/subscriptions/update>), the reader keeps
/// access to the trial's end, and the state is `canceling`.
async fn a_reader_in_a_trial_can_cancel_it(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase) = reader_with_purchase(&app).await;
    let now = Utc::now().timestamp() - 10;
    deliver_ok(
        &app,
        &purchase.subscription("created", "trialing", false, purchase.period_end, now),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "trialing");

    let response =
        crate::support::billing_fixtures::post_empty(&app, "/v1/me/subscription/cancel", &reader)
            .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["state"], "canceling", "{body}");
    let updates = stripe
        .requests_to(
            "POST",
            &format!("/v1/subscriptions/{}", purchase.subscription),
        )
        .await;
    assert_eq!(updates.len(), 1, "one update at Stripe");
    assert_eq!(updates[0].param("cancel_at_period_end"), Some("true"));
    assert_eq!(
        deep_dive_granted(&app, &reader).await["granted"],
        true,
        "access to the trial's end"
    );
}
