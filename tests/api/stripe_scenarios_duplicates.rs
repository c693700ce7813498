//! Two paid checkouts: a reader who opened two Checkout Sessions (two
//! tabs) before paying either pays both, and Stripe reports two
//! subscriptions, since Stripe knows nothing of Masthead's one
//! subscription per reader.

use crate::admin_readers::redact;
use crate::support::billing_fixtures::stored;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::TestApp;
use crate::support::stripe_events::{
    PRICE_CENTS, Purchase, Shape, deliver_ok, purchase, settled, stripe_id,
};
use crate::support::stripe_fixtures::paid_subscription;
use crate::webhooks::deep_dive_granted;
use masthead::domain::Role;
use serde_json::Value;

on_both_backends!(with = crate::support::stripe_events::spawn_with_stripe_and_webhooks;
    a_second_paid_checkout_is_cancelled_and_refunded_once,
    a_second_checkout_in_a_trial_is_a_duplicate_too,
);

/// The second subscription is recorded as `duplicate` (linked to the one
/// that keeps the access) with its payment; after the answer Masthead
/// cancels it at Stripe (<https://docs.stripe.com/api/subscriptions/cancel>:
/// `DELETE /v1/subscriptions/{id}`, `prorate=false`) and refunds its
/// payment in full against its payment intent
/// (<https://docs.stripe.com/api/refunds/create>), each with an
/// `Idempotency-Key` (<https://docs.stripe.com/api/idempotent_requests>).
/// The events arrive in Stripe's order on the pinned version (no payment
/// intent on the invoice: it is learnt from `expand[]=payments`); every
/// event delivered again changes nothing and calls Stripe no more.
async fn a_second_paid_checkout_is_cancelled_and_refunded_once(app: TestApp, stripe: FakeStripe) {
    let (reader, first, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    // The second tab's checkout, opened before the first was paid.
    let mut second = purchase(&app, &reader);
    second.customer = first.customer.clone();
    stripe
        .invoice_paid_by(&second.invoice, &second.payment_intent, None)
        .await;
    let events = [
        second.session_completed(t0 + 5),
        second.subscription("created", "active", false, second.period_end, t0 + 5),
        second.invoice_event(
            Shape::Current,
            "paid",
            &second.invoice,
            &second.payment_intent,
            PRICE_CENTS,
            second.period_end,
            t0 + 5,
        ),
    ];
    for event in &events {
        deliver_ok(&app, event).await;
    }
    let follow_ups = settled(&app).await;
    for event in &events {
        deliver_ok(&app, event).await;
    }
    assert_eq!(settled(&app).await, follow_ups, "a replay queues nothing");
    assert_follow_ups_ran_as_jobs(&app, &follow_ups).await;

    let subscriptions = stored(&app, &reader);
    assert_eq!(subscriptions.len(), 2, "both recorded");
    let (duplicate, kept) = (&subscriptions[0], &subscriptions[1]);
    assert_eq!(duplicate.row.state, "duplicate");
    assert_eq!(
        duplicate.row.provider_subscription_id.as_deref(),
        Some(second.subscription.as_str())
    );
    assert_eq!(
        duplicate.row.duplicate_of.as_deref(),
        Some(kept.row.id.as_str())
    );
    assert_eq!(kept.row.state, "active", "the first keeps the access");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    let payment = &duplicate.payments[0];
    assert_eq!(duplicate.payments.len(), 1);
    assert_eq!(
        (payment.amount_cents, payment.refunded_cents),
        (PRICE_CENTS, PRICE_CENTS)
    );
    assert_eq!(
        kept.payments[0].refunded_cents, 0,
        "the kept one is not refunded"
    );

    assert_one_cancel_and_one_refund(&stripe, &first, &second).await;

    // Stripe then reports what it did; neither is applied twice, and the
    // duplicate stays what it is.
    let refund_id = stripe_id("re");
    deliver_ok(
        &app,
        &second.charge_refunded(PRICE_CENTS, &refund_id, t0 + 20),
    )
    .await;
    deliver_ok(
        &app,
        &second.subscription("deleted", "canceled", false, second.period_end, t0 + 21),
    )
    .await;
    settled(&app).await;
    assert_eq!(stripe.requests_to("POST", "/v1/refunds").await.len(), 1);
    assert_eq!(
        stripe
            .requests_to(
                "DELETE",
                &format!("/v1/subscriptions/{}", second.subscription)
            )
            .await
            .len(),
        1
    );
    let subscriptions = stored(&app, &reader);
    assert_eq!(subscriptions[0].row.state, "duplicate");
    assert_eq!(subscriptions[0].payments[0].refunded_cents, PRICE_CENTS);
    assert_eq!(subscriptions[1].row.state, "active");

    // Staff see both, the duplicate with its link, its events by
    // `stripe`, its refund and the two calls made at Stripe.
    let support = app.new_staff(Role::Support).await;
    let response = app
        .get_auth(
            &format!("/v1/admin/readers/{}", reader.id),
            &support.access_token,
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let mut shown = body["subscriptions"][0].clone();
    assert_eq!(shown["duplicate_of"], kept.row.id.as_str());
    assert_eq!(body["subscriptions"][1]["state"], "active");
    redact(&mut shown);
    shown["duplicate_of"] = "[id]".into();
    redact_ids_in_text(&mut shown);
    insta::assert_json_snapshot!("admin_reader_duplicate_subscription", shown);
}

/// A duplicate is recognised whatever Stripe reports first: here the
/// second subscription starts in a trial
/// (<https://docs.stripe.com/billing/subscriptions/trials>), which takes
/// no money, so it is cancelled and nothing is refunded. A `trialing`
/// subscription counts as renewing, so it blocks a checkout itself.
async fn a_second_checkout_in_a_trial_is_a_duplicate_too(app: TestApp, stripe: FakeStripe) {
    let (reader, _first, t0) = paid_subscription(&app, &stripe, Shape::Current).await;
    let second = purchase(&app, &reader);
    deliver_ok(
        &app,
        &second.subscription("created", "trialing", false, second.period_end, t0 + 5),
    )
    .await;
    settled(&app).await;
    let subscriptions = stored(&app, &reader);
    assert_eq!(subscriptions[0].row.state, "duplicate");
    assert!(
        subscriptions[0].payments.is_empty(),
        "a trial took no money"
    );
    assert_eq!(
        stripe
            .requests_to(
                "DELETE",
                &format!("/v1/subscriptions/{}", second.subscription)
            )
            .await
            .len(),
        1
    );
    assert!(stripe.requests_to("POST", "/v1/refunds").await.is_empty());
}

/// Replaces the ids inside free text (reasons, follow-up targets), which
/// differ on every run, with `[id]`.
fn redact_ids_in_text(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match field {
                    Value::String(text) if key == "reason" || key == "target" => {
                        *text = text
                            .split(' ')
                            .map(|word| {
                                let bare = word.trim_matches(|c| c == '(' || c == ')');
                                let id = ["evt_", "in_", "sub_", "pi_", "ch_"]
                                    .iter()
                                    .any(|prefix| bare.starts_with(prefix))
                                    || (bare.len() == 36 && bare.matches('-').count() == 4);
                                if id {
                                    word.replace(bare, "[id]")
                                } else {
                                    word.to_owned()
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" ");
                    }
                    _ => redact_ids_in_text(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_ids_in_text),
        _ => {}
    }
}

/// The Stripe calls ran on the durable job queue: one
/// `run_provider_follow_ups` job per follow-up, queued with it in the
/// event's transaction (dedupe key `follow_up:<id>:0`), each done; the
/// replay queued no more. (The periodic sweep's own jobs are keyed by
/// period and left out.)
async fn assert_follow_ups_ran_as_jobs(app: &TestApp, follow_ups: &[(String, String, String)]) {
    use diesel::prelude::*;
    use masthead::db::schema::jobs;
    let mut jobs_seen = Vec::new();
    for _ in 0..100 {
        jobs_seen = jobs::table
            .filter(jobs::kind.eq("run_provider_follow_ups"))
            .filter(jobs::dedupe_key.like("follow\\_up:%").escape('\\'))
            .select((jobs::dedupe_key, jobs::state))
            .load::<(Option<String>, String)>(&mut app.db())
            .unwrap();
        if jobs_seen.iter().all(|(_, state)| state == "done") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        jobs_seen.len(),
        follow_ups.len(),
        "{jobs_seen:?} for {follow_ups:?}"
    );
    for (key, state) in &jobs_seen {
        assert!(key.as_deref().is_some_and(|k| k.ends_with(":0")), "{key:?}");
        assert_eq!(state, "done", "{jobs_seen:?}");
    }
}

/// Stripe saw one cancel of the duplicate (<https://docs.stripe.com/api/subscriptions/cancel>)
/// and one refund of its payment (<https://docs.stripe.com/api/refunds/create>),
/// each with an `Idempotency-Key`, and nothing against the kept one.
async fn assert_one_cancel_and_one_refund(
    stripe: &FakeStripe,
    first: &Purchase,
    second: &Purchase,
) {
    let cancels = stripe
        .requests_to(
            "DELETE",
            &format!("/v1/subscriptions/{}", second.subscription),
        )
        .await;
    assert_eq!(cancels.len(), 1, "{cancels:#?}");
    assert_eq!(cancels[0].param("prorate"), Some("false"));
    assert!(cancels[0].idempotency_key.is_some());
    assert!(
        stripe
            .requests_to(
                "DELETE",
                &format!("/v1/subscriptions/{}", first.subscription)
            )
            .await
            .is_empty(),
        "the kept subscription is left alone"
    );
    let refunds = stripe.requests_to("POST", "/v1/refunds").await;
    assert_eq!(refunds.len(), 1, "{refunds:#?}");
    assert_eq!(
        refunds[0].param("payment_intent"),
        Some(second.payment_intent.as_str())
    );
    assert_eq!(
        refunds[0].param("amount"),
        Some(PRICE_CENTS.to_string().as_str())
    );
    assert!(refunds[0].idempotency_key.is_some());
}
