//! One free trial per payment card, through Stripe. Stripe documents
//! `payment_method.attached` as "Occurs whenever a new payment method is
//! attached to a customer", its object the PaymentMethod
//! (<https://docs.stripe.com/api/events/types#event_types-payment_method.attached>),
//! whose `card.fingerprint` "Uniquely identifies this particular card
//! number. You can use this attribute to check whether two customers who've
//! signed up with you are using the same card number"
//! (<https://docs.stripe.com/api/payment_methods/object#payment_method_object-card-fingerprint>).
//! Checkout saves the card of a subscription with a trial to the customer
//! (<https://docs.stripe.com/billing/subscriptions/trials>), and Stripe does
//! not promise the order of events
//! (<https://docs.stripe.com/webhooks#event-ordering>), so the card may come
//! before or after the session's completion. A later trial on a card that
//! had one is ended with `trial_end=now` ("The special value now can be
//! provided to end the customer's trial immediately",
//! <https://docs.stripe.com/api/subscriptions/update#update_subscription-trial_end>).

use crate::support::fake_stripe::{FakeStripe, StripeCall};
use crate::support::helpers::TestApp;
use crate::support::stripe_events::{
    Purchase, deliver, deliver_ok, event, purchase, resource, settled, stripe_id, with,
};
use chrono::Utc;
use diesel::prelude::*;
use masthead::db::billing_customers;
use masthead::db::schema::{checkouts, reader_cards};
use masthead::domain::ReaderId;
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(with = crate::support::stripe_events::spawn_with_stripe_and_webhooks;
    a_second_trial_on_a_card_that_had_one_is_ended_at_once,
    the_card_arriving_after_the_completion_still_ends_the_second_trial,
    a_card_that_links_two_earlier_trials_ends_the_later_one_not_the_first,
    another_card_keeps_its_trial,
    a_replayed_card_event_ends_the_trial_once,
    a_payment_method_that_is_no_card_or_of_a_stranger_changes_nothing,
);

/// A reader in the middle of checking out a 14-day trial at Stripe: their
/// customer is remembered (as `POST /v1/billing/checkout` does before the
/// session) and the open checkout carries the trial.
async fn trial_checkout(app: &TestApp) -> Purchase {
    let reader = app.new_reader().await;
    let purchase = purchase(app, &reader);
    billing_customers::remember(
        &mut app.db(),
        &ReaderId::from_db(reader.id.clone()),
        "stripe",
        &purchase.customer,
        Utc::now().naive_utc(),
    )
    .unwrap();
    diesel::update(checkouts::table.find(&purchase.checkout_id))
        .set(checkouts::trial_days.eq(14))
        .execute(&mut app.db())
        .unwrap();
    purchase
}

/// Stripe reports the trial's checkout complete, nothing paid.
async fn complete_trial(app: &TestApp, purchase: &Purchase) {
    let completed = purchase.trial_session_completed(Utc::now().timestamp());
    deliver_ok(app, &completed).await;
}

/// `payment_method.attached` for a card with `fingerprint`, saved to the
/// purchase's customer: Stripe's PaymentMethod example with those fields.
fn card_attached(customer: &str, fingerprint: &str) -> Value {
    let mut method = with(
        resource("payment_method"),
        json!({"id": stripe_id("pm"), "customer": customer}),
    );
    method["card"]["fingerprint"] = json!(fingerprint);
    event("payment_method.attached", method, Utc::now().timestamp())
}

/// The `trial_end` requests Masthead sent to Stripe, by subscription.
async fn trial_ends(app: &TestApp, stripe: &FakeStripe) -> Vec<String> {
    settled(app).await;
    let calls: Vec<StripeCall> = stripe.calls().await;
    calls
        .iter()
        .filter(|call| call.method == "POST" && call.param("trial_end").is_some())
        .map(|call| {
            assert_eq!(call.param("trial_end"), Some("now"), "{call:?}");
            assert!(call.idempotency_key.is_some(), "sent once: {call:?}");
            call.path
                .trim_start_matches("/v1/subscriptions/")
                .to_owned()
        })
        .collect()
}

/// Both trials' readers a minute apart, so which came first is plain.
fn later(app: &TestApp) {
    app.advance(Duration::from_secs(60));
}

