//! A fake Stripe for the tests: a wiremock server answering the endpoints
//! Masthead calls with objects shaped like Stripe's published fixtures
//! (`tests/fixtures/stripe/objects.json`), ids derived from the request's
//! `Idempotency-Key` the way Stripe replays a retried request, and every
//! request recorded so tests can assert form parameters and keys.

use crate::support::helpers::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Duration;
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The webhook signing secret the test app is configured with.
pub const WEBHOOK_SECRET: &str = "whsec_masthead_test";

/// Stripe's example objects, keyed by object name (`checkout.session`).
pub fn fixture(name: &str) -> Value {
    static FIXTURES: OnceLock<Value> = OnceLock::new();
    let all = FIXTURES.get_or_init(|| {
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/stripe/objects.json"
        );
        let text = std::fs::read_to_string(file).expect("the Stripe fixtures are readable");
        serde_json::from_str(&text).expect("the Stripe fixtures are JSON")
    });
    all["resources"][name].clone()
}

/// A running fake Stripe.
pub struct FakeStripe {
    pub server: MockServer,
}

/// One request Masthead sent to the fake.
#[derive(Debug, Clone)]
pub struct StripeCall {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    /// The `Stripe-Version` header: the API version the client pins.
    pub stripe_version: Option<String>,
    /// The decoded query string, in order (`expand[0]`, ...).
    pub query: Vec<(String, String)>,
    /// The decoded form body, in order (`line_items[0][price]`, ...).
    pub form: Vec<(String, String)>,
}

