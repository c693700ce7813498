//! The scheduled lifecycle sweeps, driven by planting rows whose dates lie
//! ahead (or behind) and running the sweep's job now, then reading the
//! outbox and the API: a renewal reminder before an annual renewal (the
//! date, the price, how to cancel: California's automatic renewal law,
//! Cal. Bus. & Prof. Code § 17602, asks for one before a yearly term
//! renews), a trial ending (as Stripe's `customer.subscription.trial_will_end`
//! comes three days before, <https://docs.stripe.com/billing/subscriptions/trials>),
//! a comp granted and ending, a print subscriber without an address before
//! an issue's cut-off; and the sweeps that move what time ended
//! (`past_due` past grace, comps past their end) and finish a refund whose
//! claim went stale with its process. Every sweep run twice sends and
//! changes nothing more (the double-run attack).

use crate::print_mailing_list::create_issue;
use crate::support::fixtures::{run_sweep, subscription};
use crate::support::helpers::TestApp;
use crate::support::outbox::emails_to;
use crate::support::reader_fixtures::give_address;
use crate::support::staff_fixtures::{paid_subscription, transitions_to};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{jobs, refund_actions, refunds, subscription_events, subscriptions};
use masthead::domain::{JobKind, Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    an_annual_renewal_is_reminded_once_with_its_price,
    inside_seven_days_only_the_seven_day_reminder_goes_out,
    canceled_monthly_and_deleted_subscriptions_get_no_renewal_reminder,
    a_trial_ending_is_told_once,
    a_comp_granted_and_ending_are_told_and_an_extension_reminds_again,
    a_print_reader_without_an_address_is_asked_once_per_issue,
    past_due_past_grace_and_comps_past_their_end_expire_once,
    a_stale_refund_claim_is_finished_once,
);

const RENEWAL: &str = "Your subscription renews on";
const TRIAL: &str = "Your free trial ends soon";
const COMP_GRANTED: &str = "You have been given a";
const COMP_ENDING: &str = "Your complimentary subscription ends soon";
const ADDRESS: &str = "Add your address to receive issue";
const REFUNDED: &str = "Your refund is on its way";

/// Runs `kind` twice: whatever the first run sent, the second adds nothing.
async fn run_twice(app: &TestApp, kind: JobKind) {
    run_sweep(app, kind).await;
    run_sweep(app, kind).await;
}

fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap()
}

/// `31 January 2027` for an instant, as the emails write days.
fn day(at: chrono::DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

fn state_of(app: &TestApp, id: &str) -> String {
    subscriptions::table
        .find(id)
        .select(subscriptions::state)
        .first(&mut app.db())
        .unwrap()
}

async fn an_annual_renewal_is_reminded_once_with_its_price(app: TestApp) {
    let reader = app.new_reader().await;
    let renews = Utc::now() + Duration::days(20);
    subscription("digital", SubscriptionState::Active)
        .interval("year")
        .period_end(renews)
        .give(&app, &reader.id);
    run_twice(&app, JobKind::RenewalReminders).await;
    let reminders = emails_to(&app, &reader.email, RENEWAL).await;
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    let body = text(&reminders[0]);
    assert!(body.contains(&format!("{} (UTC)", day(renews))), "{body}");
    assert!(body.contains("90.00 USD"), "the yearly price: {body}");
    assert!(body.contains("cancel"), "{body}");
    assert!(body.contains(&format!("{}/account", app.address)), "{body}");
}

/// Attack on the reader's inbox: a subscription first seen five days
/// before its renewal gets the 7-day reminder, not a late 30-day one too.
async fn inside_seven_days_only_the_seven_day_reminder_goes_out(app: TestApp) {
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .interval("year")
        .period_end(Utc::now() + Duration::days(5))
        .give(&app, &reader.id);
    run_twice(&app, JobKind::RenewalReminders).await;
    assert_eq!(emails_to(&app, &reader.email, RENEWAL).await.len(), 1);
    let keys: Vec<Option<String>> = jobs::table
        .filter(jobs::kind.eq("send_email"))
        .filter(jobs::dedupe_key.like("renewal:%"))
        .select(jobs::dedupe_key)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].as_deref().unwrap().ends_with(":7"), "{keys:?}");
}

