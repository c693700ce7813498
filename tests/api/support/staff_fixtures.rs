//! Arranging what support works on: a paid subscription whose first
//! payment was some days ago (to stand inside or outside the money-back
//! guarantee), billed by Stripe (the fake) or by the development provider;
//! and reading back what the tests assert on that no endpoint shows.

use crate::support::helpers::TestApp;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::DbConnection;
use masthead::db::payments::{self, NewPayment};
use masthead::db::schema::{audit_log, subscription_events};
use masthead::db::subscriptions::{self, NewSubscription};
use masthead::domain::{ReaderId, SubscriptionId, SubscriptionState};

/// A paid subscription and the ids the provider knows it by.
#[derive(Debug, Clone)]
pub struct PaidSubscription {
    pub id: String,
    pub provider_subscription_id: String,
    pub payment_ids: Vec<String>,
}

/// Gives `reader` an `active` digital subscription billed by `provider`
/// (`stripe` or `dev`), paid `payments` times (900 cents each), the first
/// `first_paid_days_ago` days ago; the period runs 30 days from now.
pub fn paid_subscription(
    app: &TestApp,
    reader: &str,
    provider: &str,
    first_paid_days_ago: i64,
    payments: usize,
) -> PaidSubscription {
    paid_subscription_on(
        &mut app.db(),
        reader,
        provider,
        first_paid_days_ago,
        payments,
    )
}

/// [`paid_subscription`] on a database connection (for a server that runs
/// as a separate process).
pub fn paid_subscription_on(
    conn: &mut DbConnection,
    reader: &str,
    provider: &str,
    first_paid_days_ago: i64,
    payments: usize,
) -> PaidSubscription {
    let id = SubscriptionId::generate();
    let reader = ReaderId::parse(reader).expect("a reader id");
    let now = Utc::now();
    let started = (now - Duration::days(first_paid_days_ago)).naive_utc();
    let provider_subscription_id = format!("sub_{}", uuid::Uuid::new_v4().simple());
    subscriptions::insert(
        conn,
        &NewSubscription {
            billing_interval: Some("month"),
            current_period_start: Some(now.naive_utc()),
            current_period_end: Some((now + Duration::days(30)).naive_utc()),
            provider: Some(provider),
            provider_customer_id: (provider == "stripe").then_some("cus_fixture"),
            provider_subscription_id: (provider == "stripe")
                .then_some(provider_subscription_id.as_str()),
            started_at: started,
            ..NewSubscription::new(&id, &reader, "digital", SubscriptionState::Active, started)
        },
        "test-fixture",
        None,
    )
    .expect("insert the subscription");
    let payment_ids = (0..payments)
        .map(|n| {
            let payment = uuid::Uuid::now_v7().to_string();
            let paid_at = started + Duration::days(i64::try_from(n).unwrap() * 30);
            let provider_payment_id = format!("pi_{}", uuid::Uuid::new_v4().simple());
            payments::insert(
                conn,
                &NewPayment {
                    id: &payment,
                    subscription_id: id.as_str(),
                    reader_id: reader.as_str(),
                    amount_cents: 900,
                    currency: "usd",
                    provider,
                    provider_payment_id: &provider_payment_id,
                    provider_invoice_id: None,
                    paid_at,
                    created_at: paid_at,
                },
            )
            .expect("insert the payment");
            provider_payment_id
        })
        .collect();
    PaidSubscription {
        id: id.to_string(),
        provider_subscription_id,
        payment_ids,
    }
}

/// How many events moved `subscription` into `state`.
pub fn transitions_to(app: &TestApp, subscription: &str, state: &str) -> i64 {
    subscription_events::table
        .filter(subscription_events::subscription_id.eq(subscription))
        .filter(subscription_events::to_state.eq(state))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

/// The audit entries of `action` on `target`: (staff id, role, reason, request id).
pub fn audit_entries(
    app: &TestApp,
    action: &str,
    target: &str,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .filter(audit_log::target_id.eq(target))
        .select((
            audit_log::staff_id,
            audit_log::staff_role,
            audit_log::reason,
            audit_log::request_id,
        ))
        .load(&mut app.db())
        .unwrap()
}
