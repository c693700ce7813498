//! Money going back at Stripe: a refund made in the dashboard is recorded
//! once, however Stripe reports it, and a full refund ends access as a
//! staff refund does; a dispute flags the subscription and ends access.

use crate::support::billing_fixtures::stored;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{TestApp, TestReader};
use crate::support::stripe_events::{
    PRICE_CENTS, Purchase, deliver_ok, event, purchase, stripe_id,
};
use crate::webhooks::{deep_dive_granted, my_subscription};
use chrono::Utc;
use diesel::prelude::*;
use masthead::db::refunds;
use masthead::db::schema::subscriptions;
use masthead::domain::SubscriptionId;

on_both_backends!(with = crate::support::stripe_events::spawn_with_webhooks;
    dashboard_refund_ends_access,
    partial_refunds_are_recorded_once_and_keep_access,
    dispute_ends_access,
);

async fn paid(app: &TestApp) -> (TestReader, Purchase) {
    publish_sample_catalogue(app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(app, &reader);
    let now = Utc::now().timestamp() - 10;
    deliver_ok(app, &purchase.session_completed(now)).await;
    deliver_ok(app, &purchase.first_invoice_paid(now)).await;
    assert_eq!(deep_dive_granted(app, &reader).await["granted"], true);
    (reader, purchase)
}

fn recorded_refunds(app: &TestApp, reader: &TestReader) -> Vec<refunds::RefundRow> {
    let id = SubscriptionId::from_db(stored(app, reader)[0].row.id.clone());
    refunds::for_subscription(&mut app.db(), &id).unwrap()
}

async fn dashboard_refund_ends_access(app: TestApp) {
    let (reader, purchase) = paid(&app).await;
    let refund_id = stripe_id("re");
    let now = Utc::now().timestamp();
    deliver_ok(
        &app,
        &purchase.charge_refunded(PRICE_CENTS, &refund_id, now),
    )
    .await;
    let refund = purchase.refund_object(PRICE_CENTS, &refund_id);
    deliver_ok(&app, &event("refund.created", refund.clone(), now)).await;
    deliver_ok(&app, &event("charge.refund.updated", refund, now)).await;

    assert_eq!(my_subscription(&app, &reader).await["state"], "refunded");
    let access = deep_dive_granted(&app, &reader).await;
    assert_eq!(access["granted"], false, "{access}");
    let refunds = recorded_refunds(&app, &reader);
    assert_eq!(refunds.len(), 1, "one refund, however often reported");
    assert_eq!(refunds[0].amount_cents, PRICE_CENTS);
    assert_eq!(
        refunds[0].provider_refund_id.as_deref(),
        Some(refund_id.as_str())
    );
    assert_eq!(refunds[0].actor, "provider:stripe");
    let stored = stored(&app, &reader);
    assert_eq!(stored[0].payments[0].refunded_cents, PRICE_CENTS);
    assert_eq!(
        stored[0].events.last().unwrap(),
        &(Some("active".to_owned()), "refunded".to_owned())
    );
}

async fn partial_refunds_are_recorded_once_and_keep_access(app: TestApp) {
    let (reader, purchase) = paid(&app).await;
    let now = Utc::now().timestamp();
    let first = stripe_id("re");
    // The refund's own event first, then the charge's running total
    // without the refund list (as newer API versions send it).
    deliver_ok(
        &app,
        &event("refund.created", purchase.refund_object(300, &first), now),
    )
    .await;
    let mut charge = purchase.charge_refunded(300, &first, now);
    charge["data"]["object"]["refunds"] = serde_json::Value::Null;
    deliver_ok(&app, &charge).await;
    // A second refund reported by the charge first (unnamed), then named.
    let second = stripe_id("re");
    let mut charge = purchase.charge_refunded(500, &second, now);
    charge["data"]["object"]["refunds"] = serde_json::Value::Null;
    deliver_ok(&app, &charge).await;
    deliver_ok(
        &app,
        &event("refund.created", purchase.refund_object(200, &second), now),
    )
    .await;

    let refunds = recorded_refunds(&app, &reader);
    let mut amounts: Vec<_> = refunds
        .iter()
        .map(|r| (r.amount_cents, r.provider_refund_id.clone()))
        .collect();
    amounts.sort();
    assert_eq!(amounts, vec![(200, Some(second)), (300, Some(first))]);
    assert_eq!(stored(&app, &reader)[0].payments[0].refunded_cents, 500);
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
}

async fn dispute_ends_access(app: TestApp) {
    let (reader, purchase) = paid(&app).await;
    deliver_ok(&app, &purchase.dispute_created(Utc::now().timestamp())).await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "refunded");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    let id = stored(&app, &reader)[0].row.id.clone();
    let disputed: Option<chrono::NaiveDateTime> = subscriptions::table
        .find(id)
        .select(subscriptions::disputed_at)
        .first(&mut app.db())
        .unwrap();
    assert!(disputed.is_some(), "the subscription is flagged for staff");
    assert!(
        recorded_refunds(&app, &reader).is_empty(),
        "a dispute is not a refund"
    );
}
