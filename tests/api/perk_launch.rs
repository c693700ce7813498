//! Launching a perk: `PATCH /v1/admin/tiers/{tier}/perks/{perk}` turns
//! the seed's `coming_soon` ad-free perk `live`; the gate and `/v1/plans`
//! follow at once, and one fan-out mails "Ad-free is here" to the
//! readers the tier grants it to who take product updates, once each.

use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::outbox::{emails_settled, emails_to};
use crate::support::reader_fixtures::audit_entries;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::jobs;
use masthead::domain::{Role, SubscriptionState};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::time::Instant;

on_both_backends!(
    a_launch_mails_entitled_opted_in_readers_only,
    a_double_click_launches_and_announces_once,
    a_launched_perk_is_live_in_plans_and_granted,
    only_admins_launch_perks,
    unknown_tiers_perks_and_statuses_are_refused,
);

/// The subject of the launch email of ad-free.
pub const AD_FREE_IS_HERE: &str = "Ad-free is here";

/// Sets `perk` of `tier` to `status` as `admin`.
pub async fn set_perk(
    app: &TestApp,
    admin: &TestReader,
    tier: &str,
    perk: &str,
    status: &str,
) -> Response {
    app.client
        .patch(app.url(&format!("/v1/admin/tiers/{tier}/perks/{perk}")))
        .bearer_auth(&admin.access_token)
        .json(&json!({"status": status}))
        .send()
        .await
        .unwrap()
}

/// Waits until every `announce_perk` job has run, then until the emails
/// it queued are written.
pub async fn announcements_settled(app: &TestApp) {
    let deadline = Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let waiting: i64 = jobs::table
            .filter(jobs::kind.eq("announce_perk"))
            .filter(jobs::state.eq_any(["pending", "running"]))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        if waiting == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "announce_perk still queued");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    emails_settled(app).await;
}

/// A reader subscribed to `tier` in `state`, entitled for 30 days.
fn give(app: &TestApp, reader: &TestReader, tier: &str, state: SubscriptionState) {
    let month = Utc::now() + Duration::days(30);
    let fixture = subscription(tier, state);
    let fixture = match state {
        SubscriptionState::Comped => fixture.comped_until(month),
        SubscriptionState::Expired => fixture.period_end(Utc::now() - Duration::days(1)),
        _ => fixture.period_end(month),
    };
    fixture.give(app, &reader.id);
}

async fn a_launch_mails_entitled_opted_in_readers_only(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let active = app.new_reader().await;
    give(&app, &active, "digital", SubscriptionState::Active);
    let comped = app.new_reader().await;
    give(&app, &comped, "digital", SubscriptionState::Comped);
    let canceling = app.new_reader().await;
    give(&app, &canceling, "digital", SubscriptionState::Canceling);
    let expired = app.new_reader().await;
    give(&app, &expired, "digital", SubscriptionState::Expired);
    let opted_out = app.new_reader().await;
    give(&app, &opted_out, "digital", SubscriptionState::Active);
    app.client
        .patch(app.url("/v1/me"))
        .bearer_auth(&opted_out.access_token)
        .json(&json!({"email_preferences": {"product_updates": false}}))
        .send()
        .await
        .unwrap();
    let deleted = app.new_reader().await;
    give(&app, &deleted, "digital", SubscriptionState::Active);
    let gone = app
        .client
        .delete(app.url("/v1/me"))
        .bearer_auth(&deleted.access_token)
        .json(&json!({"password": deleted.password}))
        .send()
        .await
        .unwrap();
    assert!(gone.status().is_success(), "{}", gone.status());
    let on_print = app.new_reader().await;
    give(&app, &on_print, "print", SubscriptionState::Active);
    let no_subscription = app.new_reader().await;

    let response = set_perk(&app, &admin, "digital", "ad_free", "live").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "live");
    assert_eq!(body["previous_status"], "coming_soon");
    assert_eq!(body["announced"], true);
    announcements_settled(&app).await;

    for reader in [&active, &comped, &canceling] {
        let emails = emails_to(&app, &reader.email, AD_FREE_IS_HERE).await;
        assert_eq!(emails.len(), 1, "{}", reader.email);
        let text = emails[0]["text"].as_str().unwrap();
        assert!(text.contains("Ad-free reading"), "{text}");
        assert!(text.contains("Digital"), "{text}");
    }
    for reader in [&expired, &opted_out, &deleted, &on_print, &no_subscription] {
        assert!(
            emails_to(&app, &reader.email, AD_FREE_IS_HERE)
                .await
                .is_empty(),
            "{} was mailed",
            reader.email
        );
    }
    let launches = crate::support::outbox::outbox(&app)
        .await
        .into_iter()
        .filter(|m| m["subject"] == AD_FREE_IS_HERE)
        .count();
    assert_eq!(
        launches, 3,
        "nobody else is mailed (the deleted account's placeholder address neither)"
    );
    let audit = audit_entries(&app, "digital/ad_free");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "perk_status_changed");
    assert_eq!(audit[0].staff_id, admin.id);
}