impl StripeCall {
    pub fn from_request(request: &Request) -> Self {
        Self {
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            idempotency_key: request
                .headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            stripe_version: request
                .headers
                .get("stripe-version")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            query: request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            form: form_urlencoded::parse(&request.body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The value of query parameter `name`, if sent.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of form parameter `name`, if sent.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A Stripe-like id: `prefix` and a digest of the idempotency key (so a
/// retried request gets the object it created before), else random.
fn object_id(prefix: &str, call: &StripeCall) -> String {
    let seed = call
        .idempotency_key
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let digest = Sha256::digest(seed.as_bytes());
    let hex = digest.iter().take(10).fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    });
    format!("{prefix}_{hex}")
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A fixture with `fields` set over it.
fn shaped(name: &str, fields: Value) -> Value {
    let mut object = fixture(name);
    for (key, value) in fields.as_object().expect("fields are an object") {
        object[key] = value.clone();
    }
    object
}

fn customer(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    ok(shaped(
        "customer",
        json!({"id": object_id("cus", &call), "email": call.param("email"), "name": call.param("name")}),
    ))
}

fn product(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    ok(shaped(
        "product",
        json!({"id": object_id("prod", &call), "name": call.param("name"), "default_price": null}),
    ))
}

fn price(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    let amount: i64 = call.param("unit_amount").unwrap_or("0").parse().unwrap();
    ok(shaped(
        "price",
        json!({"id": object_id("price", &call), "product": call.param("product"),
               "unit_amount": amount, "currency": call.param("currency"), "type": "recurring"}),
    ))
}

/// `POST /v1/coupons` (<https://docs.stripe.com/api/coupons/create>):
/// the coupon with the terms sent.
fn coupon(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    let integer = |name: &str| call.param(name).map(|v| json!(v.parse::<i64>().unwrap()));
    ok(shaped(
        "coupon",
        json!({"id": object_id("coupon", &call), "name": call.param("name"),
               "percent_off": call.param("percent_off").map(|v| json!(v.parse::<f64>().unwrap())),
               "amount_off": integer("amount_off"),
               "currency": call.param("currency"), "duration": call.param("duration"),
               "duration_in_months": integer("duration_in_months"),
               "max_redemptions": integer("max_redemptions")}),
    ))
}

fn checkout_session(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    let id = object_id("cs_test", &call);
    ok(shaped(
        "checkout.session",
        json!({"id": id, "url": format!("https://checkout.stripe.test/c/pay/{id}"),
               "mode": "subscription", "status": "open",
               "client_reference_id": call.param("client_reference_id"),
               "customer": call.param("customer"),
               "success_url": call.param("success_url"), "cancel_url": call.param("cancel_url")}),
    ))
}

fn portal_session(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    let id = object_id("bps", &call);
    ok(shaped(
        "billing_portal.session",
        json!({"id": id, "url": format!("https://billing.stripe.test/p/session/{id}"),
               "customer": call.param("customer"), "return_url": call.param("return_url")}),
    ))
}

fn subscription(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    let id = call.path.rsplit('/').next().unwrap_or_default().to_owned();
    ok(shaped(
        "subscription",
        json!({"id": id, "cancel_at_period_end": call.param("cancel_at_period_end") == Some("true")}),
    ))
}

fn canceled_subscription(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    let id = call.path.rsplit('/').next().unwrap_or_default().to_owned();
    ok(shaped(
        "subscription",
        json!({"id": id, "status": "canceled", "canceled_at": chrono::Utc::now().timestamp()}),
    ))
}

/// The id this fake gives the refund `call` makes (from its idempotency
/// key, as Stripe answers a retried request with the same refund).
pub fn refund_id_of(call: &StripeCall) -> String {
    object_id("re", call)
}

fn refund(request: &Request) -> ResponseTemplate {
    let call = StripeCall::from_request(request);
    // Stripe refunds a charge or a payment intent, named by its own id
    // (<https://docs.stripe.com/api/refunds/create>); anything else (an
    // invoice id) is a missing resource.
    let named = match (call.param("charge"), call.param("payment_intent")) {
        (Some(charge), None) => charge.starts_with("ch_"),
        (None, Some(intent)) => intent.starts_with("pi_"),
        _ => false,
    };
    if !named {
        return ResponseTemplate::new(400).set_body_json(json!({
            "error": {"type": "invalid_request_error", "code": "resource_missing",
                      "message": "No such charge or payment intent"}
        }));
    }
    let amount: i64 = call.param("amount").unwrap_or("0").parse().unwrap();
    ok(shaped(
        "refund",
        json!({"id": object_id("re", &call), "amount": amount, "status": "succeeded",
               "charge": call.param("charge"), "payment_intent": call.param("payment_intent")}),
    ))
}

/// Stripe's error body for `status`.
fn stripe_error(status: u16) -> ResponseTemplate {
    let kind = if status >= 500 {
        "api_error"
    } else {
        "invalid_request_error"
    };
    ResponseTemplate::new(status).set_body_json(json!({
        "error": {"type": kind, "message": format!("fake Stripe answered {status}")}
    }))
}

/// Builds the fake's answer to one request.
type Responder = fn(&Request) -> ResponseTemplate;

impl FakeStripe {
    /// Starts the fake with every endpoint answering successfully.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let routes: [(&str, Responder); 7] = [
            ("/v1/coupons", coupon),
            ("/v1/customers", customer),
            ("/v1/products", product),
            ("/v1/prices", price),
            ("/v1/checkout/sessions", checkout_session),
            ("/v1/billing_portal/sessions", portal_session),
            ("/v1/refunds", refund),
        ];
        for (route, respond) in routes {
            Mock::given(method("POST"))
                .and(path(route))
                .respond_with(respond)
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(path_regex(r"^/v1/subscriptions/[A-Za-z0-9_]+$"))
            .respond_with(subscription)
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path_regex(r"^/v1/subscriptions/[A-Za-z0-9_]+$"))
            .respond_with(canceled_subscription)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(r"^/v1/invoices/[A-Za-z0-9_]+$"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "error": {"type": "invalid_request_error", "code": "resource_missing",
                          "message": "No such invoice"}
            })))
            .with_priority(10)
            .mount(&server)
            .await;
        Self { server }
    }

    /// From now on `GET /v1/invoices/<invoice>` answers the invoice as
    /// paid by `payment_intent` (and `charge`), its payments expanded
    /// when asked with `expand[]=payments` (Stripe's invoice object since
    /// basil: no `payment_intent` of its own,
    /// <https://docs.stripe.com/api/invoices/object#invoice_object-payments>).
    /// Other invoices answer 404 `resource_missing`.
    pub async fn invoice_paid_by(&self, invoice: &str, payment_intent: &str, charge: Option<&str>) {
        let mut object = fixture("invoice");
        object["id"] = json!(invoice);
        object["status"] = json!("paid");
        let mut payment = fixture("invoice_payment");
        payment["invoice"] = json!(invoice);
        payment["status"] = json!("paid");
        payment["payment"] =
            json!({"type": "payment_intent", "payment_intent": payment_intent, "charge": charge});
        let expanded = {
            let mut object = object.clone();
            object["payments"] = json!({"object": "list", "data": [payment], "has_more": false,
                                         "url": format!("/v1/invoice_payments?invoice={invoice}")});
            object
        };
        Mock::given(method("GET"))
            .and(path(format!("/v1/invoices/{invoice}")))
            .and(query_param("expand[0]", "payments"))
            .respond_with(ok(expanded))
            .with_priority(2)
            .mount(&self.server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/invoices/{invoice}")))
            .respond_with(ok(object))
            .with_priority(3)
            .mount(&self.server)
            .await;
    }

    /// From now on `GET route` answers `status` with Stripe's error body.
    pub async fn fail_get(&self, route: &str, status: u16) {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(stripe_error(status))
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// The base URL to configure as `MASTHEAD_STRIPE_API_BASE`.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// From now on `POST route` answers `status` with Stripe's error body.
    pub async fn fail(&self, route: &str, status: u16) {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(stripe_error(status))
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// The next `POST route` answers `status`; later ones succeed again.
    pub async fn fail_once(&self, route: &str, status: u16) {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(stripe_error(status))
            .with_priority(1)
            .up_to_n_times(1)
            .mount(&self.server)
            .await;
    }

    /// From now on `POST route` answers only after `delay`.
    pub async fn stall(&self, route: &str, delay: Duration) {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(stripe_error(500).set_delay(delay))
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// From now on `POST /v1/refunds` succeeds only after `delay` (a refund
    /// in flight while something else happens).
    pub async fn slow_refunds(&self, delay: Duration) {
        Mock::given(method("POST"))
            .and(path("/v1/refunds"))
            .respond_with(move |request: &Request| refund(request).set_delay(delay))
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// Every request received so far, oldest first.
    pub async fn calls(&self) -> Vec<StripeCall> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(StripeCall::from_request)
            .collect()
    }

    /// The requests received with `method` for `route` (exact path), oldest first.
    pub async fn requests_to(&self, method: &str, route: &str) -> Vec<StripeCall> {
        self.calls()
            .await
            .into_iter()
            .filter(|call| call.method == method && call.path == route)
            .collect()
    }

    /// The `POST`s received for `route` (exact path), oldest first.
    pub async fn calls_to(&self, route: &str) -> Vec<StripeCall> {
        self.calls()
            .await
            .into_iter()
            .filter(|call| call.method == "POST" && call.path == route)
            .collect()
    }
}

/// Starts the application on `backend` with Stripe as its payment
/// provider, pointed at a fresh fake Stripe; Stripe calls time out after
/// 2 s so the timeout tests stay quick.
pub async fn spawn_app_with_stripe(backend: Backend) -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let base = stripe.url();
    let app = spawn_app_with(backend, move |settings| {
        settings.stripe_secret_key = Some("sk_test_masthead".into());
        settings.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        settings.stripe_api_base = Some(base);
        settings.stripe_timeout_seconds = 2;
    })
    .await;
    (app, stripe)
}
