//! `GET /metrics`: the families an operator graphs and alerts on, counted
//! from real traffic, and the optional bearer token.

use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use crate::support::staff_fixtures::paid_subscription;
use crate::support::stripe_events::{deliver, event, post_raw, spawn_with_webhooks, stripe_id};
use chrono::Utc;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    traffic_shows_in_the_metrics,
    staff_refunds_are_counted_with_their_money,
);
on_both_backends!(with = spawn_with_webhooks; webhook_deliveries_are_counted_by_type_and_outcome);
on_both_backends!(with = spawn_with_token; a_metrics_token_is_required_when_set);

/// A scrape of `/metrics`.
struct Scrape(String);

impl Scrape {
    async fn of(app: &TestApp) -> Self {
        let response = app.get("/metrics").await;
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        Self(response.text().await.unwrap())
    }

    /// The sum of the samples of `name` carrying every label of `labels`
    /// (0 when none); only for integer samples (counters, gauges, counts).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> i64 {
        self.0
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.rsplit_once(' '))
            .filter(|(series, _)| {
                let (series_name, series_labels) = series.split_once('{').unwrap_or((series, ""));
                series_name == name
                    && labels
                        .iter()
                        .all(|(k, v)| series_labels.contains(&format!("{k}=\"{v}\"")))
            })
            .map(|(_, value)| value.parse::<i64>().unwrap())
            .sum()
    }

    fn has_family(&self, name: &str) -> bool {
        self.0.contains(&format!("# TYPE {name} "))
    }
}

async fn traffic_shows_in_the_metrics(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    let before = Scrape::of(&app).await;

    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );
    let wrong = app.login(&reader.email, "not the password at all").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let anonymous = app.get("/v1/articles/deep-dive/access").await;
    assert_eq!(anonymous.status(), StatusCode::OK);
    app.get_auth("/v1/articles/deep-dive/access", &reader.access_token)
        .await;
    app.get("/v1/articles/free-read").await;
    app.get("/v1/issues/2/edition").await;
    app.get("/no/such/route/for-reader-42").await;

    let after = Scrape::of(&app).await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    assert_eq!(
        delta("masthead_logins_total", &[("outcome", "succeeded")]),
        1
    );
    assert_eq!(delta("masthead_logins_total", &[("outcome", "failed")]), 1);
    assert_eq!(
        delta("masthead_logins_total", &[("outcome", "rate_limited")]),
        0
    );
    let gate = |resource, outcome| {
        delta(
            "masthead_gate_decisions_total",
            &[("resource", resource), ("outcome", outcome)],
        )
    };
    assert_eq!(gate("article", "login_required"), 1);
    assert_eq!(gate("article", "subscription_required"), 1);
    assert_eq!(gate("article", "granted"), 1);
    assert_eq!(gate("edition", "login_required"), 1);
    assert_eq!(gate("audio", "granted"), 0);

    let access = [
        ("route", "/v1/articles/{slug}/access"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(delta("masthead_http_requests_total", &access), 2);
    assert_eq!(
        delta("masthead_http_request_duration_seconds_count", &access),
        2
    );
    assert!(after.0.contains("le=\"0.0005\""), "sub-millisecond buckets");
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert_eq!(delta("masthead_http_requests_total", &unmatched), 1);
    assert!(
        !after.0.contains("for-reader-42"),
        "raw paths never become labels"
    );
    assert_eq!(
        delta(
            "masthead_http_requests_total",
            &[("route", "/v1/auth/login"), ("status", "401")]
        ),
        1
    );

    for family in [
        "masthead_db_pool_connections",
        "masthead_db_pool_max_connections",
        "masthead_db_pool_waiting",
        "masthead_db_pool_timeouts_total",
        "masthead_webhook_events_total",
        "masthead_staff_refunds_total",
        "masthead_log_lines_dropped_total",
    ] {
        assert!(after.has_family(family), "{family} is exposed");
    }
    assert!(after.value("masthead_db_pool_max_connections", &[]) >= 1);
    assert!(after.value("masthead_db_pool_connections", &[("state", "idle")]) >= 1);
    assert_eq!(after.value("masthead_db_pool_timeouts_total", &[]), 0);
}

async fn webhook_deliveries_are_counted_by_type_and_outcome(app: TestApp) {
    let unhandled = event(
        "customer.created",
        json!({"id": stripe_id("cus"), "object": "customer"}),
        Utc::now().timestamp(),
    );
    assert_eq!(deliver(&app, &unhandled).await.status(), StatusCode::OK);
    assert_eq!(deliver(&app, &unhandled).await.status(), StatusCode::OK);
    let forged = post_raw(&app, &unhandled.to_string(), Some("t=1,v1=00")).await;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);

    let scrape = Scrape::of(&app).await;
    let events = |kind, outcome| {
        scrape.value(
            "masthead_webhook_events_total",
            &[("type", kind), ("outcome", outcome)],
        )
    };
    assert_eq!(events("customer.created", "ignored"), 1);
    assert_eq!(events("customer.created", "duplicate"), 1);
    assert_eq!(events("unknown", "rejected"), 1);
    assert_eq!(events("customer.created", "applied"), 0);
}

async fn staff_refunds_are_counted_with_their_money(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 10, 1);
    let support = app.new_staff(Role::Support).await;
    let path = format!("/v1/admin/subscriptions/{}/refund", paid.id);
    let body = json!({"reason": "asked within the guarantee"});
    for _ in 0..2 {
        let response = app
            .post_json_auth(&path, &support.access_token, &body)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let unknown = app
        .post_json_auth(
            "/v1/admin/subscriptions/00000000-0000-7000-8000-000000000000/refund",
            &support.access_token,
            &body,
        )
        .await;
    assert!(unknown.status().is_client_error());

    let scrape = Scrape::of(&app).await;
    let refunds = |outcome| scrape.value("masthead_staff_refunds_total", &[("outcome", outcome)]);
    assert_eq!(refunds("refunded"), 1);
    assert_eq!(refunds("replayed"), 1);
    assert_eq!(refunds("refused"), 1);
    assert_eq!(refunds("failed"), 0);
    assert_eq!(
        scrape.value(
            "masthead_staff_refunded_cents_total",
            &[("currency", "usd")]
        ),
        900
    );
}

const TOKEN: &str = "a-long-random-metrics-token";

async fn spawn_with_token(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.metrics_token = Some(TOKEN.into());
    })
    .await
}

async fn a_metrics_token_is_required_when_set(app: TestApp) {
    let none = app.get("/metrics").await;
    assert_problem(none, StatusCode::UNAUTHORIZED, "metrics_token_required").await;
    let wrong = app
        .get_auth("/metrics", "a-long-random-metrics-tokem")
        .await;
    assert_problem(wrong, StatusCode::UNAUTHORIZED, "metrics_token_required").await;
    let right = app.get_auth("/metrics", TOKEN).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("masthead_http_requests_total")
    );
}
