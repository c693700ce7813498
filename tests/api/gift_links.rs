//! Gift links to one article (issue 15, part 3), end to end on both
//! databases, each test named after the abuse it shows refused.

use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fixtures::subscription;
use crate::support::helpers::{Backend, TestApp, TestReader, assert_problem, spawn_app_with};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{gift_links, subscriptions};
use masthead::domain::{Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(with = crate::support::helpers::the_backend;
    a_link_opens_its_article_and_no_other,
    a_subscriber_past_the_allowance_is_refused_until_next_month,
    a_double_click_at_the_last_free_link_makes_one_link,
    a_forged_or_altered_token_opens_nothing,
    an_expired_link_falls_back_to_the_teaser,
    a_revoked_link_falls_back_to_the_teaser_and_only_its_giver_revokes_it,
    a_refunded_givers_links_stop_working,
    audio_is_refused_with_a_gift_link,
    a_non_subscriber_cannot_make_a_link,
    opens_are_counted_once_per_full_read,
    publisher_links_are_unlimited_and_from_the_magazine,
);

async fn app_with_allowance(backend: Backend, per_month: i64) -> TestApp {
    let app = spawn_app_with(backend, |s| s.gift_links_per_month = per_month).await;
    publish_sample_catalogue(&app).await;
    app
}

/// A reader with a live `digital` subscription (subscriber articles and
/// the archive).
async fn subscriber(app: &TestApp) -> (TestReader, String) {
    let reader = app.new_reader().await;
    let id = subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(app, &reader.id);
    (reader, id)
}

async fn create(app: &TestApp, giver: &TestReader, slug: &str) -> reqwest::Response {
    app.post_json_auth(
        &format!("/v1/articles/{slug}/gift-links"),
        &giver.access_token,
        &json!({}),
    )
    .await
}

/// Makes a link and returns its token.
async fn token(app: &TestApp, giver: &TestReader, slug: &str) -> String {
    let response = create(app, giver, slug).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/articles/{slug}?gift={token}"))
    );
    token
}