async fn canceled_monthly_and_deleted_subscriptions_get_no_renewal_reminder(app: TestApp) {
    let renews = Utc::now() + Duration::days(20);
    let canceling = app.new_reader().await;
    subscription("digital", SubscriptionState::Canceling)
        .interval("year")
        .period_end(renews)
        .give(&app, &canceling.id);
    let monthly = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(renews)
        .give(&app, &monthly.id);
    let departed = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .interval("year")
        .period_end(renews)
        .give(&app, &departed.id);
    let deleted = app
        .client
        .delete(app.url("/v1/me"))
        .bearer_auth(&departed.access_token)
        .json(&json!({"password": departed.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    run_sweep(&app, JobKind::RenewalReminders).await;
    for reader in [&canceling, &monthly, &departed] {
        assert!(emails_to(&app, &reader.email, RENEWAL).await.is_empty());
    }
    let anyone: i64 = jobs::table
        .filter(jobs::dedupe_key.like("renewal:%"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(anyone, 0);
}

async fn a_trial_ending_is_told_once(app: TestApp) {
    let reader = app.new_reader().await;
    let ends = Utc::now() + Duration::days(2);
    subscription("digital", SubscriptionState::Trialing)
        .period_end(ends)
        .give(&app, &reader.id);
    let later = app.new_reader().await;
    subscription("digital", SubscriptionState::Trialing)
        .period_end(Utc::now() + Duration::days(10))
        .give(&app, &later.id);
    run_twice(&app, JobKind::TrialReminders).await;
    let told = emails_to(&app, &reader.email, TRIAL).await;
    assert_eq!(told.len(), 1, "{told:?}");
    let body = text(&told[0]);
    assert!(body.contains(&day(ends)), "{body}");
    assert!(body.contains("9.00 USD"), "the monthly price: {body}");
    assert!(emails_to(&app, &later.email, TRIAL).await.is_empty());
}

async fn a_comp_granted_and_ending_are_told_and_an_extension_reminds_again(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let until = (Utc::now() + Duration::days(5)).format("%Y-%m-%dT%H:%M:%SZ");
    let granted = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", reader.id),
            &support.access_token,
            &json!({"tier": "digital", "until": until.to_string(), "reason": "contributor"}),
        )
        .await;
    assert_eq!(granted.status(), StatusCode::CREATED);
    let comp: Value = granted.json().await.unwrap();
    let told = emails_to(&app, &reader.email, COMP_GRANTED).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(text(&told[0]).contains("Digital"), "{}", text(&told[0]));

    run_twice(&app, JobKind::CompReminders).await;
    assert_eq!(emails_to(&app, &reader.email, COMP_ENDING).await.len(), 1);

    let id = comp["id"].as_str().unwrap();
    let later = Utc::now() + Duration::days(6);
    let extended = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/extend"),
            &support.access_token,
            &json!({"until": later.format("%Y-%m-%dT%H:%M:%SZ").to_string(), "reason": "one more day"}),
        )
        .await;
    assert_eq!(extended.status(), StatusCode::OK);
    run_twice(&app, JobKind::CompReminders).await;
    let ending = emails_to(&app, &reader.email, COMP_ENDING).await;
    assert_eq!(ending.len(), 2, "a new end, a new reminder: {ending:?}");
    assert!(
        text(&ending[1]).contains(&day(later)),
        "{}",
        text(&ending[1])
    );
}

async fn a_print_reader_without_an_address_is_asked_once_per_issue(app: TestApp) {
    // The default cut-off is 14 days before publication: this issue's is
    // three days away, the next one's further than a week.
    let soon = create_issue(&app, 7, Utc::now() + Duration::days(17));
    create_issue(&app, 8, Utc::now() + Duration::days(40));
    let without = app.new_reader().await;
    let with = app.new_reader().await;
    let digital = app.new_reader().await;
    for reader in [&without, &with] {
        subscription("print", SubscriptionState::Active)
            .interval("year")
            .period_end(Utc::now() + Duration::days(200))
            .give(&app, &reader.id);
    }
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(200))
        .give(&app, &digital.id);
    give_address(&app, &with, "1 High Street").await;
    run_twice(&app, JobKind::PrintAddressReminders).await;
    let asked = emails_to(&app, &without.email, ADDRESS).await;
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(
        asked[0]["subject"],
        format!("Add your address to receive issue {soon} in print")
    );
    let cutoff = Utc::now() + Duration::days(3);
    assert!(
        text(&asked[0]).contains(&day(cutoff)),
        "{}",
        text(&asked[0])
    );
    assert!(emails_to(&app, &with.email, ADDRESS).await.is_empty());
    assert!(emails_to(&app, &digital.email, ADDRESS).await.is_empty());
}

async fn past_due_past_grace_and_comps_past_their_end_expire_once(app: TestApp) {
    let lapsed = app.new_reader().await;
    let past_due = subscription("digital", SubscriptionState::PastDue)
        .period_end(Utc::now() - Duration::days(8))
        .grace_ends_at(Utc::now() - Duration::hours(1))
        .give(&app, &lapsed.id);
    let in_grace = app.new_reader().await;
    let still = subscription("digital", SubscriptionState::PastDue)
        .period_end(Utc::now() - Duration::days(2))
        .grace_ends_at(Utc::now() + Duration::days(5))
        .give(&app, &in_grace.id);
    let comped = app.new_reader().await;
    let comp = subscription("print", SubscriptionState::Comped)
        .comped_until(Utc::now() - Duration::minutes(5))
        .give(&app, &comped.id);
    run_twice(&app, JobKind::ExpireGrace).await;
    run_twice(&app, JobKind::EndComps).await;
    assert_eq!(state_of(&app, &past_due), "expired");
    assert_eq!(state_of(&app, &comp), "expired");
    assert_eq!(state_of(&app, &still), "past_due");
    for id in [&past_due, &comp] {
        assert_eq!(transitions_to(&app, id, "expired"), 1);
        let actor: String = subscription_events::table
            .filter(subscription_events::subscription_id.eq(id))
            .filter(subscription_events::to_state.eq("expired"))
            .select(subscription_events::actor)
            .first(&mut app.db())
            .unwrap();
        assert_eq!(actor, "clock");
    }
    let seen: Value = app
        .get_auth("/v1/me/subscription", &comped.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(seen["state"], "comped", "{seen}");
}

/// A staff refund whose process died after claiming it (a planted claim
/// ten minutes old) is finished by the sweep: refunded once, the reader
/// told once, the claim done.
async fn a_stale_refund_claim_is_finished_once(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let paid = paid_subscription(&app, &reader.id, "dev", 3, 1);
    let started = (Utc::now() - Duration::minutes(10)).naive_utc();
    diesel::insert_into(refund_actions::table)
        .values((
            refund_actions::subscription_id.eq(&paid.id),
            refund_actions::status.eq("in_progress"),
            refund_actions::actor.eq(format!("staff:{}", support.id)),
            refund_actions::reason.eq("not for them"),
            refund_actions::started_at.eq(started),
        ))
        .execute(&mut app.db())
        .unwrap();
    run_twice(&app, JobKind::TakeOverRefunds).await;
    assert_eq!(state_of(&app, &paid.id), "refunded");
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 1);
    let status: String = refund_actions::table
        .find(&paid.id)
        .select(refund_actions::status)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(status, "succeeded");
    let refunded: Vec<i64> = refunds::table
        .filter(refunds::subscription_id.eq(&paid.id))
        .select(refunds::amount_cents)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(refunded, [900], "refunded once, in full");
    assert_eq!(emails_to(&app, &reader.email, REFUNDED).await.len(), 1);
}
