//! The admin dashboard: subscribers, MRR, the period table and paywall
//! conversions, from purchases made the way readers make them (the
//! development provider's checkout), a comp, and a refund under the
//! guarantee. The definitions are the ones docs/dashboard.md states.

use crate::support::billing_fixtures::confirm;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_dashboard_counts_what_readers_bought_and_what_was_refunded,
    the_dashboard_table_downloads_as_csv,
    bad_dashboard_queries_are_refused,
    only_admins_see_the_dashboard,
);

/// Checks out `tier`/`interval` from `article`'s paywall; completes it
/// (dev provider) when `pay`. Returns the subscription id if paid.
async fn buy(
    app: &TestApp,
    reader: &TestReader,
    interval: &str,
    article: &str,
    pay: bool,
) -> Option<String> {
    let response = app
        .post_json_auth(
            "/v1/billing/checkout",
            &reader.access_token,
            &json!({"tier": "digital", "interval": interval, "source_article": article}),
        )
        .await;
    let status = response.status();
    let opened: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    if !pay {
        return None;
    }
    let paid = confirm(app, opened["url"].as_str().unwrap(), &reader.access_token).await;
    assert_eq!(paid.status(), StatusCode::OK);
    let body: Value = paid.json().await.unwrap();
    Some(body["id"].as_str().unwrap().to_owned())
}

async fn dashboard(app: &TestApp, admin: &TestReader, query: &str) -> Value {
    let response = app
        .get_auth(&format!("/v1/admin/dashboard{query}"), &admin.access_token)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn count_of(dashboard: &Value, state: &str, interval: Option<&str>) -> i64 {
    dashboard["subscribers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["state"] == state && row["interval"] == json!(interval))
        .map(|row| row["count"].as_i64().unwrap())
        .sum()
}

async fn the_dashboard_counts_what_readers_bought_and_what_was_refunded(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let (monthly, yearly, comped) = (
        app.new_reader().await,
        app.new_reader().await,
        app.new_reader().await,
    );
    let (browser, other_browser) = (app.new_reader().await, app.new_reader().await);
    let refunded = buy(&app, &monthly, "month", "deep-dive", true)
        .await
        .unwrap();
    buy(&app, &yearly, "year", "deep-dive", true).await;
    buy(&app, &browser, "month", "deep-dive", false).await;
    buy(&app, &other_browser, "month", "long-read", false).await;
    let comp = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", comped.id),
            &admin.access_token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "contributor"}),
        )
        .await;
    assert_eq!(
        comp.status(),
        StatusCode::CREATED,
        "{}",
        comp.text().await.unwrap()
    );
    let before = dashboard(&app, &admin, "").await;
    let mut shape = before.clone();
    crate::contracts::redact(&mut shape);
    insta::assert_json_snapshot!("dashboard_shape", shape);
    assert_eq!(before["period"], "month");
    assert_eq!(before["periods"].as_array().unwrap().len(), 12);
    // MRR: 900 a month plus 9000 a year / 12 = 750; the comp pays nothing.
    assert_eq!(
        before["mrr"],
        json!([{"currency": "usd", "amount_cents": 1650}])
    );
    assert_eq!(count_of(&before, "active", Some("month")), 1);
    assert_eq!(count_of(&before, "active", Some("year")), 1);
    assert_eq!(count_of(&before, "comped", None), 1);

    let refund = app
        .client
        .post(app.url(&format!("/v1/admin/subscriptions/{refunded}/refund")))
        .bearer_auth(&admin.access_token)
        .json(&json!({"reason": "asked within the guarantee"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refund.status(),
        StatusCode::OK,
        "{}",
        refund.text().await.unwrap()
    );
    let after = dashboard(&app, &admin, "?period=week&periods=2").await;
    assert_eq!(
        after["mrr"],
        json!([{"currency": "usd", "amount_cents": 750}])
    );
    let week = &after["periods"][1];
    assert_eq!(week["new"], 2, "{week}");
    assert_eq!(week["churned"], 1, "{week}");
    assert_eq!(week["refunds"], 1);
    assert_eq!(week["refunds_inside_guarantee"], 1);
    assert_eq!(
        week["refunded"],
        json!([{"currency": "usd", "amount_cents": 900}])
    );
    assert_eq!(
        week["active_at_start"], 0,
        "nothing was active before this week"
    );
    assert_eq!(week["churn_percent"], Value::Null, "no base to divide by");
    assert_eq!(
        after["paywall_conversions"],
        json!([
            {"article": "deep-dive", "checkouts_started": 3, "checkouts_completed": 2},
            {"article": "long-read", "checkouts_started": 1, "checkouts_completed": 0},
        ])
    );
}

async fn the_dashboard_table_downloads_as_csv(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    buy(&app, &reader, "month", "deep-dive", true).await;
    let response = app
        .client
        .get(app.url("/v1/admin/dashboard?period=week&periods=3"))
        .bearer_auth(&admin.access_token)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three weeks:\n{text}");
    assert!(lines[0].starts_with("period_start,period_end,active_at_start,new,churned"));
    let this_week: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(this_week[3], "1", "one new subscription this week: {text}");
}

async fn bad_dashboard_queries_are_refused(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    for query in ["?period=day", "?periods=0", "?periods=105", "?period=WEEK"] {
        let response = app
            .get_auth(&format!("/v1/admin/dashboard{query}"), &admin.access_token)
            .await;
        assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let response = app
        .get_auth("/v1/admin/dashboard?periods=-1", &admin.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

async fn only_admins_see_the_dashboard(app: TestApp) {
    for role in [Role::Support, Role::Editor] {
        let staff = app.new_staff(role).await;
        let response = app
            .get_auth("/v1/admin/dashboard", &staff.access_token)
            .await;
        assert_problem(response, StatusCode::FORBIDDEN, "insufficient_role").await;
    }
}
