//! Gift subscriptions, end to end through the development provider: a
//! buyer (no account needed) orders a tier for some months, pays on the
//! development page, gets a receipt with a refund link; the recipient gets
//! the redemption link at the delivery date (through the job queue) and
//! redeems it into a `gift` subscription; the buyer refunds it under the
//! 60-day guarantee. And the attacks on each step: a gift redeemed twice
//! (and twice at once), forged and altered tokens, a refunded gift
//! redeemed, a refund link replayed, a refund after 60 days, bad orders.

use crate::support::billing_fixtures::subscribe;
use crate::support::checkout_fixtures::{browser, form_token, location, page};
use crate::support::fixtures::{run_sweep, subscription};
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::outbox::{emails_settled, emails_to, token_in, wait_for_email};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{gifts, jobs, subscriptions};
use masthead::domain::{JobKind, Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_gift_is_bought_paid_delivered_and_redeemed,
    a_gift_redeemed_twice_or_twice_at_once_makes_one_subscription,
    forged_and_altered_tokens_find_nothing,
    a_refund_link_refunds_once_and_a_refunded_gift_cannot_be_redeemed,
    refunding_a_redeemed_gift_ends_its_subscription_at_once,
    a_refund_after_sixty_days_is_refused_to_the_buyer_and_support,
    bad_orders_are_refused_field_by_field,
    a_later_delivery_waits_in_the_queue_for_its_date,
    a_paying_reader_gets_the_gift_after_their_paid_period,
    a_gift_ending_is_offered_on_once_and_then_expires,
    staff_see_gifts_bought_and_redeemed_on_both_readers_pages,
    continuing_after_a_gift_keeps_its_rest_free_and_leaves_the_trial_unused,
    an_unpaid_gift_page_expires_after_a_day_and_can_no_longer_be_paid,
);

const RECEIPT: &str = "Your gift subscription: receipt";
const GIFT: &str = "A gift for you";
const REFUNDED: &str = "Your gift has been refunded";
const CANCELED: &str = "Your gift subscription has ended";
const ENDING: &str = "Your gift ends soon";

fn order(recipient: &str) -> Value {
    json!({
        "tier": "digital",
        "months": 3,
        "recipient_email": recipient,
        "buyer_email": "buyer@example.com",
        "message": "Happy birthday!\r\nEnjoy.",
    })
}

/// Orders a gift anonymously and pays it on the development page; returns
/// the gift's id.
async fn bought(app: &TestApp, body: &Value) -> String {
    let response = app.post_json("/v1/gifts/checkout", body).await;
    let status = response.status();
    let opened: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["provider"], "dev");
    let id = opened["checkout_id"].as_str().unwrap().to_owned();
    let html = page(opened["url"].as_str().unwrap()).await;
    let paid = browser()
        .post(app.url(&format!("/v1/gifts/dev/checkout/{id}/pay")))
        .form(&[("token", form_token(&html))])
        .send()
        .await
        .unwrap();
    assert!(location(&paid).contains(&format!("gift_id={id}")));
    id
}

/// Buys a gift for `recipient` delivered now; returns (gift id, redemption
/// token, refund token).
async fn delivered(app: &TestApp, recipient: &str) -> (String, String, String) {
    let id = bought(app, &order(recipient)).await;
    let refund = token_in(&wait_for(app, "buyer@example.com", RECEIPT).await);
    let redeem = token_in(&wait_for(app, recipient, GIFT).await);
    (id, redeem, refund)
}

/// The newest email to `to` about `subject`, waiting for the delivery job.
async fn wait_for(app: &TestApp, to: &str, subject: &str) -> Value {
    wait_for_email(app, to, subject).await
}

async fn redeem(app: &TestApp, reader: &TestReader, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/v1/gifts/{token}/redeem")))
        .bearer_auth(&reader.access_token)
        .send()
        .await
        .unwrap()
}

async fn refund(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/v1/gifts/refunds/{token}")))
        .send()
        .await
        .unwrap()
}

fn states(app: &TestApp, reader: &str) -> Vec<String> {
    subscriptions::table
        .filter(subscriptions::reader_id.eq(reader))
        .select(subscriptions::state)
        .load(&mut app.db())
        .unwrap()
}

