//! Arranging readers for the support tools: named readers with addresses,
//! subscriptions started and ended at chosen instants (no endpoint sets
//! those), and reading the audit log straight from the database.

use crate::support::fixtures::FIXTURE_ACTOR;
use crate::support::helpers::{TestApp, TestReader};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{audit_log, subscriptions as subscriptions_table};
use masthead::db::subscriptions::{self, NewSubscription};
use masthead::domain::{ReaderId, SubscriptionId, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Signs up a reader called `name` with an email containing `handle`.
pub async fn reader_named(app: &TestApp, handle: &str, name: &str) -> TestReader {
    let email = format!(
        "{handle}-{}@example.com",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let password = "correct horse battery".to_owned();
    let response = app.signup(&email, &password, name).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    TestReader {
        email,
        password,
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
        id: body["reader"]["id"].as_str().unwrap().to_owned(),
    }
}

/// Gives the reader a complete shipping address through `PATCH /v1/me`.
pub async fn give_address(app: &TestApp, reader: &TestReader, line1: &str) {
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"shipping_address": {
            "line1": line1, "city": "London", "postal_code": "EC4Y 1AA", "country": "GB"
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// A subscription of `tier` in `state`, started at `started`, paid until
/// `period_end` and, when given, ended at `ended`; returns its id.
pub fn subscription_between(
    app: &TestApp,
    reader_id: &str,
    tier: &str,
    state: SubscriptionState,
    started: DateTime<Utc>,
    period_end: DateTime<Utc>,
    ended: Option<DateTime<Utc>>,
) -> String {
    let id = SubscriptionId::generate();
    let reader = ReaderId::parse(reader_id).unwrap();
    let subscription = NewSubscription {
        billing_interval: Some("year"),
        current_period_start: Some((period_end - Duration::days(365)).naive_utc()),
        current_period_end: Some(period_end.naive_utc()),
        ..NewSubscription::new(&id, &reader, tier, state, started.naive_utc())
    };
    let mut conn = app.db();
    subscriptions::insert(&mut conn, &subscription, FIXTURE_ACTOR, None).unwrap();
    if let Some(ended) = ended {
        diesel::update(subscriptions_table::table.find(id.as_str()))
            .set(subscriptions_table::ended_at.eq(Some(ended.naive_utc())))
            .execute(&mut conn)
            .unwrap();
    }
    id.to_string()
}

/// The audit entries about `target_id`, oldest first: action, staff id,
/// reason and details.
pub fn audit_entries(app: &TestApp, target_id: &str) -> Vec<AuditSeen> {
    audit_log::table
        .filter(audit_log::target_id.eq(target_id))
        .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
        .select((
            audit_log::action,
            audit_log::staff_id,
            audit_log::reader_id,
            audit_log::reason,
            audit_log::details,
        ))
        .load::<(
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        )>(&mut app.db())
        .unwrap()
        .into_iter()
        .map(|(action, staff_id, reader_id, reason, details)| AuditSeen {
            action,
            staff_id,
            reader_id,
            reason,
            details: details.map(|d| serde_json::from_str(&d).unwrap()),
        })
        .collect()
}

/// One audit entry as stored.
#[derive(Debug)]
pub struct AuditSeen {
    pub action: String,
    pub staff_id: String,
    pub reader_id: Option<String>,
    pub reason: Option<String>,
    pub details: Option<Value>,
}

/// Parses a CSV body into its header and rows.
pub fn parse_csv(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}
