//! Admins' tiers page in the console: scheduling a price change (the API's
//! own, audited alike), withdrawing it, a price's trial, a change inside
//! the notice refused on the page with the values kept, and forged tier
//! forms refused; each changes nothing it should not.

use super::{Console, audit, field, gist};
use crate::support::helpers::TestApp;
use chrono::{Duration, Utc};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_price_change_scheduled_in_the_console_is_the_apis_and_audited_alike,
    a_price_change_withdrawn_in_the_console_is_gone_from_the_api_and_audited,
    a_trial_set_in_the_console_is_the_prices_trial_and_audited,
    forged_tier_forms_are_refused_and_change_nothing,
    a_price_change_inside_the_notice_is_refused_on_the_page_and_changes_nothing,
);

/// The date `days` from today, as the forms take it.
pub(super) fn day_in(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// The price-change form: `tier`'s `interval` price to `amount` cents
/// (USD) from `effective_on`, after the page's `csrf` token (`None` for
/// `Console::assert_refuses_forgeries`, which sets its own).
fn price_form<'a>(
    csrf: Option<&'a str>,
    tier: &'a str,
    interval: &'a str,
    amount: &'a str,
    effective_on: &'a str,
) -> Vec<(&'a str, &'a str)> {
    csrf.map(|token| ("csrf", token))
        .into_iter()
        .chain([
            ("tier", tier),
            ("interval", interval),
            ("currency", "usd"),
            ("amount", amount),
            ("effective_on", effective_on),
        ])
        .collect()
}

/// A tier's prices, as the API lists them.
pub(super) async fn prices(app: &TestApp, token: &str, tier: &str) -> Value {
    app.get_auth(&format!("/v1/admin/tiers/{tier}/prices"), token)
        .await
        .json()
        .await
        .unwrap()
}

async fn a_price_change_scheduled_in_the_console_is_the_apis_and_audited_alike(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/tiers").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("9.00 USD"),
        "digital monthly: {}",
        page.body
    );
    assert!(page.body.contains("None scheduled."));
    let home = console.get("/console").await;
    assert!(
        home.body.contains("href=\"/console/tiers\""),
        "in the navigation"
    );
    let perks = console.get("/console/perks").await;
    assert!(
        perks.body.contains("href=\"/console/tiers\""),
        "linked from the perks"
    );
    let csrf = field(&page.body, "csrf");
    let effective = day_in(45);
    let scheduled = console
        .post(
            "/console/tiers/prices",
            &price_form(Some(&csrf), "digital", "month", "1200", &effective),
        )
        .await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.body
    );
    assert_eq!(scheduled.location(), "/console/tiers");
    let listed = prices(&app, &admin.access_token, "digital").await;
    let change = &listed["scheduled"][0];
    assert_eq!(change["amount_cents"], 1_200, "{listed}");
    assert_eq!(change["interval"], "month");
    assert_eq!(change["effective_at"], format!("{effective}T00:00:00Z"));
    let id = change["id"].as_str().unwrap().to_owned();
    let after = console.get("/console/tiers").await;
    assert!(after.body.contains("Withdraw 12.00 USD"), "{}", after.body);
    assert!(after.body.contains("at least 30 days before"), "the notice");

    // The API's own scheduling writes the same kind of entry.
    let through_api = app
        .post_json_auth(
            "/v1/admin/tiers/digital/prices",
            &admin.access_token,
            &json!({"interval": "year", "currency": "usd", "amount": 9_900,
                    "effective_at": format!("{}T00:00:00Z", day_in(60))}),
        )
        .await;
    assert_eq!(through_api.status(), StatusCode::CREATED);
    let entries = audit(&app, &admin.access_token, "price_change_scheduled").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let from_console = entries
        .iter()
        .find(|e| e["target_id"] == id.as_str())
        .unwrap();
    let from_api = entries
        .iter()
        .find(|e| e["target_id"] != id.as_str())
        .unwrap();
    assert_eq!(gist(from_console), gist(from_api));
    assert_eq!(from_console["staff_id"], admin.id.as_str());
    assert_eq!(from_console["details"]["amount_cents"], 1_200);
}

