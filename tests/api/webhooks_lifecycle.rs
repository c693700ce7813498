//! Stripe's lifecycle events in any order: snapshots older than the newest
//! applied are ignored, so shuffled deliveries end in the same state; the
//! end of a subscription, and a failed renewal with its grace window.

use crate::support::billing_fixtures::stored;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{Backend, TestApp};
use crate::support::stripe_events::{Purchase, deliver_ok, purchase};
use crate::webhooks::{deep_dive_granted, my_subscription};
use chrono::Utc;
use serde_json::Value;

on_both_backends!(with = crate::support::stripe_events::spawn_with_webhooks;
    shuffled_lifecycles_end_in_the_same_state,
    deleted_subscription_expires,
    failed_renewal_is_past_due_with_access_during_grace,
);

const DAY: i64 = 86_400;

/// Paid, renewed, then set to cancel at the period end: every event of
/// that story, one second apart.
fn lifecycle(purchase: &Purchase, t0: i64) -> Vec<Value> {
    let renewed_end = purchase.period_end + 30 * DAY;
    let renewal_invoice = crate::support::stripe_events::stripe_id("in");
    let renewal_intent = crate::support::stripe_events::stripe_id("pi");
    vec![
        purchase.subscription("created", "active", false, purchase.period_end, t0),
        purchase.session_completed(t0 + 1),
        purchase.first_invoice_paid(t0 + 1),
        purchase.subscription("updated", "past_due", false, purchase.period_end, t0 + 2),
        purchase.invoice(
            "payment_failed",
            &renewal_invoice,
            &renewal_intent,
            renewed_end,
            t0 + 2,
        ),
        purchase.invoice(
            "paid",
            &renewal_invoice,
            &renewal_intent,
            renewed_end,
            t0 + 3,
        ),
        purchase.subscription("updated", "active", false, renewed_end, t0 + 3),
        purchase.subscription("updated", "active", true, renewed_end, t0 + 4),
    ]
}

/// A few fixed permutations: in order, reversed, and interleaved.
fn orders(n: usize) -> Vec<Vec<usize>> {
    let forward: Vec<usize> = (0..n).collect();
    let reversed: Vec<usize> = (0..n).rev().collect();
    let odd_first: Vec<usize> = (0..n)
        .filter(|i| i % 2 == 1)
        .chain((0..n).filter(|i| i % 2 == 0))
        .collect();
    let rotated: Vec<usize> = (0..n).map(|i| (i * 3 + 2) % n).collect();
    vec![forward, reversed, odd_first, rotated]
}

async fn shuffled_lifecycles_end_in_the_same_state(app: TestApp) {
    let t0 = Utc::now().timestamp() - 60;
    let mut finals = Vec::new();
    for order in orders(8) {
        let reader = app.new_reader().await;
        let purchase = purchase(&app, &reader);
        let events = lifecycle(&purchase, t0);
        for index in &order {
            deliver_ok(&app, &events[*index]).await;
        }
        let stored = stored(&app, &reader);
        assert_eq!(stored.len(), 1, "order {order:?}: one subscription");
        assert_eq!(stored[0].payments.len(), 2, "order {order:?}: two payments");
        let row = &stored[0].row;
        finals.push((
            row.state.clone(),
            row.current_period_end
                .map(|end| end.and_utc().timestamp() - purchase.period_end),
            row.grace_ends_at,
        ));
    }
    for result in &finals {
        assert_eq!(
            result,
            &("canceling".to_owned(), Some(30 * DAY), None),
            "{finals:?}"
        );
    }
}

async fn deleted_subscription_expires(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = Utc::now().timestamp();
    deliver_ok(&app, &purchase.session_completed(now - 2)).await;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", true, purchase.period_end, now - 1),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "canceling");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    deliver_ok(
        &app,
        &purchase.subscription("deleted", "canceled", true, purchase.period_end, now),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "expired");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    // A late `updated` from before the deletion changes nothing.
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", false, purchase.period_end, now - 1),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "expired");
    let events = &stored(&app, &reader)[0].events;
    assert_eq!(
        events.last().unwrap(),
        &(Some("canceling".to_owned()), "expired".to_owned())
    );
}

async fn failed_renewal_is_past_due_with_access_during_grace(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = Utc::now().timestamp();
    deliver_ok(&app, &purchase.session_completed(now - 3)).await;
    let renewal = crate::support::stripe_events::stripe_id("in");
    let intent = crate::support::stripe_events::stripe_id("pi");
    let next_end = purchase.period_end + 30 * DAY;
    deliver_ok(
        &app,
        &purchase.invoice("payment_failed", &renewal, &intent, next_end, now - 2),
    )
    .await;
    let subscription = my_subscription(&app, &reader).await;
    assert_eq!(subscription["state"], "past_due", "{subscription}");
    assert_eq!(
        deep_dive_granted(&app, &reader).await["granted"],
        true,
        "inside the grace window"
    );
    let grace = stored(&app, &reader)[0]
        .row
        .grace_ends_at
        .expect("a grace window");
    let days = (grace.and_utc() - Utc::now()).num_hours();
    assert!(
        (7 * 24 - 2..=7 * 24).contains(&days),
        "seven days of grace, not {days} hours"
    );
    // A second failed attempt keeps the window where it was.
    deliver_ok(
        &app,
        &purchase.invoice("payment_failed", &renewal, &intent, next_end, now - 1),
    )
    .await;
    assert_eq!(stored(&app, &reader)[0].row.grace_ends_at, Some(grace));

    deliver_ok(
        &app,
        &purchase.invoice("paid", &renewal, &intent, next_end, now),
    )
    .await;
    let subscription = my_subscription(&app, &reader).await;
    assert_eq!(subscription["state"], "active");
    let row = &stored(&app, &reader)[0].row;
    assert_eq!(row.grace_ends_at, None);
    assert_eq!(
        row.current_period_end.unwrap().and_utc().timestamp(),
        next_end
    );
    assert_eq!(stored(&app, &reader)[0].payments.len(), 2);

    // With no grace at all, a failed payment ends access at once.
    let strict = crate::support::helpers::spawn_app_with(Backend::Sqlite, |s| {
        s.stripe_webhook_secret = Some(crate::support::stripe_events::WEBHOOK_SECRET.into());
        s.grace_days = 0;
    })
    .await;
    publish_sample_catalogue(&strict).await;
    let reader = strict.new_reader().await;
    let purchase = crate::support::stripe_events::purchase(&strict, &reader);
    deliver_ok(&strict, &purchase.session_completed(now - 2)).await;
    deliver_ok(
        &strict,
        &purchase.invoice("payment_failed", &renewal, &intent, next_end, now - 1),
    )
    .await;
    let access = deep_dive_granted(&strict, &reader).await;
    assert_eq!(access["granted"], false, "{access}");
    assert_eq!(access["reason"], "payment_past_due", "{access}");
}
