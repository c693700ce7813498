//! `masthead demo --scale N` fills a database with a generated magazine in
//! the proportions of a working one; the staff tools answer over it as
//! over readers who signed up.

use crate::support::helpers::TestApp;
use masthead::demo::scale::{SCALE_PASSWORD, SCALE_STAFF, load};
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(a_scaled_magazine_has_realistic_proportions_and_the_directory_answers);

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get_auth(path, token).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn a_scaled_magazine_has_realistic_proportions_and_the_directory_answers(app: TestApp) {
    let report = load(&mut app.db(), 2_000, 7).unwrap();
    assert_eq!(report.readers, 2_000);
    assert!(
        (120..=280).contains(&report.subscriptions),
        "about 10% subscribe: {report:?}"
    );
    assert!(
        (2_000..=6_000).contains(&report.events),
        "about 2 events per reader: {report:?}"
    );
    assert!(
        (3_000..=9_000).contains(&(report.payments + report.refunds)),
        "about 3 payments and refunds per reader: {report:?}"
    );
    assert!(report.refunds > 0 && report.sessions > 500 && report.audit > 20);
    assert_eq!((report.issues, report.articles), (3, 40));
    assert!(
        load(&mut app.db(), 10, 7).is_err(),
        "a second load into a filled database is refused"
    );

    // The seeded staff log in with the shared password.
    let login = app.login(SCALE_STAFF[1].0, SCALE_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let token = login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let all = get(&app, "/v1/admin/readers?per_page=100", &token).await;
    assert_eq!(
        (&all["total"], &all["total_exact"]),
        (&serde_json::json!(1_000), &serde_json::json!(false)),
        "the count stops at 1,000"
    );
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["role"] == "reader"),
        "support's directory lists readers, not staff"
    );
    let emails: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<_> = emails.iter().collect();
    assert_eq!(distinct.len(), emails.len());

    // Names are varied: one reader's surname matches a small share.
    let someone = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "reader")
        .unwrap();
    let surname = someone["name"]
        .as_str()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap();
    let namesakes = get(&app, &format!("/v1/admin/readers?q={surname}"), &token).await;
    let total = namesakes["total"].as_i64().unwrap();
    assert!(
        (1..=40).contains(&total),
        "{surname} matches {total} of 2,000"
    );

    // Every state a subscriber meets is there, and a subscriber's record
    // shows its history and money.
    for state in [
        "active",
        "canceling",
        "past_due",
        "expired",
        "trialing",
        "comped",
        "gift",
    ] {
        let page = get(&app, &format!("/v1/admin/readers?state={state}"), &token).await;
        assert!(page["total"].as_i64().unwrap() > 0, "no {state} subscriber");
    }
    let print = get(&app, "/v1/admin/readers?tier=print&state=active", &token).await;
    let id = print["items"][0]["id"].as_str().unwrap();
    let detail = get(&app, &format!("/v1/admin/readers/{id}"), &token).await;
    assert!(detail["shipping_address"]["line1"].is_string(), "{detail}");
    let subscription = &detail["subscriptions"][0];
    assert_eq!(subscription["tier"], "print");
    assert!(!subscription["events"].as_array().unwrap().is_empty());
    assert!(!subscription["payments"].as_array().unwrap().is_empty());
}
