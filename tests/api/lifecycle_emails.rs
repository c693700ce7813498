//! The lifecycle emails, read from the outbox: each is queued in the
//! transaction of the change that causes it (a welcome on verification, a
//! receipt per payment, a failed payment, a cancellation, a refund, a
//! refund request received and decided), says what it must (amounts with
//! their currency, dates with their time zone, the link that fixes a
//! payment), escapes values in its HTML part, and can be replaced by a
//! magazine's own template, which is checked at start.

use crate::support::billing_fixtures::{post_empty, subscribe};
use crate::support::helpers::{Backend, TestApp, spawn_app_with, test_settings, the_backend};
use crate::support::outbox::{VERIFY, emails_to, latest_token};
use crate::support::staff_fixtures::paid_subscription;
use crate::support::stripe_events::{
    PRICE_CENTS, Shape, deliver_ok, purchase, spawn_with_webhooks, stripe_id,
};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_first_verification_sends_the_welcome,
    development_receipts_are_numbered_in_sequence,
    a_reader_cancelling_is_told_until_when_and_how_to_resume,
    staff_cancelling_now_tells_the_reader_access_ended,
    a_staff_refund_is_confirmed_once,
    a_refund_request_is_acknowledged_and_denied_with_the_note,
    an_approved_request_says_so_with_the_amount,
    a_name_cannot_inject_markup_into_the_html_part,
);

on_both_backends!(with = the_backend; a_broken_template_refuses_to_start);

on_both_backends!(with = spawn_with_webhooks;
    stripe_receipts_for_the_first_payment_and_each_renewal,
    a_failed_renewal_links_to_the_hosted_invoice,
    a_portal_cancellation_is_told_once,
    a_dashboard_refund_is_confirmed,
);

on_both_backends!(with = app_with_templates; an_override_changes_the_sent_message);

const WELCOME: &str = "Welcome to the magazine";
const RECEIPT: &str = "Your receipt";
const FAILED: &str = "Your payment did not go through";
const CANCELED: &str = "Your subscription has been canceled";
const REFUNDED: &str = "Your refund is on its way";
const REQUEST_RECEIVED: &str = "We received your refund request";
const REQUEST_APPROVED: &str = "Your refund request was approved";
const REQUEST_DENIED: &str = "About your refund request";

fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap()
}

fn html(message: &Value) -> &str {
    message["html"].as_str().unwrap()
}

/// The one message to `to` about `subject`.
async fn only_email(app: &TestApp, to: &str, subject: &str) -> Value {
    let mut emails = emails_to(app, to, subject).await;
    assert_eq!(emails.len(), 1, "one {subject:?} to {to}: {emails:?}");
    emails.remove(0)
}

/// `1 January 2027` for a Unix time, as the emails write days.
fn day_of(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap()
        .format("%-d %B %Y")
        .to_string()
}

async fn the_first_verification_sends_the_welcome(app: TestApp) {
    let reader = app.new_reader().await;
    let token = latest_token(&app, &reader.email, VERIFY).await;
    let verified = app
        .post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(verified.status(), StatusCode::OK);
    let welcome = only_email(&app, &reader.email, WELCOME).await;
    assert!(text(&welcome).contains("Test Reader"), "{welcome}");
    assert!(
        text(&welcome).contains(&format!("{}/account", app.address)),
        "{welcome}"
    );
    // The token is spent; a second try changes nothing and sends nothing.
    let again = app
        .post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(emails_to(&app, &reader.email, WELCOME).await.len(), 1);
}

/// The receipt number of a development receipt: `DEV-000007` -> 7.
fn dev_number(receipt: &Value) -> u32 {
    let subject = receipt["subject"].as_str().unwrap();
    let number = subject.rsplit("DEV-").next().unwrap();
    assert_eq!(number.len(), 6, "{subject}");
    number.parse().unwrap()
}

