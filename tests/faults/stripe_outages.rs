//! Stripe failing (500) or stalling past `MASTHEAD_STRIPE_TIMEOUT_SECONDS`
//! (2 s in these tests) during a checkout or a refund: the answer is a
//! 502/503 problem within the timeout plus 2 s, and nothing is recorded as
//! done that was not. (`tests/api/billing_stripe.rs` and
//! `staff_refunds.rs` cover the error codes of one failure each; these add
//! the stall of a refund and of the cancellation that follows it, and the
//! bound on the whole answer.)

use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, TestReader};
use crate::support::staff_fixtures::{paid_subscription, transitions_to};
use diesel::prelude::*;
use masthead::db::schema::{checkouts, refunds, subscriptions};
use masthead::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

on_both_backends!(with = crate::support::fake_stripe::spawn_app_with_stripe;
    checkout_with_stripe_failing_or_stalled_is_bounded_and_records_nothing,
    refund_with_stripe_failing_or_stalled_is_bounded_and_changes_nothing,
);

/// The app's Stripe timeout (see `spawn_app_with_stripe`) plus 2 s.
const BOUND: Duration = Duration::from_secs(2 + 2);
/// Longer than the Stripe timeout.
const STALL: Duration = Duration::from_secs(30);

/// The next `verb` request to a path matching `pattern` answers Stripe's
/// 500 after `delay`; later ones are served as usual.
///
/// (Not `mount_as_scoped`: wiremock 0.6.5 sorts its mocks by priority on
/// every request but finds a scoped mock by its index at mount time, so
/// dropping a guard can unmount the wrong mock once priorities differ.)
async fn broken_once(stripe: &FakeStripe, verb: &str, pattern: &str, delay: Duration) {
    let error = json!({"error": {"type": "api_error", "message": "fake Stripe is down"}});
    Mock::given(method(verb))
        .and(path_regex(pattern))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(error)
                .set_delay(delay),
        )
        .with_priority(1)
        .up_to_n_times(1)
        .mount(&stripe.server)
        .await;
}

/// Sends `request` and asserts a payment-provider problem (502 or 503)
/// came within [`BOUND`]; returns the problem.
async fn bounded_provider_problem(request: impl Future<Output = Response>) -> Value {
    let started = Instant::now();
    let response = request.await;
    let took = started.elapsed();
    assert!(took < BOUND, "answered after {took:?}");
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let problem: Value = response.json().await.unwrap();
    assert!(
        status == StatusCode::BAD_GATEWAY || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status}: {problem}"
    );
    assert_eq!(content_type, "application/problem+json");
    assert!(
        problem["code"]
            .as_str()
            .unwrap()
            .starts_with("payment_provider_"),
        "{problem}"
    );
    problem
}

async fn checkout(app: &TestApp, reader: &TestReader) -> Response {
    app.post_json_auth(
        "/v1/billing/checkout",
        &reader.access_token,
        &json!({"tier": "digital", "interval": "month"}),
    )
    .await
}

async fn checkout_with_stripe_failing_or_stalled_is_bounded_and_records_nothing(
    app: TestApp,
    stripe: FakeStripe,
) {
    let _shared = crate::SERIAL.read().await;
    let reader = app.new_reader().await;
    for delay in [Duration::ZERO, STALL] {
        broken_once(&stripe, "POST", "^/v1/checkout/sessions$", delay).await;
        bounded_provider_problem(checkout(&app, &reader)).await;
        let stored: Vec<(String, Option<String>)> = checkouts::table
            .filter(checkouts::reader_id.eq(&reader.id))
            .select((checkouts::status, checkouts::provider_session_id))
            .load(&mut app.db())
            .unwrap();
        assert!(!stored.is_empty());
        for (status, session) in stored {
            assert_ne!(status, "open", "a checkout left open");
            assert_eq!(session, None, "a session id Stripe never gave");
        }
        let mine: Value = app
            .get_auth("/v1/me/subscription", &reader.access_token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(mine["subscription"], Value::Null, "{mine}");
    }
    // Stripe is back: nothing left over stands in the reader's way.
    assert_eq!(checkout(&app, &reader).await.status(), StatusCode::CREATED);
}

fn state_of(app: &TestApp, subscription: &str) -> String {
    subscriptions::table
        .find(subscription)
        .select(subscriptions::state)
        .first(&mut app.db())
        .unwrap()
}

fn refunds_of(app: &TestApp, subscription: &str) -> i64 {
    refunds::table
        .filter(refunds::subscription_id.eq(subscription))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

async fn refund_with_stripe_failing_or_stalled_is_bounded_and_changes_nothing(
    app: TestApp,
    stripe: FakeStripe,
) {
    let _shared = crate::SERIAL.read().await;
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 5, 1);
    let support = app.new_staff(Role::Support).await;
    let path = format!("/v1/admin/subscriptions/{}/refund", paid.id);
    let body = json!({"reason": "asked within the guarantee"});
    let refund = || app.post_json_auth(&path, &support.access_token, &body);

    // The refund itself fails or stalls: nothing changes.
    for delay in [Duration::ZERO, STALL] {
        broken_once(&stripe, "POST", "^/v1/refunds$", delay).await;
        bounded_provider_problem(refund()).await;
        assert_eq!(state_of(&app, &paid.id), "active", "access continues");
        assert_eq!(refunds_of(&app, &paid.id), 0, "no refund recorded");
        assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);
    }

    // The money moves, then ending the Stripe subscription stalls: the
    // refund is recorded (it happened), the subscription is not ended.
    let cancel = format!("^/v1/subscriptions/{}$", paid.provider_subscription_id);
    broken_once(&stripe, "DELETE", &cancel, STALL).await;
    bounded_provider_problem(refund()).await;
    assert_eq!(state_of(&app, &paid.id), "active");
    assert_eq!(
        refunds_of(&app, &paid.id),
        1,
        "the refund Stripe made is kept"
    );
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);

    // Stripe is back: the retry finishes without refunding again.
    let finished = refund().await;
    assert_eq!(finished.status(), StatusCode::OK);
    assert_eq!(state_of(&app, &paid.id), "refunded");
    assert_eq!(refunds_of(&app, &paid.id), 1);
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 1);
    let keys: HashSet<String> = stripe
        .calls_to("/v1/refunds")
        .await
        .into_iter()
        .filter_map(|call| call.idempotency_key)
        .collect();
    assert_eq!(
        keys.len(),
        1,
        "every attempt asked Stripe for the same refund: {keys:?}"
    );
}
