//! A subscription's life at Stripe on the pinned version's shapes:
//! dunning to `past_due` and `unpaid` and back, the reader's action on a
//! failed or 3-D Secure renewal, the portal's `cancel_at` then a resume in
//! Masthead, a pause and resume, and disputes won and lost.

use crate::support::billing_fixtures::{checkout, post_empty, stored};
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, assert_problem};
use crate::support::stripe_events::{
    PRICE_CENTS, Purchase, Shape, deliver_ok, purchase, settled, stripe_id,
};
use crate::support::stripe_fixtures::paid_subscription;
use crate::webhooks::{deep_dive_granted, my_subscription};
use chrono::Utc;
use serde_json::{Value, json};

on_both_backends!(with = crate::support::stripe_events::spawn_with_stripe_and_webhooks;
    dunning_to_past_due_and_unpaid_then_paid_is_active_again,
    a_renewal_needing_3d_secure_shows_where_to_finish_it,
    portal_cancel_at_then_resume_in_masthead_clears_it,
    paused_suspends_access_and_resumed_restores_it,
    dispute_won_pauses_then_resumes_collection_and_access,
    dispute_lost_cancels_at_stripe,
    funds_reinstated_and_closed_won_restore_once,
    an_unpaid_first_invoice_expires_and_frees_the_checkout,
);

fn route(purchase: &Purchase) -> String {
    format!("/v1/subscriptions/{}", purchase.subscription)
}

/// Smart Retries and the dunning settings
/// (<https://docs.stripe.com/billing/revenue-recovery/smart-retries>):
/// a failed renewal makes the subscription `past_due`, after the last
/// retry `unpaid` (not terminal: paying the open invoice makes it `active`
/// again, <https://docs.stripe.com/billing/subscriptions/overview#subscription-statuses>).
/// The reader sees the hosted invoice page to pay it
/// (<https://docs.stripe.com/api/invoices/object#invoice_object-hosted_invoice_url>).
async fn dunning_to_past_due_and_unpaid_then_paid_is_active_again(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let renewal = stripe_id("in");
    let intent = stripe_id("pi");
    let next_end = purchase.period_end + 30 * 86_400;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "payment_failed",
            &renewal,
            &intent,
            PRICE_CENTS,
            next_end,
            t0 + 10,
        ),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "past_due", false, purchase.period_end, t0 + 11),
    )
    .await;
    let subscription = my_subscription(&app, &reader).await;
    assert_eq!(subscription["state"], "past_due");
    assert_eq!(
        subscription["payment_action_url"],
        format!("https://invoice.stripe.test/i/{renewal}")
    );
    assert_eq!(
        deep_dive_granted(&app, &reader).await["granted"],
        true,
        "grace"
    );

    deliver_ok(
        &app,
        &purchase.subscription("updated", "unpaid", false, purchase.period_end, t0 + 20),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "unpaid");
    let access = deep_dive_granted(&app, &reader).await;
    assert_eq!(
        access["granted"], false,
        "unpaid keeps access closed: {access}"
    );

    stripe.invoice_paid_by(&renewal, &intent, None).await;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "paid",
            &renewal,
            &intent,
            PRICE_CENTS,
            next_end,
            t0 + 30,
        ),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", false, next_end, t0 + 31),
    )
    .await;
    let subscription = my_subscription(&app, &reader).await;
    assert_eq!(subscription["state"], "active", "{subscription}");
    assert!(
        subscription.get("payment_action_url").is_none(),
        "{subscription}"
    );
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    settled(&app).await;
    assert_eq!(stored(&app, &reader)[0].payments.len(), 2);
}

/// `invoice.payment_action_required`
/// (<https://docs.stripe.com/billing/subscriptions/overview#requires-action>):
/// the renewal needs 3-D Secure; the reader finishes it on the invoice page.
async fn a_renewal_needing_3d_secure_shows_where_to_finish_it(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let renewal = stripe_id("in");
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "payment_action_required",
            &renewal,
            "pi_x",
            PRICE_CENTS,
            purchase.period_end + 30 * 86_400,
            t0 + 10,
        ),
    )
    .await;
    let subscription = my_subscription(&app, &reader).await;
    assert_eq!(
        subscription["payment_action_url"],
        format!("https://invoice.stripe.test/i/{renewal}")
    );
}

/// The billing portal cancels with `cancel_at` and `cancel_at_period_end:
/// false` on newer versions
/// (<https://docs.stripe.com/billing/subscriptions/cancel#cancel-at>); a
/// resume in Masthead clears both (an empty `cancel_at`).
async fn portal_cancel_at_then_resume_in_masthead_clears_it(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let mut updated =
        purchase.subscription("updated", "active", false, purchase.period_end, t0 + 10);
    updated["data"]["object"]["cancel_at"] = json!(purchase.period_end);
    updated["data"]["object"]["cancel_at_period_end"] = json!(false);
    deliver_ok(&app, &updated).await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "canceling");

    let resumed = post_empty(&app, "/v1/me/subscription/resume", &reader).await;
    assert_eq!(resumed.status(), 200);
    let calls = stripe.calls_to(&route(&purchase)).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].param("cancel_at"), Some(""));
    assert_eq!(calls[0].param("cancel_at_period_end"), Some("false"));
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
}

