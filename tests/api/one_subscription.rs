//! One subscription per reader (issue 12 item 5): no second checkout while
//! one is open (409 `checkout_open` with its page, to resume) or while a
//! renewing paid subscription grants access (409 `already_subscribed`);
//! a comp does not block a purchase.
//!
//! Stripe keeps a Checkout Session payable until it expires (24 hours by
//! default, <https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-expires_at>),
//! so sending the reader back to the open session's `url` is how a second
//! payment for the same thing is avoided.

use crate::support::billing_fixtures::{checkout, open_checkout, post_empty, stored, subscribe};
use crate::support::checkout_fixtures::{form_token, location, page, press};
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, assert_problem};
use crate::support::staff_fixtures::paid_subscription;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{checkouts, subscriptions};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_second_checkout_while_one_is_open_answers_with_its_url,
    concurrent_checkouts_open_one,
    a_lapsed_checkout_does_not_block,
    a_renewing_paid_subscription_blocks_a_checkout,
    a_comp_does_not_block_a_checkout,
);

on_both_backends!(with = crate::support::fake_stripe::spawn_app_with_stripe;a_second_stripe_checkout_resumes_the_open_session);

async fn a_second_checkout_while_one_is_open_answers_with_its_url(app: TestApp) {
    let reader = app.new_reader().await;
    let first = open_checkout(&app, &reader, "digital", "month").await;
    for (tier, interval) in [("digital", "month"), ("digital", "year")] {
        let refused = assert_problem(
            checkout(&app, &reader, tier, interval).await,
            StatusCode::CONFLICT,
            "checkout_open",
        )
        .await;
        assert_eq!(refused["url"], first["url"], "{refused}");
    }
    // Another reader is not held up.
    let other = app.new_reader().await;
    open_checkout(&app, &other, "digital", "month").await;
}

async fn concurrent_checkouts_open_one(app: TestApp) {
    let reader = app.new_reader().await;
    let mut starts = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (client, url, token) = (
            app.client.clone(),
            app.url("/v1/billing/checkout"),
            reader.access_token.clone(),
        );
        starts.spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"tier": "digital", "interval": "month"}))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            (status, body)
        });
    }
    let mut created = 0;
    while let Some(answer) = starts.join_next().await {
        let (status, body) = answer.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(body["code"], "checkout_open", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1, "one checkout opened");
    let open: i64 = checkouts::table
        .filter(checkouts::reader_id.eq(&reader.id))
        .filter(checkouts::status.eq("open"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(open, 1);
}

async fn a_lapsed_checkout_does_not_block(app: TestApp) {
    let reader = app.new_reader().await;
    let first = open_checkout(&app, &reader, "digital", "month").await;
    let id = first["checkout_id"].as_str().unwrap();
    diesel::update(checkouts::table.find(id))
        .set(checkouts::expires_at.eq((Utc::now() - Duration::minutes(1)).naive_utc()))
        .execute(&mut app.db())
        .unwrap();
    let second = open_checkout(&app, &reader, "digital", "year").await;
    assert_ne!(second["checkout_id"], first["checkout_id"]);
    let status: String = checkouts::table
        .find(id)
        .select(checkouts::status)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(status, "expired", "the lapsed checkout is closed");
}

async fn a_renewing_paid_subscription_blocks_a_checkout(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let cancel = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_eq!(cancel.status(), StatusCode::OK);
    assert_problem(
        checkout(&app, &reader, "digital", "year").await,
        StatusCode::CONFLICT,
        "already_subscribed",
    )
    .await;

    let dunning = app.new_reader().await;
    let paid = paid_subscription(&app, &dunning.id, "dev", 10, 1);
    diesel::update(subscriptions::table.find(&paid.id))
        .set((
            subscriptions::state.eq("past_due"),
            subscriptions::grace_ends_at.eq((Utc::now() + Duration::days(3)).naive_utc()),
        ))
        .execute(&mut app.db())
        .unwrap();
    assert_problem(
        checkout(&app, &dunning, "digital", "month").await,
        StatusCode::CONFLICT,
        "already_subscribed",
    )
    .await;
}

async fn a_comp_does_not_block_a_checkout(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let comp = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", reader.id),
            &support.access_token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "contributor"}),
        )
        .await;
    assert_eq!(comp.status(), StatusCode::CREATED);

    let opened = open_checkout(&app, &reader, "digital", "year").await;
    let token = form_token(&page(opened["url"].as_str().unwrap()).await);
    location(&press(&app, opened["checkout_id"].as_str().unwrap(), "pay", &token).await);
    let stored = stored(&app, &reader);
    let mut states: Vec<&str> = stored.iter().map(|s| s.row.state.as_str()).collect();
    states.sort_unstable();
    assert_eq!(
        states,
        ["active", "comped"],
        "the paid one is recorded beside the comp"
    );
    let mine: Value = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["subscription"]["state"], "active", "{mine}");
}

async fn a_second_stripe_checkout_resumes_the_open_session(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let first = open_checkout(&app, &reader, "digital", "month").await;
    let refused = assert_problem(
        checkout(&app, &reader, "digital", "year").await,
        StatusCode::CONFLICT,
        "checkout_open",
    )
    .await;
    assert_eq!(refused["url"], first["url"]);
    assert!(
        refused["url"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.test/")
    );
    assert_eq!(
        stripe.calls_to("/v1/checkout/sessions").await.len(),
        1,
        "no second session was opened at Stripe"
    );
}
