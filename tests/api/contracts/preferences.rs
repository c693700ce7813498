//! Shapes of a perk's launch as an admin sees it, and of the one-click
//! unsubscribe its email offers.

use super::shape;
use crate::perk_launch::{AD_FREE_IS_HERE, announcements_settled, set_perk};
use crate::support::fixtures::subscription;
use crate::support::helpers::TestApp;
use crate::support::outbox::emails_to;
use chrono::{Duration, Utc};
use masthead::domain::{Role, SubscriptionState};
use reqwest::StatusCode;

on_both_backends!(launch_and_unsubscribe_shapes);

async fn launch_and_unsubscribe_shapes(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let launched = shape(
        set_perk(&app, &admin, "digital", "ad_free", "live").await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_tier_perk_launched", launched);
    announcements_settled(&app).await;
    let email = emails_to(&app, &reader.email, AD_FREE_IS_HERE)
        .await
        .remove(0);
    let header = email["headers"]["List-Unsubscribe"].as_str().unwrap();
    let uri = header.trim_start_matches('<').trim_end_matches('>');
    let unsubscribed = shape(
        app.client
            .post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("email_unsubscribed", unsubscribed);
}