/// `paused` (<https://docs.stripe.com/billing/subscriptions/pause>): a
/// trial ending without a payment method, or Stripe's pause endpoint,
/// suspends service; resumed, the subscription is `active` again.
async fn paused_suspends_access_and_resumed_restores_it(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "paused", false, purchase.period_end, t0 + 10),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "paused");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", false, purchase.period_end, t0 + 20),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
}

fn pause_calls(calls: &[crate::support::fake_stripe::StripeCall]) -> Vec<Option<String>> {
    calls
        .iter()
        .map(|call| {
            call.param("pause_collection[behavior]")
                .or_else(|| call.param("pause_collection"))
                .map(str::to_owned)
        })
        .collect()
}

/// A dispute (<https://docs.stripe.com/disputes/how-disputes-work>):
/// access ends at once and collection pauses with `behavior: void`
/// (<https://docs.stripe.com/billing/subscriptions/pause-payment>); closed
/// `won`, collection resumes (an empty `pause_collection`) and access
/// returns.
async fn dispute_won_pauses_then_resumes_collection_and_access(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let dispute = stripe_id("dp");
    deliver_ok(
        &app,
        &purchase.dispute_of(
            "created",
            &dispute,
            &purchase.payment_intent,
            "needs_response",
            t0 + 10,
        ),
    )
    .await;
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    settled(&app).await;
    assert_eq!(
        pause_calls(&stripe.calls_to(&route(&purchase)).await),
        vec![Some("void".to_owned())]
    );
    deliver_ok(
        &app,
        &purchase.dispute_of("closed", &dispute, &purchase.payment_intent, "won", t0 + 20),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    settled(&app).await;
    let calls = stripe.calls_to(&route(&purchase)).await;
    assert_eq!(
        pause_calls(&calls),
        vec![Some("void".to_owned()), Some(String::new())]
    );
    assert_ne!(calls[0].idempotency_key, calls[1].idempotency_key);
    let events = &stored(&app, &reader)[0].events;
    assert_eq!(
        events[events.len() - 2..].to_vec(),
        vec![
            (Some("active".to_owned()), "refunded".to_owned()),
            (Some("refunded".to_owned()), "active".to_owned())
        ]
    );
}

/// Closed `lost`: the money is gone for good; the Stripe subscription is
/// cancelled so it never bills again, and access stays ended.
async fn dispute_lost_cancels_at_stripe(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let dispute = stripe_id("dp");
    deliver_ok(
        &app,
        &purchase.dispute_of(
            "created",
            &dispute,
            &purchase.payment_intent,
            "needs_response",
            t0 + 10,
        ),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.dispute_of(
            "closed",
            &dispute,
            &purchase.payment_intent,
            "lost",
            t0 + 20,
        ),
    )
    .await;
    settled(&app).await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "refunded");
    assert_eq!(
        stripe.requests_to("DELETE", &route(&purchase)).await.len(),
        1
    );
}

/// A won dispute sends `charge.dispute.funds_reinstated` and
/// `charge.dispute.closed` (<https://docs.stripe.com/api/events/types#event_types-charge.dispute.funds_reinstated>),
/// in either order: access returns once, collection resumes once.
async fn funds_reinstated_and_closed_won_restore_once(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let dispute = stripe_id("dp");
    deliver_ok(
        &app,
        &purchase.dispute_of(
            "created",
            &dispute,
            &purchase.payment_intent,
            "needs_response",
            t0 + 10,
        ),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.dispute_of(
            "funds_reinstated",
            &dispute,
            &purchase.payment_intent,
            "won",
            t0 + 20,
        ),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.dispute_of("closed", &dispute, &purchase.payment_intent, "won", t0 + 21),
    )
    .await;
    settled(&app).await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    let resumes: Vec<Value> = stripe
        .calls_to(&route(&purchase))
        .await
        .iter()
        .filter(|call| call.param("pause_collection") == Some(""))
        .map(|call| json!(call.idempotency_key))
        .collect();
    assert_eq!(resumes.len(), 1, "{resumes:?}");
}

/// `incomplete_expired`
/// (<https://docs.stripe.com/billing/subscriptions/overview#payment-window>):
/// the first invoice was not paid within 23 hours, so Stripe gave the
/// subscription up. Nothing was granted; the reader's checkout, still
/// open, must not keep blocking a new one.
async fn an_unpaid_first_invoice_expires_and_frees_the_checkout(app: TestApp, _stripe: FakeStripe) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    assert_problem(
        checkout(&app, &reader, "digital", "month").await,
        reqwest::StatusCode::CONFLICT,
        "checkout_open",
    )
    .await;
    let t0 = Utc::now().timestamp() - 100;
    deliver_ok(
        &app,
        &purchase.subscription(
            "updated",
            "incomplete_expired",
            false,
            purchase.period_end,
            t0,
        ),
    )
    .await;
    let again = checkout(&app, &reader, "digital", "month").await;
    assert!(
        again.status().is_success(),
        "a new checkout opens once Stripe gave the old one up: {}",
        again.status()
    );
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
}
