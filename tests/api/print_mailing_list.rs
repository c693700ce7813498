//! The print mailing list: who had the print edition at an issue's cut-off
//! (publication date minus 14 days by default), once each, as CSV for the
//! mailing house or JSON, with the readers to chase for an address.

use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::reader_fixtures::{
    audit_entries, give_address, parse_csv, reader_named, subscription_between,
};
use chrono::{DateTime, Duration, Utc};
use masthead::db::issues::{self, NewIssue};
use masthead::domain::{Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_list_has_each_print_reader_at_the_cutoff_once,
    readers_without_an_address_are_only_on_the_chase_list,
    names_that_look_like_formulas_are_escaped,
    unknown_or_missing_issues_are_refused,
);

/// Creates (unpublished) issue `number` dated `publication`; returns the number.
pub fn create_issue(app: &TestApp, number: i32, publication: DateTime<Utc>) -> i32 {
    let now = Utc::now().naive_utc();
    issues::insert(
        &mut app.db(),
        &NewIssue {
            id: &uuid::Uuid::now_v7().to_string(),
            number,
            volume: 1,
            year: 2027,
            title: "The Post",
            cover_image_url: None,
            publication_date: publication.naive_utc(),
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap();
    number
}

async fn csv_list(app: &TestApp, token: &str, query: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let response = app
        .get_auth(&format!("/v1/admin/print/mailing-list?{query}"), token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"mailing-list-")
    );
    parse_csv(&response.text().await.unwrap())
}

async fn json_list(app: &TestApp, token: &str, issue: i32) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/v1/admin/print/mailing-list?issue={issue}")))
        .bearer_auth(token)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Six readers with addresses, arranged around a cut-off 4 days ago:
/// returns (active print, print refunded since the cut-off); the others
/// (expired before it, started after it, digital only) must not be listed,
/// and "Twice Subscribed" must be listed once.
async fn arrange_around_the_cutoff(app: &TestApp, now: DateTime<Utc>) -> (TestReader, TestReader) {
    let mut readers = Vec::new();
    for (handle, name) in [
        ("a", "Active Print"),
        ("r", "Refunded Since"),
        ("e", "Expired Before"),
        ("l", "Late Starter"),
        ("d", "Digital Only"),
        ("t", "Twice Subscribed"),
    ] {
        let reader = reader_named(app, handle, name).await;
        give_address(app, &reader, "1 Fleet Street").await;
        readers.push(reader);
    }
    let (month_ago, in_a_year) = (now - Duration::days(30), now + Duration::days(365));
    let subscribe = |reader: &TestReader, tier, state, end, ended| {
        subscription_between(app, &reader.id, tier, state, month_ago, end, ended)
    };
    let before = now - Duration::days(10);
    let (active, refunded) = (&readers[0], &readers[1]);
    subscribe(active, "print", SubscriptionState::Active, in_a_year, None);
    let since = Some(now - Duration::days(1));
    subscribe(
        refunded,
        "print",
        SubscriptionState::Refunded,
        in_a_year,
        since,
    );
    subscribe(
        &readers[2],
        "print",
        SubscriptionState::Expired,
        before,
        Some(before),
    );
    let year = Some(in_a_year);
    subscription("print", SubscriptionState::Active)
        .period_end(year)
        .give(app, &readers[3].id);
    subscribe(
        &readers[4],
        "digital",
        SubscriptionState::Active,
        in_a_year,
        None,
    );
    subscribe(
        &readers[5],
        "print",
        SubscriptionState::Active,
        in_a_year,
        None,
    );
    let soon = now + Duration::days(20);
    subscribe(
        &readers[5],
        "print",
        SubscriptionState::Canceling,
        soon,
        None,
    );
    let mut readers = readers.into_iter();
    (readers.next().unwrap(), readers.next().unwrap())
}

async fn the_list_has_each_print_reader_at_the_cutoff_once(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let now = Utc::now();
    // Published in 10 days: the cut-off was 4 days ago.
    let issue = create_issue(&app, 12, now + Duration::days(10));
    let (active, refunded_since) = arrange_around_the_cutoff(&app, now).await;

    let (header, rows) = csv_list(&app, &support.access_token, &format!("issue={issue}")).await;
    assert_eq!(
        header,
        [
            "reader_id",
            "name",
            "email",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "tier"
        ]
    );
    let listed: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        listed,
        ["Active Print", "Refunded Since", "Twice Subscribed"]
    );
    assert_eq!(rows[0][0], active.id);
    assert_eq!(rows[0][2], active.email);
    assert_eq!(
        &rows[0][3..],
        [
            "1 Fleet Street",
            "",
            "London",
            "",
            "EC4Y 1AA",
            "GB",
            "print"
        ]
    );

    let list = json_list(&app, &support.access_token, issue).await;
    assert_eq!(list["issue"], 12);
    let cutoff: DateTime<Utc> = list["cutoff"].as_str().unwrap().parse().unwrap();
    let expected = now - Duration::days(4);
    assert!(
        (cutoff - expected).num_seconds().abs() < 5,
        "{cutoff} vs {expected}"
    );
    assert_eq!(list["recipients"].as_array().unwrap().len(), 3);
    assert_eq!(
        list["recipients"][1]["reader_id"],
        refunded_since.id.as_str()
    );
    assert_eq!(list["missing_address"], json!([]));

    let entries = audit_entries(&app, "12");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].action, "mailing_list_exported");
    assert_eq!(entries[0].details.as_ref().unwrap()["recipients"], 3);
    assert_eq!(entries[0].details.as_ref().unwrap()["format"], "csv");
    assert_eq!(entries[1].details.as_ref().unwrap()["format"], "json");
}

