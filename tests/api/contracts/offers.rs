//! Shapes of offers: created, listed and archived by an admin, read by
//! anyone through its link, and a tier price's trial set.

use super::shape;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(offer_shapes);

async fn offer_shapes(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let created = shape(
        app.post_json_auth(
            "/v1/admin/offers",
            &admin.access_token,
            &json!({
                "code": "spring25", "name": "Spring sale", "percent_off": 25,
                "duration_months": 3, "max_redemptions": 100, "listed": true,
                "ends_at": "2099-04-30T00:00:00Z",
                "plans": [{"tier": "digital", "interval": "month"}, {"tier": "digital", "interval": "year"}],
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    insta::assert_json_snapshot!("admin_offer_created", created);
    let public = shape(app.get("/v1/offers/Spring25").await, StatusCode::OK).await;
    insta::assert_json_snapshot!("public_offer", public);
    let listed = shape(
        app.get_auth("/v1/admin/offers", &admin.access_token).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_offers", listed);
    let archived = shape(
        app.post_json_auth(
            "/v1/admin/offers/SPRING25/archive",
            &admin.access_token,
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_offer_archived", archived);
    let trial = shape(
        app.client
            .patch(app.url("/v1/admin/tiers/digital/trial"))
            .bearer_auth(&admin.access_token)
            .json(&json!({"interval": "month", "trial_days": 14}))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_tier_trial_set", trial);
}
