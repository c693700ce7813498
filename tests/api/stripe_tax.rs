//! The tax Stripe charged, recorded on each payment and on each refund
//! (issue 12 item 9) and shown to the reader and to staff. The tax of an
//! invoice is `total` minus `total_excluding_tax`
//! (<https://docs.stripe.com/api/invoices/object#invoice_object-total_excluding_tax>);
//! a refund gives back its share of the payment's tax, as Stripe Tax
//! reverses a partial refund pro rata (<https://docs.stripe.com/tax/custom#reversals>).

use crate::support::helpers::{Backend, TestApp};
use crate::support::stripe_events::{deliver_ok, purchase, spawn_with_webhooks};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn webhooks(backend: Backend) -> TestApp {
    spawn_with_webhooks(backend).await
}

on_both_backends!(with = webhooks; a_partial_refund_shows_its_share_of_the_tax);

async fn json_at(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get_auth(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// A $9.00 invoice with $1.50 of tax, a third of it refunded in Stripe's
/// dashboard (`charge.refunded`, <https://docs.stripe.com/api/events/types#event_types-charge.refunded>):
/// the reader's history shows 150 of tax on the payment and 50 on the
/// refund; the staff reader view shows the same.
async fn a_partial_refund_shows_its_share_of_the_tax(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = chrono::Utc::now().timestamp();
    deliver_ok(&app, &purchase.session_completed(now)).await;
    let mut invoice = purchase.first_invoice_paid(now);
    invoice["data"]["object"]["total"] = json!(900);
    invoice["data"]["object"]["total_excluding_tax"] = json!(750);
    deliver_ok(&app, &invoice).await;
    deliver_ok(
        &app,
        &purchase.charge_refunded(300, "re_tax_share", now + 60),
    )
    .await;

    let history = json_at(&app, "/v1/me/payments", &reader.access_token).await;
    let items = history["items"].as_array().unwrap();
    let payment = items
        .iter()
        .find(|i| i["kind"] == "payment")
        .expect("the payment");
    let refund = items
        .iter()
        .find(|i| i["kind"] == "refund")
        .expect("the refund");
    assert_eq!(payment["tax_cents"], 150, "{history:#}");
    assert_eq!(refund["amount_cents"], 300);
    assert_eq!(refund["tax_cents"], 50, "{history:#}");

    let staff = app.new_staff(Role::Support).await;
    let detail = json_at(
        &app,
        &format!("/v1/admin/readers/{}", reader.id),
        &staff.access_token,
    )
    .await;
    let subscription = &detail["subscriptions"][0];
    assert_eq!(subscription["payments"][0]["tax_cents"], 150, "{detail:#}");
    assert_eq!(subscription["refunds"][0]["tax_cents"], 50, "{detail:#}");
}
