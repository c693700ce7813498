//! Stripe events for the tests, built from Stripe's published object shapes
//! (`tests/fixtures/stripe/objects.json`) with the fields a scenario needs,
//! and signed the way Stripe signs them.

use crate::support::helpers::{TestApp, TestReader};
use chrono::Utc;
use hmac::{Hmac, Mac};
use masthead::db::DbConnection;
use masthead::db::checkouts::{self, NewCheckout};
use masthead::domain::CheckoutId;
use reqwest::Response;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::LazyLock;

/// The webhook secret the tests configure.
pub const WEBHOOK_SECRET: &str = "whsec_test";

/// The price the scenarios' checkouts quote, in cents.
pub const PRICE_CENTS: i64 = 900;

static FIXTURES: LazyLock<Value> = LazyLock::new(|| {
    let raw = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/stripe/objects.json"
    ));
    serde_json::from_str(raw).expect("the vendored Stripe objects are JSON")
});

/// The app with [`WEBHOOK_SECRET`] configured.
pub async fn spawn_with_webhooks(backend: crate::support::helpers::Backend) -> TestApp {
    crate::support::helpers::spawn_app_with(backend, |s| {
        s.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
    })
    .await
}

/// A copy of Stripe's example object `name` (`"invoice"`, `"checkout.session"`).
pub fn resource(name: &str) -> Value {
    FIXTURES["resources"][name].clone()
}

/// Overwrites the top-level fields of `object` with those of `fields`.
pub fn with(mut object: Value, fields: Value) -> Value {
    let target = object.as_object_mut().expect("an object");
    for (key, value) in fields.as_object().expect("fields as an object") {
        target.insert(key.clone(), value.clone());
    }
    object
}

/// A new Stripe-style id (`evt_...`, `sub_...`).
pub fn stripe_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// The event envelope of `kind` around `object`, created at `created`.
pub fn event(kind: &str, object: Value, created: i64) -> Value {
    with(
        resource("event"),
        json!({
            "id": stripe_id("evt"),
            "type": kind,
            "created": created,
            "data": {"object": object},
        }),
    )
}

/// `t=<t>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe signs.
pub fn signature(body: &str, secret: &str, t: i64) -> String {
    format!("t={t},v1={}", v1(body, secret, t))
}

