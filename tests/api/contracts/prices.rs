//! Shapes of a tier's price changes as an admin sees them: one scheduled,
//! and the tier's prices listed.

use super::shape;
use crate::support::helpers::TestApp;
use chrono::{Duration, SecondsFormat, Utc};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(price_change_shapes);

async fn price_change_shapes(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let effective_at = (Utc::now() + Duration::days(40)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let scheduled = shape(
        app.post_json_auth(
            "/v1/admin/tiers/digital/prices",
            &admin.access_token,
            &json!({"interval": "month", "currency": "usd", "amount": 1200, "effective_at": effective_at}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    insta::assert_json_snapshot!("admin_tier_price_scheduled", scheduled);
    let listed = shape(
        app.get_auth("/v1/admin/tiers/digital/prices", &admin.access_token)
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_tier_prices", listed);
}
