//! The gate, end to end: every kind of reader of PRODUCT.md against public,
//! registered and subscriber articles, audio, editions and the archive.

use crate::support::catalogue_fixtures::{publish_sample_catalogue, signed_media_url};
use crate::support::fixtures::{startup_sweeps_settled, subscription};
use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use chrono::{DateTime, Duration, Utc};
use masthead::domain::SubscriptionState;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    every_reader_sees_what_the_product_promises,
    the_article_is_full_text_or_teaser,
    unpublished_articles_are_invisible,
    audio_streams_with_ranges_through_signed_urls,
    tampered_media_links_are_refused,
    article_lists_and_tables_of_contents_carry_access,
);

/// What one kind of viewer may do, in the order of `RESOURCES`.
type Expectation = [&'static str; 9];

/// Articles by slug, then audio and the two editions.
const RESOURCES: [&str; 9] = [
    "free-read",      // public, current issue
    "members-note",   // registered, current issue
    "deep-dive",      // subscribers, current issue
    "old-public",     // public, past issue
    "old-registered", // registered, past issue
    "old-feature",    // subscribers, past issue
    "audio:deep-dive",
    "edition:2",
    "edition:1",
];

const EVERYTHING: Expectation = ["granted"; 9];

/// The gate's answer for one resource, as the access code or `granted`.
async fn answer(app: &TestApp, token: Option<&str>, resource: &str) -> String {
    let path = if let Some(slug) = resource.strip_prefix("audio:") {
        format!("/v1/articles/{slug}/audio")
    } else if let Some(number) = resource.strip_prefix("edition:") {
        format!("/v1/issues/{number}/edition")
    } else {
        format!("/v1/articles/{resource}/access")
    };
    let mut request = app.client.get(app.url(&path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    if resource.contains(':') {
        if status == StatusCode::OK {
            assert!(
                body["url"].as_str().unwrap().contains("/v1/media/"),
                "{body}"
            );
            return "granted".into();
        }
        let expected_status = if body["code"] == "login_required" {
            401
        } else {
            403
        };
        assert_eq!(status.as_u16(), expected_status, "{resource}: {body}");
        return body["code"].as_str().unwrap().to_owned();
    }
    assert_eq!(status, StatusCode::OK, "{resource}: {body}");
    if body["granted"] == true {
        "granted".into()
    } else {
        body["reason"].as_str().unwrap().to_owned()
    }
}

async fn assert_sees(app: &TestApp, who: &str, token: Option<&str>, expected: Expectation) {
    let mut seen = Vec::new();
    for resource in RESOURCES {
        seen.push(answer(app, token, resource).await);
    }
    let seen: Vec<&str> = seen.iter().map(String::as_str).collect();
    assert_eq!(seen, expected, "{who} saw {seen:?} for {RESOURCES:?}");
}

async fn every_reader_sees_what_the_product_promises(app: TestApp) {
    publish_sample_catalogue(&app).await;
    assert_sees(
        &app,
        "anonymous",
        None,
        [
            "granted",
            "login_required",
            "login_required",
            "granted",
            "login_required",
            "login_required",
            "login_required",
            "login_required",
            "login_required",
        ],
    )
    .await;

    let registered = app.new_reader().await;
    let needs_subscription = [
        "granted",
        "granted",
        "subscription_required",
        "granted",
        "subscription_required",
        "subscription_required",
        "subscription_required",
        "subscription_required",
        "subscription_required",
    ];
    assert_sees(
        &app,
        "registered",
        Some(&registered.access_token),
        needs_subscription,
    )
    .await;

    // A comp over and a grace window over are planted as such; the sweeps
    // that move them to `expired` run once a period, not during the test.
    startup_sweeps_settled(&app).await;
    for (who, tier, state, period_end, grace, comped_until, expected) in subscriber_cases() {
        let reader = app.new_reader().await;
        subscription(tier, state)
            .period_end(period_end)
            .grace_ends_at(grace)
            .comped_until(comped_until)
            .give(&app, &reader.id);
        assert_sees(&app, who, Some(&reader.access_token), expected).await;
    }
}

/// A subscriber of each kind: who, tier, state, period end, grace end,
/// comp end, and what they must see.
type SubscriberCase = (
    &'static str,
    &'static str,
    SubscriptionState,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Expectation,
);

fn subscriber_cases() -> [SubscriberCase; 9] {
    let now = Utc::now();
    let (later, earlier) = (
        Some(now + Duration::days(20)),
        Some(now - Duration::days(1)),
    );
    [
        (
            "digital",
            "digital",
            SubscriptionState::Active,
            later,
            None,
            None,
            EVERYTHING,
        ),
        (
            "print",
            "print",
            SubscriptionState::Active,
            later,
            None,
            None,
            EVERYTHING,
        ),
        (
            "past due in grace",
            "digital",
            SubscriptionState::PastDue,
            earlier,
            later,
            None,
            EVERYTHING,
        ),
        (
            "past due after grace",
            "digital",
            SubscriptionState::PastDue,
            earlier,
            earlier,
            None,
            with_subscriber_reason("payment_past_due"),
        ),
        (
            "canceling before period end",
            "digital",
            SubscriptionState::Canceling,
            later,
            None,
            None,
            EVERYTHING,
        ),
        (
            "canceling after period end",
            "digital",
            SubscriptionState::Canceling,
            earlier,
            None,
            None,
            with_subscriber_reason("subscription_expired"),
        ),
        (
            "comped",
            "digital",
            SubscriptionState::Comped,
            None,
            None,
            later,
            EVERYTHING,
        ),
        (
            "comp over",
            "digital",
            SubscriptionState::Comped,
            None,
            None,
            earlier,
            with_subscriber_reason("subscription_expired"),
        ),
        (
            "refunded",
            "digital",
            SubscriptionState::Refunded,
            later,
            None,
            None,
            with_subscriber_reason("subscription_expired"),
        ),
    ]
}

/// What a reader whose subscription no longer grants sees: free and
/// registered articles of the current issue, and `reason` elsewhere.
fn with_subscriber_reason(reason: &'static str) -> Expectation {
    [
        "granted", "granted", reason, "granted", reason, reason, reason, reason, reason,
    ]
}

async fn the_article_is_full_text_or_teaser(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let anonymous: Value = app
        .get("/v1/articles/deep-dive")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["is_teaser"], true);
    assert_eq!(
        anonymous["body"],
        "First paragraph of the deep dive.\n\nSecond paragraph."
    );
    assert_eq!(anonymous["access"]["granted"], false);
    assert_eq!(anonymous["access"]["reason"], "login_required");

    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let subscriber: Value = app
        .get_auth("/v1/articles/deep-dive", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(subscriber["is_teaser"], false);
    assert!(
        subscriber["body"]
            .as_str()
            .unwrap()
            .ends_with("Fourth paragraph, for subscribers only.")
    );
    insta::assert_json_snapshot!("article_page_subscriber", subscriber, {
        ".publication_date" => "[timestamp]",
    });
}

async fn unpublished_articles_are_invisible(app: TestApp) {
    publish_sample_catalogue(&app).await;
    for path in [
        "/v1/articles/draft-piece",
        "/v1/articles/draft-piece/access",
        "/v1/articles/draft-piece/audio",
    ] {
        assert_problem(
            app.get(path).await,
            StatusCode::NOT_FOUND,
            "article_not_found",
        )
        .await;
    }
    let list: Value = app
        .get("/v1/articles?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let slugs: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert!(!slugs.contains(&"draft-piece"));
    assert_eq!(list["total"], 6);
    assert_problem(
        app.get("/v1/issues/3").await,
        StatusCode::NOT_FOUND,
        "issue_not_found",
    )
    .await;
}

async fn audio_streams_with_ranges_through_signed_urls(app: TestApp) {
    let audio = publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let url = signed_media_url(&app, "/v1/articles/deep-dive/audio", &reader.access_token).await;

    let whole = app.client.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["cache-control"], "private, max-age=300");
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(whole.bytes().await.unwrap().as_ref(), audio.as_slice());

    let part = app
        .client
        .get(&url)
        .header("range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 10-19/{}", audio.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &audio[10..20]);

    let cached = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
}

async fn tampered_media_links_are_refused(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let url = signed_media_url(&app, "/v1/issues/2/edition", &reader.access_token).await;
    // Change one character of the signature (always to a different one).
    let at = url.len() - 5;
    let replacement = if &url[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{replacement}{}", &url[..at], &url[at + 1..]);
    let refused = app.client.get(&tampered).send().await.unwrap();
    assert_problem(refused, StatusCode::FORBIDDEN, "invalid_media_link").await;
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
}

async fn expired_media_links_stop_working(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.media_url_ttl_seconds = 1).await;
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let url = signed_media_url(&app, "/v1/articles/deep-dive/audio", &reader.access_token).await;
    app.advance(std::time::Duration::from_secs(2));
    assert_problem(
        app.client.get(&url).send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "media_link_expired",
    )
    .await;
}

#[tokio::test]
async fn expired_media_links_stop_working_sqlite() {
    expired_media_links_stop_working(Backend::Sqlite).await;
}

#[tokio::test]
async fn expired_media_links_stop_working_postgres() {
    expired_media_links_stop_working(Backend::Postgres).await;
}

async fn article_lists_and_tables_of_contents_carry_access(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let issue: Value = app.get("/v1/issues/1").await.json().await.unwrap();
    assert_eq!(issue["is_current"], false);
    assert_eq!(issue["has_edition"], true);
    let access: Vec<(String, bool)> = issue["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["slug"].as_str().unwrap().to_owned(),
                a["access"]["granted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(access.len(), 3);
    assert!(access.contains(&("old-public".to_owned(), true)));
    assert!(access.contains(&("old-feature".to_owned(), false)));

    let issues: Value = app.get("/v1/issues").await.json().await.unwrap();
    let numbers: Vec<i64> = issues["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(issues["items"][0]["is_current"], true);

    let of_issue: Value = app.get("/v1/articles?issue=2").await.json().await.unwrap();
    assert_eq!(of_issue["total"], 3);
    let bad_page = app.get("/v1/articles?page=0&per_page=1000").await;
    let body = assert_problem(
        bad_page,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
    assert_problem(
        app.get("/v1/articles?issue=abc").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}