async fn a_gift_is_bought_paid_delivered_and_redeemed(app: TestApp) {
    let (id, token, _) = delivered(&app, "grace@example.com").await;
    let receipt = wait_for(&app, "buyer@example.com", RECEIPT).await;
    let text = receipt["text"].as_str().unwrap();
    assert!(text.contains("27.00 USD"), "3 x the monthly 9.00: {text}");
    assert!(text.contains("/gifts/refund?token="), "{text}");
    let gift = wait_for(&app, "grace@example.com", GIFT).await;
    let body = gift["text"].as_str().unwrap();
    assert!(
        body.contains("Happy birthday!\nEnjoy."),
        "CRLF folded: {body}"
    );
    assert!(!gift["subject"].as_str().unwrap().contains('\n'));

    let shown: Value = app
        .get(&format!("/v1/gifts/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["months"], 3);
    assert_eq!(shown["redeemable"], true);
    assert_eq!(shown["status"], "paid");

    let grace = app.new_reader().await;
    let response = redeem(&app, &grace, &token).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let redeemed: Value = response.json().await.unwrap();
    assert_eq!(redeemed["subscription"]["state"], "gift");
    let mine: Value = app
        .get_auth("/v1/me/subscription", &grace.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        mine.to_string().contains("exclusive_content"),
        "the gift grants the tier's perks: {mine}"
    );
    let status: String = gifts::table
        .find(&id)
        .select(gifts::status)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(status, "redeemed");
    let shown: Value = app
        .get(&format!("/v1/gifts/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["redeemable"], false);
}

/// Attack: the same link redeemed by two readers at the same moment, then
/// again. The conditional `paid -> redeemed` lets one win.
async fn a_gift_redeemed_twice_or_twice_at_once_makes_one_subscription(app: TestApp) {
    let (_, token, _) = delivered(&app, "grace@example.com").await;
    let (a, b) = (app.new_reader().await, app.new_reader().await);
    let (first, second) = tokio::join!(redeem(&app, &a, &token), redeem(&app, &b, &token));
    let mut codes = vec![first.status(), second.status()];
    codes.sort();
    assert_eq!(codes, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let loser = if first.status() == StatusCode::CONFLICT {
        first
    } else {
        second
    };
    assert_problem(loser, StatusCode::CONFLICT, "gift_already_redeemed").await;
    let again = redeem(&app, &a, &token).await;
    assert_problem(again, StatusCode::CONFLICT, "gift_already_redeemed").await;
    let gifts_made: i64 = subscriptions::table
        .filter(subscriptions::state.eq("gift"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(gifts_made, 1);
}

async fn forged_and_altered_tokens_find_nothing(app: TestApp) {
    let (_, token, refund_token) = delivered(&app, "grace@example.com").await;
    let reader = app.new_reader().await;
    let mut altered = token.clone().into_bytes();
    altered[0] = if altered[0] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let long = "A".repeat(5000);
    for forged in [
        altered.as_str(),
        "forged",
        long.as_str(),
        refund_token.as_str(),
    ] {
        let shown = app.get(&format!("/v1/gifts/{forged}")).await;
        assert_problem(shown, StatusCode::NOT_FOUND, "gift_not_found").await;
        let redeemed = redeem(&app, &reader, forged).await;
        assert_problem(redeemed, StatusCode::NOT_FOUND, "gift_not_found").await;
    }
    // The redemption token does not refund, nor a forged one.
    for forged in [token.as_str(), "forged"] {
        assert_problem(
            refund(&app, forged).await,
            StatusCode::NOT_FOUND,
            "gift_not_found",
        )
        .await;
    }
    assert!(states(&app, &reader.id).is_empty());
}

/// Attack: the receipt's refund link replayed; then the refunded gift's
/// redemption link used.
async fn a_refund_link_refunds_once_and_a_refunded_gift_cannot_be_redeemed(app: TestApp) {
    let (_, token, refund_token) = delivered(&app, "grace@example.com").await;
    let shown: Value = app
        .get(&format!("/v1/gifts/refunds/{refund_token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["refundable"], true);
    let done = refund(&app, &refund_token).await;
    assert_eq!(done.status(), StatusCode::OK);
    let done: Value = done.json().await.unwrap();
    assert_eq!(done["status"], "refunded");
    let replayed = refund(&app, &refund_token).await;
    assert_problem(replayed, StatusCode::CONFLICT, "gift_already_refunded").await;
    assert_eq!(
        emails_to(&app, "buyer@example.com", REFUNDED).await.len(),
        1
    );
    assert_eq!(
        emails_to(&app, "grace@example.com", CANCELED).await.len(),
        1
    );

    let reader = app.new_reader().await;
    let redeemed = redeem(&app, &reader, &token).await;
    assert_problem(redeemed, StatusCode::CONFLICT, "gift_refunded").await;
    assert!(states(&app, &reader.id).is_empty());
}

async fn refunding_a_redeemed_gift_ends_its_subscription_at_once(app: TestApp) {
    let (_, token, refund_token) = delivered(&app, "grace@example.com").await;
    let grace = app.new_reader().await;
    assert_eq!(
        redeem(&app, &grace, &token).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(refund(&app, &refund_token).await.status(), StatusCode::OK);
    assert_eq!(states(&app, &grace.id), ["refunded"]);
    let mine: Value = app
        .get_auth("/v1/me/subscription", &grace.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !mine.to_string().contains("\"exclusive_content\""),
        "access ended with the refund: {mine}"
    );
    emails_settled(&app).await;
    assert_eq!(
        emails_to(&app, "grace@example.com", CANCELED).await.len(),
        1
    );
}

async fn a_refund_after_sixty_days_is_refused_to_the_buyer_and_support(app: TestApp) {
    let (id, _, refund_token) = delivered(&app, "grace@example.com").await;
    let long_ago = (Utc::now() - Duration::days(61)).naive_utc();
    diesel::update(gifts::table.find(&id))
        .set(gifts::paid_at.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    let shown: Value = app
        .get(&format!("/v1/gifts/refunds/{refund_token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["refundable"], false);
    let late = refund(&app, &refund_token).await;
    assert_problem(late, StatusCode::FORBIDDEN, "guarantee_window_passed").await;

    let path = format!("/v1/admin/gifts/{id}/refund");
    let support = app.new_staff(Role::Support).await;
    let asked = app
        .post_json_auth(&path, &support.access_token, &json!({"reason": "asked"}))
        .await;
    assert_problem(asked, StatusCode::FORBIDDEN, "guarantee_window_passed").await;
    let admin = app.new_staff(Role::Admin).await;
    let plain = app
        .post_json_auth(&path, &admin.access_token, &json!({"reason": "asked"}))
        .await;
    assert_problem(plain, StatusCode::UNPROCESSABLE_ENTITY, "override_required").await;
    let overridden = app
        .post_json_auth(
            &path,
            &admin.access_token,
            &json!({"reason": "goodwill", "override": true}),
        )
        .await;
    assert_eq!(overridden.status(), StatusCode::OK);
    let audited: i64 = masthead::db::schema::audit_log::table
        .filter(masthead::db::schema::audit_log::action.eq("gift_refunded"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(audited, 1);
}

async fn bad_orders_are_refused_field_by_field(app: TestApp) {
    let cases = [
        (json!({"months": 2}), "months", "invalid_months"),
        (json!({"months": 24}), "months", "invalid_months"),
        (json!({"months": -1}), "months", "invalid_months"),
        (
            json!({"deliver_at": (Utc::now() - Duration::days(1)).to_rfc3339()}),
            "deliver_at",
            "in_the_past",
        ),
        (
            json!({"deliver_at": (Utc::now() + Duration::days(400)).to_rfc3339()}),
            "deliver_at",
            "too_far_ahead",
        ),
        (
            json!({"message": "hi\rBcc: x@example.com"}),
            "message",
            "invalid_characters",
        ),
        (
            json!({"message": "escape \u{1b}[31m"}),
            "message",
            "invalid_characters",
        ),
        (
            json!({"recipient_email": "not an address"}),
            "recipient_email",
            "invalid_email",
        ),
        (json!({"tier": "platinum"}), "tier", "unknown_tier"),
    ];
    for (change, field, code) in cases {
        let mut body = order("grace@example.com");
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let refused = app.post_json("/v1/gifts/checkout", &body).await;
        let problem = assert_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{field} {code}: {problem}"
        );
    }
    // A NUL anywhere in a JSON body is refused before it is read (the
    // service-wide rule), so it never reaches the message or the database.
    let mut body = order("grace@example.com");
    body["message"] = json!("hi\u{0}there");
    let nul = app.post_json("/v1/gifts/checkout", &body).await;
    assert_problem(nul, StatusCode::BAD_REQUEST, "nul_character").await;
    let recorded: i64 = gifts::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(recorded, 0);
}

async fn a_later_delivery_waits_in_the_queue_for_its_date(app: TestApp) {
    let at = Utc::now() + Duration::days(10);
    let mut body = order("grace@example.com");
    body["deliver_at"] = json!(at.to_rfc3339());
    let id = bought(&app, &body).await;
    wait_for(&app, "buyer@example.com", RECEIPT).await;
    assert!(emails_to(&app, "grace@example.com", GIFT).await.is_empty());
    let run_at: chrono::NaiveDateTime = jobs::table
        .filter(jobs::kind.eq(JobKind::DeliverGift.as_str()))
        .filter(jobs::state.eq("pending"))
        .select(jobs::run_at)
        .first(&mut app.db())
        .unwrap();
    assert!((run_at.and_utc() - at).num_seconds().abs() <= 1, "{run_at}");
    // The date comes: the job runs and mails the link once.
    diesel::update(jobs::table.filter(jobs::kind.eq(JobKind::DeliverGift.as_str())))
        .set(jobs::run_at.eq(Utc::now().naive_utc()))
        .execute(&mut app.db())
        .unwrap();
    wait_for(&app, "grace@example.com", GIFT).await;
    let delivered: Option<chrono::NaiveDateTime> = gifts::table
        .find(&id)
        .select(gifts::delivered_at)
        .first(&mut app.db())
        .unwrap();
    assert!(delivered.is_some());
}

async fn a_paying_reader_gets_the_gift_after_their_paid_period(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let paid_until: chrono::NaiveDateTime = subscriptions::table
        .filter(subscriptions::reader_id.eq(&reader.id))
        .select(subscriptions::current_period_end.assume_not_null())
        .first(&mut app.db())
        .unwrap();
    let (_, token, _) = delivered(&app, &reader.email).await;
    let response = redeem(&app, &reader, &token).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let redeemed: Value = response.json().await.unwrap();
    assert_eq!(
        redeemed["starts_at"],
        masthead::domain::rfc3339_seconds_naive(paid_until),
        "{redeemed}"
    );
    let mut held = states(&app, &reader.id);
    held.sort();
    assert_eq!(
        held,
        ["canceling", "gift"],
        "nothing renews during the gift"
    );
}

async fn a_gift_ending_is_offered_on_once_and_then_expires(app: TestApp) {
    let reader = app.new_reader().await;
    let id = subscription("digital", SubscriptionState::Gift)
        .period_end(Utc::now() + Duration::days(3))
        .give(&app, &reader.id);
    run_sweep(&app, JobKind::GiftReminders).await;
    run_sweep(&app, JobKind::GiftReminders).await;
    let told = emails_to(&app, &reader.email, ENDING).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0]["text"]
            .as_str()
            .unwrap()
            .contains("/account?continue=gift")
    );
    diesel::update(subscriptions::table.find(&id))
        .set(
            subscriptions::current_period_end
                .eq(Some((Utc::now() - Duration::hours(1)).naive_utc())),
        )
        .execute(&mut app.db())
        .unwrap();
    run_sweep(&app, JobKind::EndGifts).await;
    run_sweep(&app, JobKind::EndGifts).await;
    assert_eq!(states(&app, &reader.id), ["expired"]);
}

async fn staff_see_gifts_bought_and_redeemed_on_both_readers_pages(app: TestApp) {
    let buyer = app.new_reader().await;
    let recipient = app.new_reader().await;
    let mut body = order(&recipient.email);
    body["buyer_email"] = json!(buyer.email);
    let response = app
        .post_json_auth("/v1/gifts/checkout", &buyer.access_token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    let id = opened["checkout_id"].as_str().unwrap();
    let html = page(opened["url"].as_str().unwrap()).await;
    let paid = browser()
        .post(app.url(&format!("/v1/gifts/dev/checkout/{id}/pay")))
        .form(&[("token", form_token(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let token = token_in(&wait_for(&app, &recipient.email, GIFT).await);
    assert_eq!(
        redeem(&app, &recipient, &token).await.status(),
        StatusCode::CREATED
    );
    let support = app.new_staff(Role::Support).await;
    for (reader, role) in [(&buyer, "bought"), (&recipient, "redeemed")] {
        let page: Value = app
            .get_auth(
                &format!("/v1/admin/readers/{}", reader.id),
                &support.access_token,
            )
            .await
            .json()
            .await
            .unwrap();
        let gifts = page["gifts"].as_array().unwrap();
        assert_eq!(gifts.len(), 1, "{page}");
        assert_eq!(gifts[0]["id"], id);
        assert_eq!(gifts[0]["role"], role);
        assert_eq!(gifts[0]["status"], "redeemed");
    }
}

/// Issue 15: "near the end, the reader is offered to continue as a paying
/// subscriber, keeping the remaining gift days as a trial", and "the
/// remaining days of a gift carried into a paid subscription are not
/// counted as that reader's trial". A reader with a running gift who
/// subscribes starts `trialing` until the gift ends (the first payment
/// falls then, not today), and a later trial price still finds their one
/// trial unused.
async fn continuing_after_a_gift_keeps_its_rest_free_and_leaves_the_trial_unused(app: TestApp) {
    use crate::support::billing_fixtures::confirm;
    use crate::support::offer_fixtures::{checkout_plan, set_trial};
    use masthead::db::schema::trials_used;
    set_trial(&app, "digital", "month", 14).await;
    let reader = app.new_reader().await;
    let (_, token, _) = delivered(&app, &reader.email).await;
    assert!(redeem(&app, &reader, &token).await.status().is_success());
    let gift_end: chrono::NaiveDateTime = subscriptions::table
        .filter(subscriptions::reader_id.eq(&reader.id))
        .filter(subscriptions::state.eq("gift"))
        .select(subscriptions::current_period_end.assume_not_null())
        .first(&mut app.db())
        .unwrap();

    let response = checkout_plan(&app, &reader, "digital", "month", None).await;
    let status = response.status();
    let checkout: Value = response.json().await.unwrap();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a gift does not block subscribing: {checkout}"
    );
    let page = crate::support::checkout_fixtures::page(checkout["url"].as_str().unwrap()).await;
    assert!(
        !page.contains("Free for 14 days"),
        "the gift's rest, not the price's trial: {page}"
    );
    let paid = confirm(
        &app,
        checkout["url"].as_str().unwrap(),
        &reader.access_token,
    )
    .await;
    assert_eq!(paid.status(), StatusCode::OK);
    let (state, period_end): (String, Option<chrono::NaiveDateTime>) = subscriptions::table
        .filter(subscriptions::reader_id.eq(&reader.id))
        .filter(subscriptions::state.ne("gift"))
        .select((subscriptions::state, subscriptions::current_period_end))
        .first(&mut app.db())
        .unwrap();
    assert_eq!(state, "trialing", "free until the gift ends");
    let gap = period_end.unwrap() - gift_end;
    assert!(
        (chrono::Duration::zero()..chrono::Duration::days(1)).contains(&gap),
        "the first payment falls when the gift ends (rounded up to the day): {gap}"
    );
    let marked: i64 = trials_used::table
        .filter(trials_used::reader_id.eq(&reader.id))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(marked, 0, "a gift's rest is not the reader's free trial");
}

/// Orders a gift and leaves its page unpaid; returns (gift id, page URL).
async fn opened(app: &TestApp) -> (String, String) {
    let response = app
        .post_json("/v1/gifts/checkout", &order("grace@example.com"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    (
        opened["checkout_id"].as_str().unwrap().to_owned(),
        opened["url"].as_str().unwrap().to_owned(),
    )
}

/// A development gift page left unpaid for the 24 hours Stripe gives its
/// pages: the `expire_checkouts` sweep makes the gift `expired` (a fresh
/// one is left open), and its Pay button answers 409 `checkout_expired`.
async fn an_unpaid_gift_page_expires_after_a_day_and_can_no_longer_be_paid(app: TestApp) {
    let (stale, url) = opened(&app).await;
    let (fresh, _) = opened(&app).await;
    let html = page(&url).await;
    let a_day_ago = (Utc::now() - Duration::hours(24) - Duration::minutes(1)).naive_utc();
    diesel::update(gifts::table.find(&stale))
        .set((
            gifts::created_at.eq(a_day_ago),
            gifts::expires_at.eq(a_day_ago + Duration::hours(24)),
        ))
        .execute(&mut app.db())
        .unwrap();
    run_sweep(&app, JobKind::ExpireCheckouts).await;
    let status = |id: &str| -> String {
        gifts::table
            .find(id)
            .select(gifts::status)
            .first(&mut app.db())
            .unwrap()
    };
    assert_eq!(status(&stale), "expired");
    assert_eq!(status(&fresh), "open");
    let paid = browser()
        .post(app.url(&format!("/v1/gifts/dev/checkout/{stale}/pay")))
        .form(&[("token", form_token(&html))])
        .send()
        .await
        .unwrap();
    assert_problem(paid, StatusCode::CONFLICT, "checkout_expired").await;
    assert_eq!(status(&stale), "expired");
}