/// An anonymous read of `slug` with `?gift=token`.
async fn read(app: &TestApp, slug: &str, token: &str) -> Value {
    let response = app.get(&format!("/v1/articles/{slug}?gift={token}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    response.json().await.unwrap()
}

fn assert_teaser_with_invalid_gift(page: &Value) {
    assert_eq!(page["is_teaser"], true, "{page}");
    assert_eq!(page["access"]["granted"], false, "{page}");
    assert_eq!(page["gift"]["valid"], false, "{page}");
    assert!(page["gift"]["from"].is_null(), "{page}");
}

async fn my_links(app: &TestApp, giver: &TestReader) -> Value {
    let response = app.get_auth("/v1/me/gift-links", &giver.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn a_link_opens_its_article_and_no_other(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, _) = subscriber(&app).await;
    let token = token(&app, &giver, "deep-dive").await;

    let page = read(&app, "deep-dive", &token).await;
    assert_eq!(page["is_teaser"], false, "{page}");
    assert!(
        page["body"]
            .as_str()
            .unwrap()
            .contains("for subscribers only")
    );
    assert_eq!(page["access"]["granted"], true);
    assert_eq!(page["access"]["reason"], "gift_link");
    assert_eq!(page["gift"], json!({"valid": true, "from": "Test Reader"}));

    // The same token on another subscriber article grants nothing.
    let other = read(&app, "old-feature", &token).await;
    assert_teaser_with_invalid_gift(&other);
    assert_eq!(other["access"]["reason"], "login_required");
}

async fn a_subscriber_past_the_allowance_is_refused_until_next_month(backend: Backend) {
    let app = app_with_allowance(backend, 2).await;
    let (giver, _) = subscriber(&app).await;
    token(&app, &giver, "deep-dive").await;
    token(&app, &giver, "old-feature").await;
    let response = create(&app, &giver, "deep-dive").await;
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry_after > 0 && retry_after <= 31 * 24 * 3600,
        "{retry_after}"
    );
    let problem = assert_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        "gift_link_allowance_used",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("-01T00:00:00"),
        "{problem}"
    );
    // Revoking a link does not give it back.
    let links = my_links(&app, &giver).await;
    let id = links["items"][0]["id"].as_str().unwrap();
    let revoked = app
        .client
        .delete(app.url(&format!("/v1/me/gift-links/{id}")))
        .bearer_auth(&giver.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        create(&app, &giver, "deep-dive").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn a_double_click_at_the_last_free_link_makes_one_link(backend: Backend) {
    let app = app_with_allowance(backend, 1).await;
    let (giver, _) = subscriber(&app).await;
    let (first, second) = tokio::join!(
        create(&app, &giver, "deep-dive"),
        create(&app, &giver, "deep-dive")
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::TOO_MANY_REQUESTS]
    );
    assert_eq!(my_links(&app, &giver).await["total"], 1);
}

async fn a_forged_or_altered_token_opens_nothing(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, _) = subscriber(&app).await;
    let token = token(&app, &giver, "deep-dive").await;
    let mut altered: Vec<char> = token.chars().collect();
    altered[0] = if altered[0] == 'A' { 'B' } else { 'A' };
    let altered: String = altered.into_iter().collect();
    for forged in [
        altered.as_str(),
        "AAAAAAAAAAAAAAAAAAAAAA",
        "x",
        &"a".repeat(300),
    ] {
        assert_teaser_with_invalid_gift(&read(&app, "deep-dive", forged).await);
    }
}

async fn an_expired_link_falls_back_to_the_teaser(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, _) = subscriber(&app).await;
    let response = app
        .post_json_auth(
            "/v1/articles/deep-dive/gift-links",
            &giver.access_token,
            &json!({"expires_in_days": 3}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert!(body["expires_at"].is_string());
    let token = body["token"].as_str().unwrap();
    assert_eq!(
        read(&app, "deep-dive", token).await["access"]["reason"],
        "gift_link"
    );
    // Three days pass.
    diesel::update(gift_links::table)
        .set(gift_links::expires_at.eq(Some((Utc::now() - Duration::seconds(1)).naive_utc())))
        .execute(&mut app.db())
        .unwrap();
    assert_teaser_with_invalid_gift(&read(&app, "deep-dive", token).await);
    // An expiry beyond a year is refused, not stored.
    let far = app
        .post_json_auth(
            "/v1/articles/deep-dive/gift-links",
            &giver.access_token,
            &json!({"expires_in_days": 366}),
        )
        .await;
    assert_problem(far, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn a_revoked_link_falls_back_to_the_teaser_and_only_its_giver_revokes_it(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, _) = subscriber(&app).await;
    let (stranger, _) = subscriber(&app).await;
    let token = token(&app, &giver, "deep-dive").await;
    let revoke = |who: &TestReader| {
        app.client
            .delete(app.url(&format!("/v1/me/gift-links/{token}")))
            .bearer_auth(who.access_token.clone())
            .send()
    };
    assert_problem(
        revoke(&stranger).await.unwrap(),
        StatusCode::NOT_FOUND,
        "gift_link_not_found",
    )
    .await;
    assert_eq!(
        read(&app, "deep-dive", &token).await["access"]["reason"],
        "gift_link"
    );
    assert_eq!(
        revoke(&giver).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        revoke(&giver).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_teaser_with_invalid_gift(&read(&app, "deep-dive", &token).await);
    let links = my_links(&app, &giver).await;
    assert_eq!(links["items"][0]["valid"], false);
    assert!(links["items"][0]["revoked_at"].is_string());
}

async fn a_refunded_givers_links_stop_working(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, subscription_id) = subscriber(&app).await;
    let token = token(&app, &giver, "deep-dive").await;
    assert_eq!(read(&app, "deep-dive", &token).await["gift"]["valid"], true);
    diesel::update(subscriptions::table.find(&subscription_id))
        .set(subscriptions::state.eq(SubscriptionState::Refunded.as_str()))
        .execute(&mut app.db())
        .unwrap();
    assert_teaser_with_invalid_gift(&read(&app, "deep-dive", &token).await);
}

async fn audio_is_refused_with_a_gift_link(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, _) = subscriber(&app).await;
    let token = token(&app, &giver, "deep-dive").await;
    let response = app
        .get(&format!("/v1/articles/deep-dive/audio?gift={token}"))
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "login_required").await;
    let reader = app.new_reader().await;
    let response = app
        .get_auth(
            &format!("/v1/articles/deep-dive/audio?gift={token}"),
            &reader.access_token,
        )
        .await;
    assert_problem(response, StatusCode::FORBIDDEN, "subscription_required").await;
}

async fn a_non_subscriber_cannot_make_a_link(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let reader = app.new_reader().await;
    assert_problem(
        create(&app, &reader, "deep-dive").await,
        StatusCode::FORBIDDEN,
        "gift_link_not_allowed",
    )
    .await;
    let lapsed = app.new_reader().await;
    subscription("digital", SubscriptionState::Expired)
        .period_end(Utc::now() - Duration::days(1))
        .give(&app, &lapsed.id);
    assert_problem(
        create(&app, &lapsed, "deep-dive").await,
        StatusCode::FORBIDDEN,
        "gift_link_not_allowed",
    )
    .await;
    let anonymous = app
        .post_json("/v1/articles/deep-dive/gift-links", &json!({}))
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let (giver, _) = subscriber(&app).await;
    assert_problem(
        create(&app, &giver, "no-such-piece").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
}

async fn opens_are_counted_once_per_full_read(backend: Backend) {
    let app = app_with_allowance(backend, 10).await;
    let (giver, _) = subscriber(&app).await;
    let token = token(&app, &giver, "deep-dive").await;
    read(&app, "deep-dive", &token).await;
    read(&app, "deep-dive", &token).await;
    // Refused reads (another article) do not count.
    read(&app, "old-feature", &token).await;
    let links = my_links(&app, &giver).await;
    assert_eq!(links["total"], 1);
    assert_eq!(links["items"][0]["opens"], 2, "{links}");
    assert_eq!(links["items"][0]["article_slug"], "deep-dive");
    assert_eq!(links["items"][0]["valid"], true);
    assert!(
        links["items"][0].get("token").is_none(),
        "only the hash is kept"
    );
}

async fn publisher_links_are_unlimited_and_from_the_magazine(backend: Backend) {
    let app = app_with_allowance(backend, 1).await;
    let editor = app.new_staff(Role::Editor).await;
    let mut last = String::new();
    for _ in 0..3 {
        last = token(&app, &editor, "deep-dive").await;
    }
    let page = read(&app, "deep-dive", &last).await;
    assert_eq!(page["access"]["reason"], "gift_link");
    assert_eq!(page["gift"]["from"], "the editors");
    assert_eq!(my_links(&app, &editor).await["items"][0]["publisher"], true);
}