async fn a_second_trial_on_a_card_that_had_one_is_ended_at_once(app: TestApp, stripe: FakeStripe) {
    let first = trial_checkout(&app).await;
    deliver_ok(&app, &card_attached(&first.customer, "fp_shared")).await;
    complete_trial(&app, &first).await;
    later(&app);
    let second = trial_checkout(&app).await;
    deliver_ok(&app, &card_attached(&second.customer, "fp_shared")).await;
    complete_trial(&app, &second).await;
    assert_eq!(trial_ends(&app, &stripe).await, [second.subscription]);
}

async fn the_card_arriving_after_the_completion_still_ends_the_second_trial(
    app: TestApp,
    stripe: FakeStripe,
) {
    let first = trial_checkout(&app).await;
    complete_trial(&app, &first).await;
    deliver_ok(&app, &card_attached(&first.customer, "fp_shared")).await;
    later(&app);
    let second = trial_checkout(&app).await;
    complete_trial(&app, &second).await;
    assert!(
        trial_ends(&app, &stripe).await.is_empty(),
        "no card known yet"
    );
    deliver_ok(&app, &card_attached(&second.customer, "fp_shared")).await;
    assert_eq!(trial_ends(&app, &stripe).await, [second.subscription]);
}

/// Both trials start before either card is known; the card of the second
/// arrives first (nothing to compare yet), then the first's: the card is
/// the link, and the later trial is the one that ends.
async fn a_card_that_links_two_earlier_trials_ends_the_later_one_not_the_first(
    app: TestApp,
    stripe: FakeStripe,
) {
    let first = trial_checkout(&app).await;
    complete_trial(&app, &first).await;
    later(&app);
    let second = trial_checkout(&app).await;
    complete_trial(&app, &second).await;
    deliver_ok(&app, &card_attached(&second.customer, "fp_shared")).await;
    assert!(trial_ends(&app, &stripe).await.is_empty());
    deliver_ok(&app, &card_attached(&first.customer, "fp_shared")).await;
    assert_eq!(trial_ends(&app, &stripe).await, [second.subscription]);
}

async fn another_card_keeps_its_trial(app: TestApp, stripe: FakeStripe) {
    let first = trial_checkout(&app).await;
    deliver_ok(&app, &card_attached(&first.customer, "fp_first")).await;
    complete_trial(&app, &first).await;
    later(&app);
    let second = trial_checkout(&app).await;
    deliver_ok(&app, &card_attached(&second.customer, "fp_second")).await;
    complete_trial(&app, &second).await;
    assert!(trial_ends(&app, &stripe).await.is_empty());
}

/// Stripe redelivers an event until it is answered 2xx, and a card may be
/// attached again (a second session): the trial is ended once.
async fn a_replayed_card_event_ends_the_trial_once(app: TestApp, stripe: FakeStripe) {
    let first = trial_checkout(&app).await;
    deliver_ok(&app, &card_attached(&first.customer, "fp_shared")).await;
    complete_trial(&app, &first).await;
    later(&app);
    let second = trial_checkout(&app).await;
    complete_trial(&app, &second).await;
    let attached = card_attached(&second.customer, "fp_shared");
    deliver_ok(&app, &attached).await;
    assert!(deliver(&app, &attached).await.status().is_success());
    deliver_ok(&app, &card_attached(&second.customer, "fp_shared")).await;
    assert_eq!(trial_ends(&app, &stripe).await, [second.subscription]);
}

/// A SEPA debit has no `card`; a card saved to a customer Masthead never
/// made is someone else's business. Both are answered 200 and change
/// nothing, and no trial is ended.
async fn a_payment_method_that_is_no_card_or_of_a_stranger_changes_nothing(
    app: TestApp,
    stripe: FakeStripe,
) {
    let first = trial_checkout(&app).await;
    complete_trial(&app, &first).await;
    let mut sepa = with(
        resource("payment_method"),
        json!({"id": stripe_id("pm"), "customer": first.customer, "type": "sepa_debit", "card": null}),
    );
    sepa["sepa_debit"] = json!({"bank_code": "37040044", "country": "DE", "last4": "3000"});
    deliver_ok(
        &app,
        &event("payment_method.attached", sepa, Utc::now().timestamp()),
    )
    .await;
    deliver_ok(&app, &card_attached(&stripe_id("cus"), "fp_stranger")).await;
    let cards: i64 = reader_cards::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(cards, 0);
    assert!(trial_ends(&app, &stripe).await.is_empty());
}
