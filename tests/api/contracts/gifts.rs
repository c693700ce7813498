//! Shapes of gift subscriptions: the purchase, the gift link, its
//! redemption, the refund link before and after, and a staff refund.

use super::shape;
use crate::support::checkout_fixtures::{browser, form_token, page};
use crate::support::helpers::TestApp;
use crate::support::outbox::{emails_to, token_in};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(gift_shapes);

fn order(recipient: &str) -> Value {
    json!({
        "tier": "digital",
        "months": 12,
        "recipient_email": recipient,
        "buyer_email": "buyer@example.com",
        "message": "Happy birthday!",
    })
}

/// Buys and pays a gift for `recipient`; returns its checkout answer.
async fn paid(app: &TestApp, recipient: &str) -> Value {
    let response = app.post_json("/v1/gifts/checkout", &order(recipient)).await;
    let text = response.text().await.unwrap();
    let opened: Value = serde_json::from_str(&text).unwrap();
    let id = opened["checkout_id"].as_str().unwrap();
    let html = page(opened["url"].as_str().unwrap()).await;
    let pressed = browser()
        .post(app.url(&format!("/v1/gifts/dev/checkout/{id}/pay")))
        .form(&[("token", form_token(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(pressed.status(), StatusCode::SEE_OTHER);
    opened
}

async fn newest_token(app: &TestApp, to: &str, subject: &str) -> String {
    for _ in 0..300 {
        if let Some(found) = emails_to(app, to, subject).await.pop() {
            return token_in(&found);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {subject:?} to {to}");
}

async fn gift_shapes(app: TestApp) {
    let mut opened = paid(&app, "grace@example.com").await;
    super::redact(&mut opened);
    opened["url"] = json!("[url]");
    insta::assert_json_snapshot!("gift_checkout", opened);

    let redeem = newest_token(&app, "grace@example.com", "A gift for you").await;
    let refund = newest_token(&app, "buyer@example.com", "Your gift subscription: receipt").await;
    let shown = shape(
        app.get(&format!("/v1/gifts/{redeem}")).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("gift_view", shown);

    let grace = app.new_reader().await;
    let redeemed = app
        .client
        .post(app.url(&format!("/v1/gifts/{redeem}/redeem")))
        .bearer_auth(&grace.access_token)
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!("gift_redeemed", shape(redeemed, StatusCode::CREATED).await);

    let before = shape(
        app.get(&format!("/v1/gifts/refunds/{refund}")).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("gift_refund_view", before);
    let refunded = app
        .client
        .post(app.url(&format!("/v1/gifts/refunds/{refund}")))
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!("gift_refunded", shape(refunded, StatusCode::OK).await);

    let second = paid(&app, "ada@example.com").await;
    let support = app.new_staff(Role::Support).await;
    let by_staff = app
        .post_json_auth(
            &format!(
                "/v1/admin/gifts/{}/refund",
                second["checkout_id"].as_str().unwrap()
            ),
            &support.access_token,
            &json!({"reason": "bought by mistake"}),
        )
        .await;
    insta::assert_json_snapshot!("admin_gift_refunded", shape(by_staff, StatusCode::OK).await);
}