async fn development_receipts_are_numbered_in_sequence(app: TestApp) {
    let first = app.new_reader().await;
    let second = app.new_reader().await;
    let subscription = subscribe(&app, &first, "digital", "month").await;
    subscribe(&app, &second, "digital", "year").await;
    let one = only_email(&app, &first.email, RECEIPT).await;
    let two = only_email(&app, &second.email, RECEIPT).await;
    assert_eq!(dev_number(&two), dev_number(&one) + 1);
    let body = text(&one);
    assert!(body.contains("9.00 USD"), "{body}");
    assert!(body.contains("Digital"), "{body}");
    let period_end = subscription["current_period_end"].as_str().unwrap();
    let period_end = chrono::DateTime::parse_from_rfc3339(period_end).unwrap();
    let renewal = format!("Next renewal: {} (UTC)", day_of(period_end.timestamp()));
    assert!(body.contains(&renewal), "{renewal}: {body}");
    let guarantee = chrono::Utc::now() + chrono::Duration::days(60);
    assert!(
        body.contains(&format!("until {} (UTC)", day_of(guarantee.timestamp())))
            || body.contains(&format!(
                "until {} (UTC)",
                day_of(guarantee.timestamp() - 86_400)
            )),
        "the guarantee's end: {body}"
    );
    assert!(html(&two).contains("90.00 USD"), "{two}");
    // Confirming again records nothing and sends nothing.
    assert_eq!(emails_to(&app, &first.email, RECEIPT).await.len(), 1);
}