/// The hex `v1` signature of `body` at `t` with `secret`.
pub fn v1(body: &str, secret: &str, t: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .fold(String::new(), |mut hex, byte| {
            use std::fmt::Write;
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Posts `body` to the webhook with `signature` as the header (none if `None`).
pub async fn post_raw(app: &TestApp, body: &str, signature: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    request.send().await.expect("request sent")
}

/// Delivers `event` signed now with the test secret.
pub async fn deliver(app: &TestApp, event: &Value) -> Response {
    let body = event.to_string();
    let header = signature(&body, WEBHOOK_SECRET, Utc::now().timestamp());
    post_raw(app, &body, Some(&header)).await
}

/// Delivers `event` and asserts 200.
pub async fn deliver_ok(app: &TestApp, event: &Value) {
    let response = deliver(app, event).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{} answered {body}", event["type"]);
}

/// One reader's purchase at Stripe: our checkout and Stripe's ids for it.
pub struct Purchase {
    pub checkout_id: String,
    pub reader_id: String,
    pub subscription: String,
    pub customer: String,
    pub invoice: String,
    pub payment_intent: String,
    pub charge: String,
    /// When it was paid (Unix seconds); period start.
    pub paid_at: i64,
    /// End of the first period (Unix seconds).
    pub period_end: i64,
}

/// Records an open Stripe checkout for `reader` (as `POST
/// /v1/billing/checkout` does with the Stripe provider) with Stripe ids.
pub fn purchase(app: &TestApp, reader: &TestReader) -> Purchase {
    purchase_on(&mut app.db(), &reader.id)
}

/// [`purchase`] on a database connection, for reader `reader_id` (for a
/// server that runs as a separate process).
pub fn purchase_on(conn: &mut DbConnection, reader_id: &str) -> Purchase {
    let id = CheckoutId::generate();
    let now = Utc::now();
    checkouts::insert(
        conn,
        &NewCheckout {
            id: id.as_str(),
            reader_id,
            tier_id: "digital",
            billing_interval: "month",
            amount_cents: PRICE_CENTS,
            currency: "usd",
            provider: "stripe",
            status: "open",
            created_at: now.naive_utc(),
            expires_at: (now + chrono::Duration::hours(24)).naive_utc(),
            source_article: None,
            page_token: None,
            offer_code: None,
            trial_days: 0,
            discount_cents: 0,
            discount_payments: None,
            gift_days: 0,
        },
    )
    .expect("insert the checkout");
    let paid_at = now.timestamp();
    Purchase {
        checkout_id: id.to_string(),
        reader_id: reader_id.to_owned(),
        subscription: stripe_id("sub"),
        customer: stripe_id("cus"),
        invoice: stripe_id("in"),
        payment_intent: stripe_id("pi"),
        charge: stripe_id("ch"),
        paid_at,
        period_end: paid_at + 30 * 86_400,
    }
}

impl Purchase {
    fn metadata(&self) -> Value {
        json!({"checkout_id": self.checkout_id, "reader_id": self.reader_id})
    }

    /// `checkout.session.completed` for this purchase, paid.
    pub fn session_completed(&self, created: i64) -> Value {
        let session = with(
            resource("checkout.session"),
            json!({
                "id": stripe_id("cs_test"),
                "mode": "subscription",
                "status": "complete",
                "payment_status": "paid",
                "client_reference_id": self.checkout_id,
                "customer": self.customer,
                "subscription": self.subscription,
                "invoice": self.invoice,
                "payment_intent": null,
                "amount_total": PRICE_CENTS,
                "currency": "usd",
                "metadata": self.metadata(),
            }),
        );
        event("checkout.session.completed", session, created)
    }

    /// `checkout.session.completed` for this purchase with a free trial:
    /// nothing paid (`payment_status: no_payment_required`, `amount_total:
    /// 0`, <https://docs.stripe.com/api/checkout/sessions/object#checkout_session_object-payment_status>).
    pub fn trial_session_completed(&self, created: i64) -> Value {
        let mut event = self.session_completed(created);
        let session = &mut event["data"]["object"];
        session["payment_status"] = json!("no_payment_required");
        session["amount_total"] = json!(0);
        event
    }

    /// `customer.subscription.<kind>` with `status`, cancelling at period
    /// end or not, for the period ending `period_end`.
    pub fn subscription(
        &self,
        kind: &str,
        status: &str,
        cancel: bool,
        period_end: i64,
        created: i64,
    ) -> Value {
        let mut object = with(
            resource("subscription"),
            json!({
                "id": self.subscription,
                "customer": self.customer,
                "status": status,
                "cancel_at_period_end": cancel,
                "cancel_at": if cancel { json!(period_end) } else { Value::Null },
                "canceled_at": null,
                "ended_at": if kind == "deleted" { json!(created) } else { Value::Null },
                "start_date": self.paid_at,
                "latest_invoice": self.invoice,
                "currency": "usd",
                "metadata": self.metadata(),
            }),
        );
        let item = &mut object["items"]["data"][0];
        item["current_period_start"] = json!(period_end - 30 * 86_400);
        item["current_period_end"] = json!(period_end);
        item["subscription"] = json!(self.subscription);
        event(&format!("customer.subscription.{kind}"), object, created)
    }

    /// `invoice.paid` (or `.payment_failed`) for invoice `invoice` paying
    /// the period ending `period_end`.
    pub fn invoice(
        &self,
        kind: &str,
        invoice: &str,
        payment_intent: &str,
        period_end: i64,
        created: i64,
    ) -> Value {
        let mut object = self.invoice_object(kind, invoice, PRICE_CENTS, period_end, created);
        object["payments"] = json!({"object": "list", "data": [
            {"object": "invoice_payment", "invoice": invoice, "payment": {"type": "payment_intent", "payment_intent": payment_intent}}
        ]});
        event(&format!("invoice.{kind}"), object, created)
    }

    /// The invoice object of an `invoice.<kind>` event for the period
    /// ending `period_end`, as Stripe shapes it since basil
    /// (<https://docs.stripe.com/api/invoices/object>): its subscription
    /// under `parent`, one line for the period, paid at `created` when
    /// `kind` is `paid`.
    fn invoice_object(
        &self,
        kind: &str,
        invoice: &str,
        amount: i64,
        period_end: i64,
        created: i64,
    ) -> Value {
        let paid = kind == "paid";
        let mut object = with(
            resource("invoice"),
            json!({
                "id": invoice,
                "customer": self.customer,
                "status": if paid { "paid" } else { "open" },
                "amount_paid": if paid { amount } else { 0 },
                "amount_due": amount,
                "total": amount,
                "currency": "usd",
                "livemode": false,
                "billing_reason": "subscription_cycle",
                "hosted_invoice_url": format!("https://invoice.stripe.test/i/{invoice}"),
                "parent": {
                    "type": "subscription_details",
                    "quote_details": null,
                    "subscription_details": {"subscription": self.subscription, "metadata": self.metadata()},
                },
            }),
        );
        object["status_transitions"]["paid_at"] = if paid { json!(created) } else { Value::Null };
        let line = &mut object["lines"]["data"][0];
        line["period"] = json!({"start": period_end - 30 * 86_400, "end": period_end});
        line["amount"] = json!(amount);
        object
    }

    /// The first invoice paid: `invoice.paid` for [`Self::invoice`].
    pub fn first_invoice_paid(&self, created: i64) -> Value {
        self.invoice(
            "paid",
            &self.invoice,
            &self.payment_intent,
            self.period_end,
            created,
        )
    }

    /// `charge.refunded` for the first payment, `amount` refunded in total,
    /// the refund listed as `refund_id`.
    pub fn charge_refunded(&self, amount: i64, refund_id: &str, created: i64) -> Value {
        let refund = self.refund_object(amount, refund_id);
        let charge = with(
            resource("charge"),
            json!({
                "id": self.charge,
                "customer": self.customer,
                "payment_intent": self.payment_intent,
                "amount": PRICE_CENTS,
                "amount_captured": PRICE_CENTS,
                "amount_refunded": amount,
                "refunded": amount >= PRICE_CENTS,
                "currency": "usd",
                "refunds": {"object": "list", "data": [refund], "has_more": false},
            }),
        );
        event("charge.refunded", charge, created)
    }

    /// A refund object of the first payment.
    pub fn refund_object(&self, amount: i64, refund_id: &str) -> Value {
        with(
            resource("refund"),
            json!({
                "id": refund_id,
                "amount": amount,
                "charge": self.charge,
                "payment_intent": self.payment_intent,
                "currency": "usd",
                "status": "succeeded",
                "reason": "requested_by_customer",
            }),
        )
    }

    /// `charge.dispute.created` for the first payment.
    pub fn dispute_created(&self, created: i64) -> Value {
        let dispute = with(
            resource("dispute"),
            json!({
                "id": stripe_id("dp"),
                "amount": PRICE_CENTS,
                "charge": self.charge,
                "payment_intent": self.payment_intent,
                "currency": "usd",
            }),
        );
        event("charge.dispute.created", dispute, created)
    }
}

/// Which API version's object shapes an event follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The pinned version (`2026-09-30.endive`) and every version since
    /// basil (2025-03-31): an invoice names no `payment_intent`, `charge`
    /// or `subscription` (its subscription is under
    /// `parent.subscription_details`, its payments under `payments`, which
    /// events never expand); a charge names no `invoice`; periods are on
    /// the subscription's items.
    /// <https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices>,
    /// <https://docs.stripe.com/changelog/basil/2025-03-31/deprecate-subscription-current-period-start-and-end>.
    Current,
    /// 2024 versions (acacia): `invoice.payment_intent`, `invoice.charge`,
    /// `invoice.subscription` and `charge.invoice` present.
    Legacy2024,
}

/// The app with a fake Stripe (test-mode key) and [`WEBHOOK_SECRET`].
pub async fn spawn_with_stripe_and_webhooks(
    backend: crate::support::helpers::Backend,
) -> (TestApp, crate::support::fake_stripe::FakeStripe) {
    let stripe = crate::support::fake_stripe::FakeStripe::start().await;
    let base = stripe.url();
    let app = crate::support::helpers::spawn_app_with(backend, move |s| {
        s.stripe_secret_key = Some("sk_test_masthead".into());
        s.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        s.stripe_api_base = Some(base);
        s.stripe_timeout_seconds = 2;
    })
    .await;
    (app, stripe)
}

/// The follow-ups (Stripe calls queued by webhooks) as `(kind, status,
/// target)`, oldest first.
pub fn follow_ups(app: &TestApp) -> Vec<(String, String, String)> {
    use diesel::prelude::*;
    use masthead::db::schema::provider_follow_ups as f;
    f::table
        .order((f::created_at.asc(), f::id.asc()))
        .select((f::kind, f::status, f::target))
        .load(&mut app.db())
        .expect("read the follow-ups")
}

/// Waits (up to 10 s) until no follow-up is pending, then returns them.
pub async fn settled(app: &TestApp) -> Vec<(String, String, String)> {
    for _ in 0..100 {
        let all = follow_ups(app);
        if all.iter().all(|(_, status, _)| status != "pending") {
            return all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("follow-ups still pending: {:?}", follow_ups(app));
}

impl Purchase {
    /// `invoice.<kind>` (`paid`, `payment_failed`, `payment_action_required`)
    /// for `invoice`, paying `amount` for the period ending `period_end`,
    /// in `shape`: [`Shape::Current`] names its payment nowhere (as events
    /// since basil do), [`Shape::Legacy2024`] on the invoice itself.
    #[allow(clippy::too_many_arguments)]
    pub fn invoice_event(
        &self,
        shape: Shape,
        kind: &str,
        invoice: &str,
        payment_intent: &str,
        amount: i64,
        period_end: i64,
        created: i64,
    ) -> Value {
        let mut object = self.invoice_object(kind, invoice, amount, period_end, created);
        let map = object.as_object_mut().unwrap();
        map.remove("payments");
        map.remove("payment_intent");
        map.remove("charge");
        if shape == Shape::Current {
            map.remove("subscription");
        } else {
            map.insert("payment_intent".into(), json!(payment_intent));
            map.insert("charge".into(), json!(charge_of(payment_intent)));
            map.insert("subscription".into(), json!(self.subscription));
        }
        event(&format!("invoice.{kind}"), object, created)
    }

    /// `invoice_payment.paid`: the invoice payment naming the payment
    /// intent that paid `invoice` (API versions since 2025-05-28,
    /// <https://docs.stripe.com/api/invoice-payment/object>).
    #[allow(
        clippy::unused_self,
        reason = "one of the purchase's events, built like the others"
    )]
    pub fn invoice_payment_paid(&self, invoice: &str, payment_intent: &str, created: i64) -> Value {
        let object = with(
            resource("invoice_payment"),
            json!({
                "id": stripe_id("inpay"),
                "invoice": invoice,
                "amount_paid": PRICE_CENTS,
                "amount_requested": PRICE_CENTS,
                "currency": "usd",
                "status": "paid",
                "livemode": false,
                "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                "status_transitions": {"canceled_at": null, "paid_at": created},
            }),
        );
        event("invoice_payment.paid", object, created)
    }

    /// `charge.refunded` for the charge of `payment_intent` (`amount`
    /// charged, `refunded` refunded so far, the newest refund listed as
    /// `refund_id`); [`Shape::Legacy2024`] names the charge's invoice.
    pub fn charge_refunded_of(
        &self,
        shape: Shape,
        payment_intent: &str,
        invoice: Option<&str>,
        refunded: i64,
        refund_id: &str,
        created: i64,
    ) -> Value {
        let refund = refund_of(payment_intent, refunded, refund_id, "succeeded");
        let mut charge = with(
            resource("charge"),
            json!({
                "id": charge_of(payment_intent),
                "customer": self.customer,
                "payment_intent": payment_intent,
                "amount": PRICE_CENTS,
                "amount_captured": PRICE_CENTS,
                "amount_refunded": refunded,
                "refunded": refunded >= PRICE_CENTS,
                "currency": "usd",
                "livemode": false,
                "refunds": {"object": "list", "data": [refund], "has_more": false},
            }),
        );
        let map = charge.as_object_mut().unwrap();
        map.remove("invoice");
        if shape == Shape::Legacy2024 {
            map.insert("invoice".into(), json!(invoice));
        }
        event("charge.refunded", charge, created)
    }

    /// `charge.dispute.<kind>` for the charge of `payment_intent`, with
    /// the dispute's `status`
    /// (<https://docs.stripe.com/api/disputes/object#dispute_object-status>).
    #[allow(
        clippy::unused_self,
        reason = "one of the purchase's events, built like the others"
    )]
    pub fn dispute_of(
        &self,
        kind: &str,
        dispute: &str,
        payment_intent: &str,
        status: &str,
        created: i64,
    ) -> Value {
        let object = with(
            resource("dispute"),
            json!({
                "id": dispute,
                "amount": PRICE_CENTS,
                "charge": charge_of(payment_intent),
                "payment_intent": payment_intent,
                "currency": "usd",
                "status": status,
                "livemode": false,
            }),
        );
        event(&format!("charge.dispute.{kind}"), object, created)
    }
}

/// The charge id the scenarios give a payment intent's charge.
pub fn charge_of(payment_intent: &str) -> String {
    format!("ch_{}", payment_intent.trim_start_matches("pi_"))
}

/// A refund object of `payment_intent`'s charge with `status`.
pub fn refund_of(payment_intent: &str, amount: i64, refund_id: &str, status: &str) -> Value {
    with(
        resource("refund"),
        json!({
            "id": refund_id,
            "amount": amount,
            "charge": charge_of(payment_intent),
            "payment_intent": payment_intent,
            "currency": "usd",
            "status": status,
            "reason": "requested_by_customer",
        }),
    )
}
