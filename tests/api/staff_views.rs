//! Staff views: staff accounts are not readers, so `GET /v1/admin/readers`
//! and its CSV export leave them out unless asked (`role=`); the refund
//! queue carries what deciding needs (who asked, the subscription, the
//! money at stake, whether the guarantee covers it).

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::reader_fixtures::parse_csv;
use crate::support::staff_fixtures::paid_subscription;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    staff_accounts_are_not_listed_as_readers_unless_asked,
    the_export_leaves_staff_out_unless_asked,
    the_refund_queue_shows_reader_subscription_and_stake,
);

async fn emails(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app
        .get_auth(&format!("/v1/admin/readers?per_page=100{query}"), token)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        usize::try_from(body["total"].as_u64().unwrap()).unwrap(),
        body["items"].as_array().unwrap().len()
    );
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_owned())
        .collect()
}

async fn staff_accounts_are_not_listed_as_readers_unless_asked(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let editor = app.new_staff(Role::Editor).await;
    let token = &support.access_token;

    assert_eq!(emails(&app, token, "").await, vec![reader.email.clone()]);
    assert_eq!(
        emails(&app, token, "&role=reader").await,
        vec![reader.email.clone()]
    );
    let mut staff = emails(&app, token, "&role=staff").await;
    staff.sort();
    let mut expected = vec![support.email.clone(), editor.email.clone()];
    expected.sort();
    assert_eq!(staff, expected);
    assert_eq!(
        emails(&app, token, "&role=editor").await,
        vec![editor.email.clone()]
    );
    assert_eq!(emails(&app, token, "&role=all").await.len(), 3);

    let bad = app.get_auth("/v1/admin/readers?role=boss", token).await;
    let body = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "role");
    assert_eq!(body["errors"][0]["code"], "invalid_role");
}

async fn the_export_leaves_staff_out_unless_asked(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let export = |query: &'static str| {
        app.client
            .get(app.url(&format!("/v1/admin/readers/export{query}")))
            .bearer_auth(&support.access_token)
            .send()
    };
    let rows = |body: &str| -> Vec<String> {
        let (header, rows) = parse_csv(body);
        let email = header.iter().position(|h| h == "email").unwrap();
        rows.into_iter().map(|row| row[email].clone()).collect()
    };
    let readers = export("").await.unwrap().text().await.unwrap();
    assert_eq!(rows(&readers), vec![reader.email.clone()]);
    let staff = export("?role=staff").await.unwrap().text().await.unwrap();
    assert_eq!(rows(&staff), vec![support.email.clone()]);
    let all = export("?role=all").await.unwrap().text().await.unwrap();
    assert_eq!(rows(&all).len(), 2);
    assert_problem(
        export("?role=boss").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn the_refund_queue_shows_reader_subscription_and_stake(app: TestApp) {
    let recent = app.new_reader().await;
    let late = app.new_reader().await;
    let fresh = paid_subscription(&app, &recent.id, "dev", 20, 2);
    let old = paid_subscription(&app, &late.id, "dev", 90, 1);
    for reader in [&recent, &late] {
        let asked = app
            .post_json_auth(
                "/v1/me/subscription/refund-request",
                &reader.access_token,
                &json!({"reason": "please"}),
            )
            .await;
        assert_eq!(asked.status(), StatusCode::CREATED);
    }
    let support = app.new_staff(Role::Support).await;
    let queue: Value = app
        .get_auth("/v1/admin/refund-requests", &support.access_token)
        .await
        .json()
        .await
        .unwrap();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let of = |subscription: &str| {
        items
            .iter()
            .find(|i| i["subscription_id"] == subscription)
            .unwrap()
            .clone()
    };
    let inside = of(&fresh.id);
    assert_eq!(inside["reader"]["email"], recent.email.as_str());
    assert!(inside["reader"]["name"].is_string());
    assert_eq!(inside["subscription"]["tier"], "digital");
    assert_eq!(inside["subscription"]["state"], "active");
    assert_eq!(inside["amount_at_stake_cents"], 1800, "two payments of 900");
    assert_eq!(inside["currency"], "usd");
    assert_eq!(inside["within_guarantee"], true);
    let outside = of(&old.id);
    assert_eq!(outside["reader"]["email"], late.email.as_str());
    assert_eq!(outside["amount_at_stake_cents"], 900);
    assert_eq!(outside["within_guarantee"], false);
    assert!(outside["guarantee_ends_at"].is_string());
    insta::assert_json_snapshot!("refund_queue_item", inside, {
        ".id" => "[id]",
        ".subscription_id" => "[id]",
        ".reader_id" => "[id]",
        ".reader.id" => "[id]",
        ".reader.email" => "[email]",
        ".subscription.id" => "[id]",
        ".created_at" => "[timestamp]",
        ".guarantee_ends_at" => "[timestamp]",
    });
}