async fn a_double_click_launches_and_announces_once(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    give(&app, &reader, "digital", SubscriptionState::Active);
    let (first, second) = tokio::join!(
        set_perk(&app, &admin, "digital", "ad_free", "live"),
        set_perk(&app, &admin, "digital", "ad_free", "live"),
    );
    let first: Value = first.json().await.unwrap();
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["status"], "live");
    assert_eq!(second["status"], "live");
    let announced = [&first, &second]
        .iter()
        .filter(|body| body["announced"] == true)
        .count();
    assert_eq!(announced, 1, "{first} {second}");
    let third: Value = set_perk(&app, &admin, "digital", "ad_free", "live")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(third["announced"], false);
    assert_eq!(third["previous_status"], "live");
    // Back to coming soon and live again (maybe before the first fan-out
    // ran, which then finds it withdrawn): a new fan-out, and still one
    // email, whichever fan-out sent it.
    set_perk(&app, &admin, "digital", "ad_free", "coming_soon").await;
    let again: Value = set_perk(&app, &admin, "digital", "ad_free", "live")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["announced"], true);
    announcements_settled(&app).await;
    assert_eq!(
        emails_to(&app, &reader.email, AD_FREE_IS_HERE).await.len(),
        1
    );
    // Only changes are audited: launch, revert, relaunch.
    assert_eq!(audit_entries(&app, "digital/ad_free").len(), 3);
}

async fn a_launched_perk_is_live_in_plans_and_granted(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    give(&app, &reader, "digital", SubscriptionState::Active);
    let before: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        before["entitlements"]["announced"]
            .as_array()
            .unwrap()
            .contains(&json!("ad_free")),
        "{before}"
    );
    set_perk(&app, &admin, "digital", "ad_free", "live").await;
    let plans: Value = app.get("/v1/plans").await.json().await.unwrap();
    let status = |tier: &str| {
        plans["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == tier)
            .unwrap()["perks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "ad_free")
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("digital"), "live");
    assert_eq!(status("print"), "coming_soon", "only the tier named");
    let after: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        after["entitlements"]["granted"]
            .as_array()
            .unwrap()
            .contains(&json!("ad_free")),
        "the gate's cache forgot the old perks: {after}"
    );
}

async fn only_admins_launch_perks(app: TestApp) {
    let reader = app.new_reader().await;
    for who in [
        reader,
        app.new_staff(Role::Support).await,
        app.new_staff(Role::Editor).await,
    ] {
        assert_problem(
            set_perk(&app, &who, "digital", "ad_free", "live").await,
            StatusCode::FORBIDDEN,
            "insufficient_role",
        )
        .await;
    }
    let anonymous = app
        .client
        .patch(app.url("/v1/admin/tiers/digital/perks/ad_free"))
        .json(&json!({"status": "live"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let plans: Value = app.get("/v1/plans").await.json().await.unwrap();
    assert!(
        !plans
            .to_string()
            .contains(r#""status":"live","name":"ad_free""#)
    );
}

async fn unknown_tiers_perks_and_statuses_are_refused(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    assert_problem(
        set_perk(&app, &admin, "platinum", "ad_free", "live").await,
        StatusCode::NOT_FOUND,
        "tier_not_found",
    )
    .await;
    assert_problem(
        set_perk(&app, &admin, "digital", "free_lunch", "live").await,
        StatusCode::NOT_FOUND,
        "perk_not_found",
    )
    .await;
    assert_problem(
        set_perk(&app, &admin, "digital", "print_edition", "live").await,
        StatusCode::NOT_FOUND,
        "perk_not_found",
    )
    .await;
    for status in ["LIVE", "launched", ""] {
        assert_problem(
            set_perk(&app, &admin, "digital", "ad_free", status).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let wrong_type = app
        .client
        .patch(app.url("/v1/admin/tiers/digital/perks/ad_free"))
        .bearer_auth(&admin.access_token)
        .json(&json!({"status": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