async fn stripe_receipts_for_the_first_payment_and_each_renewal(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let t0 = chrono::Utc::now().timestamp() - 60;
    deliver_ok(&app, &purchase.session_completed(t0)).await;
    deliver_ok(&app, &purchase.first_invoice_paid(t0 + 1)).await;
    let first = only_email(&app, &reader.email, RECEIPT).await;
    assert!(text(&first).contains("9.00 USD"), "{first}");
    assert!(text(&first).contains(&purchase.invoice), "{first}");

    // A renewal: Stripe's invoice number and hosted page on its receipt,
    // and the new period.
    let renewed_end = purchase.period_end + 30 * 86_400;
    let invoice = stripe_id("in");
    let mut renewal = purchase.invoice_event(
        Shape::Current,
        "paid",
        &invoice,
        &stripe_id("pi"),
        PRICE_CENTS,
        renewed_end,
        t0 + 2,
    );
    renewal["data"]["object"]["number"] = json!("MAG-0002");
    deliver_ok(&app, &renewal).await;
    // Delivered again, it is the same event: no second receipt.
    deliver_ok(&app, &renewal).await;
    let receipts = emails_to(&app, &reader.email, RECEIPT).await;
    assert_eq!(receipts.len(), 2, "{receipts:?}");
    let second = &receipts[1];
    assert_eq!(second["subject"], "Your receipt MAG-0002");
    let url = format!("https://invoice.stripe.test/i/{invoice}");
    assert!(text(second).contains(&url), "{second}");
    assert!(
        html(second).contains(&format!(r#"href="{url}""#)),
        "{second}"
    );
    let period = format!(
        "{} to {} (UTC)",
        day_of(purchase.period_end),
        day_of(renewed_end)
    );
    assert!(text(second).contains(&period), "{period}: {second}");
}

async fn a_failed_renewal_links_to_the_hosted_invoice(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let t0 = chrono::Utc::now().timestamp() - 60;
    deliver_ok(&app, &purchase.session_completed(t0)).await;
    let invoice = stripe_id("in");
    let failed = purchase.invoice_event(
        Shape::Current,
        "payment_failed",
        &invoice,
        &stripe_id("pi"),
        PRICE_CENTS,
        purchase.period_end + 30 * 86_400,
        t0 + 1,
    );
    deliver_ok(&app, &failed).await;
    let email = only_email(&app, &reader.email, FAILED).await;
    let url = format!("https://invoice.stripe.test/i/{invoice}");
    assert!(text(&email).contains(&url), "{email}");
    assert!(text(&email).contains("9.00 USD"), "{email}");
    assert!(
        text(&email).contains(" UTC"),
        "the grace window's end: {email}"
    );

    // Without a hosted page, the link is the account page (the portal).
    let mut again = purchase.invoice_event(
        Shape::Current,
        "payment_failed",
        &stripe_id("in"),
        &stripe_id("pi"),
        PRICE_CENTS,
        purchase.period_end + 30 * 86_400,
        t0 + 2,
    );
    again["data"]["object"]["hosted_invoice_url"] = Value::Null;
    deliver_ok(&app, &again).await;
    let emails = emails_to(&app, &reader.email, FAILED).await;
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(
        text(&emails[1]).contains(&format!("{}/account", app.address)),
        "{}",
        emails[1]
    );
}

async fn a_reader_cancelling_is_told_until_when_and_how_to_resume(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let response = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_eq!(response.status(), StatusCode::OK);
    let canceled: Value = response.json().await.unwrap();
    let end = canceled["current_period_end"].as_str().unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(end).unwrap();
    let email = only_email(&app, &reader.email, CANCELED).await;
    let until = format!("{} UTC", end.format("%-d %B %Y, %H:%M"));
    assert!(text(&email).contains(&until), "{until}: {email}");
    assert!(text(&email).contains("Resume"), "{email}");
    // Resuming, and a second cancellation refused, send nothing more.
    post_empty(&app, "/v1/me/subscription/resume", &reader).await;
    let refused = app
        .post_json_auth(
            "/v1/me/subscription/resume",
            &reader.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(emails_to(&app, &reader.email, CANCELED).await.len(), 1);
}

async fn staff_cancelling_now_tells_the_reader_access_ended(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 3, 1);
    let support = app.new_staff(Role::Support).await;
    let response = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/cancel", paid.id),
            &support.access_token,
            &json!({"at": "now", "reason": "asked by phone"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let email = only_email(&app, &reader.email, CANCELED).await;
    assert!(text(&email).contains("access ended"), "{email}");
    assert!(!text(&email).contains("Resume"), "{email}");
}

async fn a_staff_refund_is_confirmed_once(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 5, 2);
    let support = app.new_staff(Role::Support).await;
    let path = format!("/v1/admin/subscriptions/{}/refund", paid.id);
    let body = json!({"reason": "the magazine arrived damaged"});
    for _ in 0..2 {
        let response = app
            .post_json_auth(&path, &support.access_token, &body)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let email = only_email(&app, &reader.email, REFUNDED).await;
    assert!(text(&email).contains("18.00 USD"), "both payments: {email}");
    assert!(text(&email).contains("ended"), "{email}");
}

async fn a_dashboard_refund_is_confirmed(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let t0 = chrono::Utc::now().timestamp() - 60;
    deliver_ok(&app, &purchase.first_invoice_paid(t0)).await;
    let refund = stripe_id("re");
    deliver_ok(
        &app,
        &purchase.charge_refunded(PRICE_CENTS, &refund, t0 + 1),
    )
    .await;
    // Stripe reports the same refund again as `refund.created`.
    let object = purchase.refund_object(PRICE_CENTS, &refund);
    let created = crate::support::stripe_events::event("refund.created", object, t0 + 2);
    deliver_ok(&app, &created).await;
    let email = only_email(&app, &reader.email, REFUNDED).await;
    assert!(text(&email).contains("9.00 USD"), "{email}");
}

async fn ask(app: &TestApp, token: &str, reason: &str) -> Value {
    let response = app
        .post_json_auth(
            "/v1/me/subscription/refund-request",
            token,
            &json!({"reason": reason}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn a_refund_request_is_acknowledged_and_denied_with_the_note(app: TestApp) {
    let reader = app.new_reader().await;
    paid_subscription(&app, &reader.id, "dev", 10, 1);
    let request = ask(&app, &reader.access_token, "too much to read").await;
    let received = only_email(&app, &reader.email, REQUEST_RECEIVED).await;
    assert!(text(&received).contains("too much to read"), "{received}");
    assert!(text(&received).contains("within our money-back guarantee"));

    let support = app.new_staff(Role::Support).await;
    let path = format!(
        "/v1/admin/refund-requests/{}/deny",
        request["id"].as_str().unwrap()
    );
    let note = json!({"note": "you read 40 articles this month"});
    for _ in 0..2 {
        let denied = app
            .post_json_auth(&path, &support.access_token, &note)
            .await;
        assert_eq!(denied.status(), StatusCode::OK);
    }
    let denied = only_email(&app, &reader.email, REQUEST_DENIED).await;
    assert!(text(&denied).contains("you read 40 articles this month"));
    assert!(emails_to(&app, &reader.email, REFUNDED).await.is_empty());
}

async fn an_approved_request_says_so_with_the_amount(app: TestApp) {
    let reader = app.new_reader().await;
    paid_subscription(&app, &reader.id, "dev", 10, 1);
    let request = ask(&app, &reader.access_token, "not for me").await;
    let support = app.new_staff(Role::Support).await;
    let path = format!(
        "/v1/admin/refund-requests/{}/approve",
        request["id"].as_str().unwrap()
    );
    let approved = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"note": "sorry to see you go"}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let email = only_email(&app, &reader.email, REQUEST_APPROVED).await;
    assert!(text(&email).contains("9.00 USD"), "{email}");
    assert!(text(&email).contains("sorry to see you go"), "{email}");
    // One email for the one action: not a refund confirmation as well.
    assert!(emails_to(&app, &reader.email, REFUNDED).await.is_empty());
}

async fn a_portal_cancellation_is_told_once(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let t0 = chrono::Utc::now().timestamp() - 60;
    deliver_ok(&app, &purchase.session_completed(t0)).await;
    let end = purchase.period_end;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", false, end, t0 + 1),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", true, end, t0 + 2),
    )
    .await;
    // A later snapshot of the same cancellation changes nothing to tell.
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", true, end, t0 + 3),
    )
    .await;
    let email = only_email(&app, &reader.email, CANCELED).await;
    assert!(text(&email).contains(&day_of(end)), "{email}");
    assert!(text(&email).contains("Resume"), "{email}");
}

async fn a_name_cannot_inject_markup_into_the_html_part(app: TestApp) {
    let response = app
        .signup(
            "eve@example.com",
            "correct horse battery",
            "<script>alert(1)</script>",
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = latest_token(&app, "eve@example.com", VERIFY).await;
    app.post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await;
    for subject in [VERIFY, WELCOME] {
        let email = only_email(&app, "eve@example.com", subject).await;
        assert!(!html(&email).contains("<script>"), "{email}");
        assert!(
            html(&email).contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{email}"
        );
        assert!(
            text(&email).contains("<script>alert(1)</script>"),
            "{email}"
        );
    }
}

/// The app with `MASTHEAD_TEMPLATES_DIR` replacing the welcome's text part.
async fn app_with_templates(backend: Backend) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("welcome.txt"),
        "Dear {{ name | upper }}, welcome to The Quarterly. Read at {{ site_link }}",
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    let app = spawn_app_with(backend, move |settings| {
        settings.templates_dir = Some(path);
    })
    .await;
    (app, dir)
}

async fn an_override_changes_the_sent_message(app: TestApp, _templates: tempfile::TempDir) {
    let reader = app.new_reader().await;
    let token = latest_token(&app, &reader.email, VERIFY).await;
    app.post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await;
    let welcome = only_email(&app, &reader.email, WELCOME).await;
    assert!(
        text(&welcome).starts_with("Dear TEST READER, welcome to The Quarterly."),
        "{welcome}"
    );
    // The HTML part was not replaced: the built-in one.
    assert!(html(&welcome).contains("Test Reader"), "{welcome}");
}

async fn a_broken_template_refuses_to_start(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("payment_receipt.html"),
        "{{ amount }} {{ receipt_number }} {{ period }} {{ amout }}",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let (mut settings, _database) = test_settings(backend, data.path());
    settings.templates_dir = Some(dir.path().to_path_buf());
    let error = match masthead::startup::Application::build(settings).await {
        Ok(_) => panic!("a template with an unknown placeholder must refuse to start"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains("payment_receipt.html"), "{error}");
    assert!(error.contains("unknown placeholder `amout`"), "{error}");
}