async fn readers_without_an_address_are_only_on_the_chase_list(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let now = Utc::now();
    let issue = create_issue(&app, 3, now + Duration::days(30));
    let homeless = reader_named(&app, "h", "No Address").await;
    let housed = reader_named(&app, "w", "With Address").await;
    give_address(&app, &housed, "2 Fleet Street").await;
    for reader in [&homeless, &housed] {
        let year = Some(now + Duration::days(365));
        subscription("print", SubscriptionState::Active)
            .period_end(year)
            .give(&app, &reader.id);
    }

    let (_, rows) = csv_list(&app, &support.access_token, &format!("issue={issue}")).await;
    assert_eq!(
        rows.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(),
        ["With Address"]
    );
    let query = format!("issue={issue}&missing_address=true");
    let (header, chase) = csv_list(&app, &support.access_token, &query).await;
    assert_eq!(header, ["reader_id", "name", "email", "tier"]);
    assert_eq!(
        chase,
        [[
            homeless.id.clone(),
            "No Address".into(),
            homeless.email.clone(),
            "print".into()
        ]]
    );

    let list = json_list(&app, &support.access_token, issue).await;
    assert_eq!(list["recipients"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["missing_address"],
        json!([{"reader_id": homeless.id, "name": "No Address", "email": homeless.email, "tier": "print"}])
    );
}

async fn names_that_look_like_formulas_are_escaped(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let now = Utc::now();
    let issue = create_issue(&app, 4, now + Duration::days(30));
    let formula = r#"=HYPERLINK("http://x","y")"#;
    let reader = reader_named(&app, "f", formula).await;
    give_address(&app, &reader, "+44 Formula Road").await;
    let year = Some(now + Duration::days(365));
    subscription("print", SubscriptionState::Active)
        .period_end(year)
        .give(&app, &reader.id);

    let (_, rows) = csv_list(&app, &support.access_token, &format!("issue={issue}")).await;
    assert_eq!(rows[0][1], format!("'{formula}"));
    assert_eq!(rows[0][3], "'+44 Formula Road");
    let list = json_list(&app, &support.access_token, issue).await;
    assert_eq!(
        list["recipients"][0]["name"], formula,
        "JSON is not a spreadsheet"
    );
}

async fn unknown_or_missing_issues_are_refused(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let get = |query: &str| {
        let path = format!("/v1/admin/print/mailing-list{query}");
        let (app, token) = (&app, &support.access_token);
        async move { app.get_auth(&path, token).await }
    };
    assert_problem(
        get("?issue=99").await,
        StatusCode::NOT_FOUND,
        "issue_not_found",
    )
    .await;
    let missing = assert_problem(
        get("").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "issue");
    assert_problem(
        get("?issue=twelve").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}
