//! Two instances on one PostgreSQL database, as behind a load balancer:
//! whatever one instance does, the other honours, because every piece of
//! state that matters (sessions and refresh tokens, webhook event ids,
//! refund claims, staff changes) lives in the database; only the caches are
//! per instance, and a change made through one reaches the others' caches
//! as a PostgreSQL notification from its transaction (bounded by
//! `MASTHEAD_CACHE_TTL_SECONDS` only while that channel is down).
//!
//! PostgreSQL only: SQLite is one file for one instance.

use crate::support::billing_fixtures::stored;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{
    Backend, TestApp, TestReader, assert_problem, spawn_app_with, spawn_instance_beside,
};
use crate::support::staff_fixtures::{audit_entries, paid_subscription, transitions_to};
use crate::support::stripe_events::{WEBHOOK_SECRET, deliver, purchase};
use crate::webhooks::deep_dive_granted;
use chrono::Utc;
use diesel::prelude::*;
use masthead::db::schema::webhook_events;
use masthead::domain::Role;
use masthead::settings::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Instances A and B on one fresh database, both billing through one fake
/// Stripe and verifying webhooks with one secret. A owns the database: keep
/// it alive as long as B (bind them in this order and they drop B first).
async fn two_instances(cache_ttl_seconds: u64) -> (TestApp, TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let configure = |settings: &mut Settings| {
        settings.stripe_secret_key = Some("sk_test_masthead".into());
        settings.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        settings.stripe_api_base = Some(stripe.url());
        settings.stripe_timeout_seconds = 2;
        settings.cache_ttl_seconds = cache_ttl_seconds;
    };
    let a = spawn_app_with(Backend::Postgres, configure).await;
    let b = spawn_instance_beside(&a, configure).await;
    assert_ne!(a.address, b.address);
    (a, b, stripe)
}

/// `POST /v1/auth/refresh` with `token` on `app`: (status, body).
async fn refresh(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response = app.refresh(token).await;
    (response.status(), response.json().await.unwrap())
}

