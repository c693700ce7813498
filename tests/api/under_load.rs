//! Correctness under load, small and bounded so it runs with every
//! `cargo test` on both backends: readers arriving together sign up, buy
//! (some double-clicking the payment button), read, refresh their session
//! and check their account, while one Stripe event is delivered many times
//! at once. It asserts only what must hold however busy the service is —
//! no 5xx, no lost write, no payment taken twice — never speed (speed lives
//! in `bench/`).

use crate::support::billing_fixtures::{confirm, open_checkout, stored};
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{Backend, TestApp, TestReader, spawn_app_with};
use crate::support::stripe_events::{WEBHOOK_SECRET, deliver, event, resource, stripe_id, with};
use chrono::Utc;
use diesel::prelude::*;
use futures_util::future::join_all;
use masthead::db::schema::{payments, readers, webhook_events};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Readers arriving at once.
const READERS: usize = 24;
/// [`READERS`] as the database counts.
const READER_ROWS: i64 = 24;
/// Article reads per reader.
const READS: usize = 8;
/// Copies of one Stripe event delivered at once.
const REDELIVERIES: usize = 16;

on_both_backends!(with = busy_app;
    readers_arriving_together_lose_nothing_and_pay_once,
);

/// The app with the per-address limits lifted (every reader comes from
/// the test's one address) and webhooks configured.
async fn busy_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.signups_per_minute = 100_000;
        settings.login_attempts_per_minute = 100_000;
        settings.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
    })
    .await
}

/// Fails on any answer of the 5xx class: under load the service may make
/// a client wait, never fail it.
fn no_server_error(what: &str, status: StatusCode) {
    assert!(!status.is_server_error(), "{what} answered {status}");
}

/// One reader's visit: sign up, buy the digital tier (pressing pay twice
/// at once), read articles, refresh the session, look at the account.
async fn visit(app: &TestApp, n: usize) -> TestReader {
    let email = format!("load-{n}@example.com");
    let signup = app
        .signup(&email, "correct horse battery", "Busy Reader")
        .await;
    no_server_error("signup", signup.status());
    assert_eq!(signup.status(), StatusCode::CREATED);
    let body: Value = signup.json().await.unwrap();
    let reader = TestReader {
        email,
        password: "correct horse battery".into(),
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
        id: body["reader"]["id"].as_str().unwrap().to_owned(),
    };
    let opened = open_checkout(app, &reader, "digital", "month").await;
    let url = opened["url"].as_str().unwrap();
    let presses = join_all([
        confirm(app, url, &reader.access_token),
        confirm(app, url, &reader.access_token),
    ])
    .await;
    for press in &presses {
        no_server_error("confirm", press.status());
    }
    assert!(
        presses.iter().any(|press| press.status() == StatusCode::OK),
        "neither press went through: {:?}",
        presses
            .iter()
            .map(reqwest::Response::status)
            .collect::<Vec<_>>()
    );
    let reads = (0..READS).map(|_| app.get_auth("/v1/articles/deep-dive", &reader.access_token));
    for read in join_all(reads).await {
        no_server_error("article", read.status());
        assert_eq!(read.status(), StatusCode::OK);
        let article: Value = read.json().await.unwrap();
        assert_eq!(article["access"]["granted"], true, "{article}");
    }
    let refreshed = app.refresh(&reader.refresh_token).await;
    no_server_error("refresh", refreshed.status());
    assert_eq!(refreshed.status(), StatusCode::OK);
    let me = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await;
    no_server_error("me", me.status());
    reader
}

/// The same `customer.subscription.updated` (for a subscription that is
/// not ours) delivered [`REDELIVERIES`] times at once, as Stripe retries
/// do (<https://docs.stripe.com/webhooks#handle-duplicate-events>).
async fn one_event_many_times(app: &TestApp) -> String {
    let subscription = with(
        resource("subscription"),
        json!({"id": stripe_id("sub"), "customer": stripe_id("cus"), "status": "active"}),
    );
    let update = event(
        "customer.subscription.updated",
        subscription,
        Utc::now().timestamp(),
    );
    for answer in join_all((0..REDELIVERIES).map(|_| deliver(app, &update))).await {
        no_server_error("webhook", answer.status());
        assert!(answer.status().is_success(), "{}", answer.status());
    }
    update["id"].as_str().unwrap().to_owned()
}

async fn readers_arriving_together_lose_nothing_and_pay_once(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let visits = join_all((0..READERS).map(|n| visit(&app, n)));
    let (readers, event) = futures_util::join!(visits, one_event_many_times(&app));

    let signed_up: i64 = readers::table
        .filter(readers::email.like("load-%@example.com"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(
        signed_up, READER_ROWS,
        "every acknowledged signup is stored"
    );
    for reader in &readers {
        let mine = stored(&app, reader);
        assert_eq!(mine.len(), 1, "one subscription for {}", reader.email);
        assert_eq!(mine[0].row.state, "active");
        assert_eq!(mine[0].payments.len(), 1, "paid once: {}", reader.email);
    }
    let taken: i64 = payments::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(taken, READER_ROWS, "no payment taken twice");
    let recorded: i64 = webhook_events::table
        .filter(webhook_events::id.eq(&event))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(recorded, 1, "the event recorded once");
}