async fn a_price_change_withdrawn_in_the_console_is_gone_from_the_api_and_audited(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let scheduled: Value = app
        .post_json_auth(
            "/v1/admin/tiers/digital/prices",
            &admin.access_token,
            &json!({"interval": "month", "currency": "usd", "amount": 1_200,
                    "effective_at": format!("{}T00:00:00Z", day_in(45))}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = scheduled["id"].as_str().unwrap().to_owned();
    let page = console.get("/console/tiers").await;
    assert!(page.body.contains("Withdraw 12.00 USD"), "{}", page.body);
    let withdrawn = console
        .post(
            &format!("/console/tiers/digital/prices/{id}/withdraw"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let listed = prices(&app, &admin.access_token, "digital").await;
    assert!(
        listed["scheduled"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != id.as_str()),
        "{listed}"
    );
    let entries = audit(&app, &admin.access_token, "price_change_withdrawn").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["target_id"], id.as_str());
    let twice = console
        .post(
            &format!("/console/tiers/digital/prices/{id}/withdraw"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "{}", twice.body);
    assert!(
        twice.body.contains("no scheduled price with this id"),
        "{}",
        twice.body
    );
}

async fn a_trial_set_in_the_console_is_the_prices_trial_and_audited(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let trial = console
        .post(
            "/console/tiers/digital/trial",
            &[
                ("csrf", csrf.as_str()),
                ("interval", "month"),
                ("currency", "usd"),
                ("trial_days", "14"),
            ],
        )
        .await;
    assert_eq!(trial.status, StatusCode::SEE_OTHER, "{}", trial.body);
    let listed = prices(&app, &admin.access_token, "digital").await;
    let monthly = listed["current"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["interval"] == "month" && p["currency"] == "usd")
        .unwrap();
    assert_eq!(monthly["trial_days"], 14, "{listed}");
    let entries = audit(&app, &admin.access_token, "trial_days_changed").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["target_id"], "digital/month/usd");
    assert_eq!(entries[0]["details"]["previous_trial_days"], 0);
}

async fn a_price_change_inside_the_notice_is_refused_on_the_page_and_changes_nothing(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let soon = day_in(10);
    let refused = console
        .post(
            "/console/tiers/prices",
            &price_form(Some(&csrf), "digital", "year", "4321", &soon),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("at least 30 days ahead"),
        "the notice rule, said: {}",
        refused.body
    );
    assert!(refused.body.contains("value=\"4321\""), "the amount kept");
    assert!(
        refused.body.contains(&format!("value=\"{soon}\"")),
        "the date kept"
    );
    assert!(
        refused.body.contains("value=\"year\" checked"),
        "the interval kept"
    );

    let unknown = console
        .post(
            "/console/tiers/prices",
            &price_form(Some(&csrf), "platinum", "month", "1200", &day_in(45)),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let not_a_number = console
        .post(
            "/console/tiers/digital/trial",
            &[
                ("csrf", csrf.as_str()),
                ("interval", "month"),
                ("trial_days", "9999"),
            ],
        )
        .await;
    assert_eq!(
        not_a_number.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_a_number.body
    );
    assert!(not_a_number.body.contains("730"), "{}", not_a_number.body);

    let listed = prices(&app, &admin.access_token, "digital").await;
    assert_eq!(listed["scheduled"], json!([]), "nothing scheduled");
    assert!(
        listed["current"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["trial_days"] == 0),
        "no trial set: {listed}"
    );
    for action in ["price_change_scheduled", "trial_days_changed"] {
        assert!(
            audit(&app, &admin.access_token, action).await.is_empty(),
            "{action}"
        );
    }
}

async fn forged_tier_forms_are_refused_and_change_nothing(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let effective = day_in(45);
    console
        .assert_refuses_forgeries(
            "/console/tiers/prices",
            &price_form(None, "digital", "month", "1200", &effective),
        )
        .await;
    console
        .assert_refuses_forgeries(
            "/console/tiers/digital/trial",
            &[("interval", "month"), ("trial_days", "9")],
        )
        .await;
    let listed = prices(&app, &admin.access_token, "digital").await;
    assert_eq!(listed["scheduled"], json!([]));
    assert!(
        listed["current"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["trial_days"] == 0)
    );
}