fn text(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_owned()
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_is_caught_across_instances_postgres() {
    let (a, b, _stripe) = two_instances(30).await;
    let reader = a.new_reader().await;
    let login: Value = a
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();

    // Log in on A, refresh on B, refresh the new token on A.
    let (status, on_b) = refresh(&b, &text(&login, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK, "{on_b}");
    let (status, on_a) = refresh(&a, &text(&on_b, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK, "{on_a}");
    let newest_access = text(&on_a, "access_token");
    for app in [&a, &b] {
        assert_eq!(
            app.get_auth("/v1/me", &newest_access).await.status(),
            StatusCode::OK
        );
    }

    // B's token was rotated on A; presenting it to B is a reuse.
    let replay = b.refresh(&text(&on_b, "refresh_token")).await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;

    // The whole session is gone, on both instances, at once.
    let newest = a.refresh(&text(&on_a, "refresh_token")).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    for app in [&a, &b] {
        let me = app.get_auth("/v1/me", &newest_access).await;
        assert_problem(me, StatusCode::UNAUTHORIZED, "session_revoked").await;
    }
    // The signup's own session is another login: untouched.
    assert_eq!(
        b.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn one_webhook_event_delivered_to_both_instances_at_once_applies_once_postgres() {
    let (a, b, _stripe) = two_instances(30).await;
    let reader = a.new_reader().await;
    let bought = purchase(&a, &reader);
    let now = Utc::now().timestamp();
    let events = [
        bought.session_completed(now),
        bought.first_invoice_paid(now),
    ];

    // Stripe retries, and each retry may reach either instance: ten copies
    // of each event to each, all in flight together.
    let deliveries = (0..40).map(|n| {
        let app = if n % 2 == 0 { &a } else { &b };
        deliver(app, &events[(n / 2) % 2])
    });
    for response in futures_util::future::join_all(deliveries).await {
        let status = response.status();
        assert_eq!(status, StatusCode::OK, "{}", response.text().await.unwrap());
    }

    for event in &events {
        let copies: i64 = webhook_events::table
            .filter(webhook_events::id.eq(event["id"].as_str().unwrap()))
            .count()
            .get_result(&mut a.db())
            .unwrap();
        assert_eq!(copies, 1, "{} recorded once", event["type"]);
    }
    let stored = stored(&a, &reader);
    assert_eq!(stored.len(), 1, "one subscription");
    assert_eq!(stored[0].payments.len(), 1, "one payment");
    let activations = stored[0]
        .events
        .iter()
        .filter(|(_, to)| to == "active")
        .count();
    assert_eq!(activations, 1, "one activation: {:?}", stored[0].events);
    for app in [&a, &b] {
        let mine: Value = app
            .get_auth("/v1/me/subscription", &reader.access_token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(mine["subscription"]["state"], "active", "{mine}");
    }
}

#[tokio::test]
async fn twenty_refunds_split_across_instances_refund_once_postgres() {
    let (a, b, stripe) = two_instances(30).await;
    let reader = a.new_reader().await;
    let paid = paid_subscription(&a, &reader.id, "stripe", 10, 1);
    let support = a.new_staff(Role::Support).await;
    let path = format!("/v1/admin/subscriptions/{}/refund", paid.id);
    let body = json!({"reason": "double clicks on two instances"});
    let calls = (0..20).map(|n| {
        let app = if n % 2 == 0 { &a } else { &b };
        app.post_json_auth(&path, &support.access_token, &body)
    });
    let mut refunded = 0;
    for response in futures_util::future::join_all(calls).await {
        if response.status() == StatusCode::OK {
            let answer: Value = response.json().await.unwrap();
            assert_eq!(answer["subscription"]["state"], "refunded", "{answer}");
            assert_eq!(answer["refunded_cents"], 900);
            refunded += 1;
        } else {
            assert_problem(response, StatusCode::CONFLICT, "refund_in_progress").await;
        }
    }
    assert!(refunded >= 1, "nobody got the refund through");
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1, "one refund");
    assert_eq!(transitions_to(&a, &paid.id, "refunded"), 1);
    assert_eq!(
        audit_entries(&a, "subscription_refunded", &paid.id).len(),
        1
    );

    let later: Value = b
        .post_json_auth(&path, &support.access_token, &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later["replayed"], true, "{later}");
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
}

/// The reader's subscription state as `app` reports it (`null`: none).
async fn state_seen_by(app: &TestApp, token: &str) -> Value {
    let mine: Value = app
        .get_auth("/v1/me/subscription", token)
        .await
        .json()
        .await
        .unwrap();
    mine["subscription"]["state"].clone()
}

#[tokio::test]
async fn a_staff_action_on_one_instance_is_seen_by_the_other_postgres() {
    // A one-second cache, so the test can wait out B's staleness bound.
    let (a, b, _stripe) = two_instances(1).await;
    let reader = a.new_reader().await;
    let support = a.new_staff(Role::Support).await;
    assert_eq!(state_seen_by(&b, &reader.access_token).await, Value::Null);

    let comp = a
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", reader.id),
            &support.access_token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "a prize"}),
        )
        .await;
    assert_eq!(comp.status(), StatusCode::CREATED);
    let comped_at = Instant::now();
    while state_seen_by(&b, &reader.access_token).await != "comped" {
        assert!(
            comped_at.elapsed() < Duration::from_secs(3),
            "B did not see A's comp within its cache TTL (1 s)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let staff_view: Value = b
        .get_auth(
            &format!("/v1/admin/readers/{}", reader.id),
            &support.access_token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        staff_view["subscriptions"][0]["state"], "comped",
        "{staff_view}"
    );

    // Sessions are checked in the database on every authenticated request:
    // disabling the account on A ends the reader's session on B at once.
    let disable = a
        .post_json_auth(
            &format!("/v1/admin/readers/{}/disable", reader.id),
            &support.access_token,
            &json!({"reason": "chargeback fraud"}),
        )
        .await;
    assert_eq!(disable.status(), StatusCode::OK);
    let me = b.get_auth("/v1/me", &reader.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_problem(
        b.login(&reader.email, &reader.password).await,
        StatusCode::FORBIDDEN,
        "account_disabled",
    )
    .await;
}

/// Waits up to `within` for `check` on `app` to hold, polling every 50 ms.
async fn seen_within(within: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < within,
            "{what} not seen within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Gives `reader` a paid subscription, has B grant (and cache) the
/// subscriber article, refunds it through A, and waits at most a second
/// for B to refuse the article.
async fn refund_on_a_ends_access_on_b(a: &TestApp, b: &TestApp, reader: &TestReader, reason: &str) {
    let paid = paid_subscription(a, &reader.id, "stripe", 10, 1);
    assert_eq!(deep_dive_granted(b, reader).await["granted"], true);
    let support = a.new_staff(Role::Support).await;
    let refund = a
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/refund", paid.id),
            &support.access_token,
            &json!({"reason": reason}),
        )
        .await;
    assert_eq!(refund.status(), StatusCode::OK);
    seen_within(Duration::from_secs(1), "B ending access", async || {
        deep_dive_granted(b, reader).await["granted"] == false
    })
    .await;
}

/// A five-minute cache lifetime, so only the notification can explain B
/// agreeing at once: PostgreSQL delivers a `NOTIFY` sent in a transaction
/// "if and when the transaction is committed" to every session that has
/// executed `LISTEN` on the channel
/// (<https://www.postgresql.org/docs/current/sql-notify.html>).
#[tokio::test]
async fn a_refund_on_one_instance_ends_access_on_the_other_within_a_second_postgres() {
    let (a, b, _stripe) = two_instances(300).await;
    publish_sample_catalogue(&a).await;
    let reader = a.new_reader().await;
    refund_on_a_ends_access_on_b(&a, &b, &reader, "asked within the guarantee").await;
}

#[tokio::test]
async fn a_logout_on_one_instance_ends_the_session_on_the_other_within_a_second_postgres() {
    let (a, b, _stripe) = two_instances(300).await;
    let reader = a.new_reader().await;
    assert_eq!(
        b.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK
    );
    let logout = a
        .post_json_auth("/v1/auth/logout", &reader.access_token, &json!({}))
        .await;
    assert!(logout.status().is_success(), "{}", logout.status());
    seen_within(Duration::from_secs(1), "B refusing the token", async || {
        b.get_auth("/v1/me", &reader.access_token).await.status() == StatusCode::UNAUTHORIZED
    })
    .await;
}

/// The database ends B's listening connection (a restart, a failover, an
/// idle-connection killer): B reconnects by itself and agrees at once
/// again (meanwhile its cache lifetime bounds staleness).
#[tokio::test]
async fn the_listener_reconnects_after_the_database_drops_it_postgres() {
    let (a, b, _stripe) = two_instances(300).await;
    publish_sample_catalogue(&a).await;
    let reader = a.new_reader().await;
    let terminated: Vec<bool> = diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity \
         WHERE application_name = '{}' AND datname = current_database()",
        masthead::cache_listener::APPLICATION_NAME
    ))
    .load::<Terminated>(&mut a.db())
    .unwrap()
    .into_iter()
    .map(|row| row.terminated)
    .collect();
    assert_eq!(terminated, [true, true], "one listener per instance");
    // Back within its first backoff (250 ms) and a poll.
    tokio::time::sleep(Duration::from_secs(2)).await;
    refund_on_a_ends_access_on_b(&a, &b, &reader, "after a database restart").await;
}

#[derive(diesel::QueryableByName)]
struct Terminated {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    terminated: bool,
}
