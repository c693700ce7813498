//! Shapes of gift links: made, read through, listed by their giver.

use super::shape;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fixtures::subscription;
use crate::support::helpers::TestApp;
use chrono::{Duration, Utc};
use masthead::domain::SubscriptionState;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(gift_link_shapes);

async fn gift_link_shapes(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let giver = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &giver.id);
    let response = app
        .post_json_auth(
            "/v1/articles/deep-dive/gift-links",
            &giver.access_token,
            &json!({"expires_in_days": 30}),
        )
        .await;
    let text = response.text().await.unwrap();
    let created: Value = serde_json::from_str(&text).unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let mut created = shape_of(created);
    let url = created["url"].as_str().unwrap().replace(&token, "[token]");
    created["url"] = Value::String(url);
    insta::assert_json_snapshot!("gift_link_created", created);
    let page = shape(
        app.get(&format!("/v1/articles/deep-dive?gift={token}"))
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("article_page_gift", page);
    let mine = shape(
        app.get_auth("/v1/me/gift-links", &giver.access_token).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("my_gift_links", mine);
}

fn shape_of(mut body: Value) -> Value {
    super::redact(&mut body);
    body
}
