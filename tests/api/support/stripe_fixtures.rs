//! A paid Stripe subscription on the pinned version's shapes (or 2024's),
//! the starting point the Stripe scenario files share.

use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, TestReader};
use crate::support::stripe_events::{PRICE_CENTS, Purchase, Shape, deliver_ok, purchase, settled};
use crate::webhooks::deep_dive_granted;
use chrono::Utc;

/// A reader whose Stripe subscription is paid and granting, on `shape`:
/// the checkout completed, the subscription created, the first invoice
/// paid (the fake answers its lookup) and the follow-ups settled. Returns
/// the time the events were dated (Unix seconds) with the reader and the
/// purchase.
pub async fn paid_subscription(
    app: &TestApp,
    stripe: &FakeStripe,
    shape: Shape,
) -> (TestReader, Purchase, i64) {
    publish_sample_catalogue(app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(app, &reader);
    stripe
        .invoice_paid_by(&purchase.invoice, &purchase.payment_intent, None)
        .await;
    let t0 = Utc::now().timestamp() - 100;
    deliver_ok(app, &purchase.session_completed(t0)).await;
    deliver_ok(
        app,
        &purchase.subscription("created", "active", false, purchase.period_end, t0),
    )
    .await;
    deliver_ok(
        app,
        &purchase.invoice_event(
            shape,
            "paid",
            &purchase.invoice,
            &purchase.payment_intent,
            PRICE_CENTS,
            purchase.period_end,
            t0,
        ),
    )
    .await;
    settled(app).await;
    assert_eq!(deep_dive_granted(app, &reader).await["granted"], true);
    (reader, purchase, t0)
}
