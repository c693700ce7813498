//! `masthead stripe setup` (issue 12 item 8) against the fake Stripe, made
//! to remember what it is sent the way an account does: products, prices,
//! portal configurations and webhook endpoints created are listed again,
//! so a second run can find them. The setup is run through the same
//! library function the command calls, on the test app's database.

use crate::billing_stripe::stripe_subscriber;
use crate::support::billing_fixtures::open_checkout;
use crate::support::fake_stripe::{FakeStripe, StripeCall, fixture};
use crate::support::helpers::{TestApp, TestReader, spawn_instance_beside};
use diesel::prelude::*;
use masthead::billing::{STRIPE_API_VERSION, webhooks::HANDLED_EVENTS};
use masthead::db::schema::tier_prices;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, Request, ResponseTemplate};

/// The objects of the fake account, by list path (`/v1/products`).
#[derive(Default)]
struct Account {
    objects: Vec<(String, Value)>,
    next: u32,
}

type Shared = Arc<Mutex<Account>>;

/// Turns Stripe's form encoding (`a[b][0]=x`) back into JSON, the way
/// Stripe reads its parameters (<https://docs.stripe.com/api/request_ids>
/// shows the encoding; arrays are indexed).
fn unflatten(call: &StripeCall) -> Value {
    let mut root = json!({});
    for (key, value) in &call.form {
        let mut parts: Vec<String> = Vec::new();
        let (head, rest) = key.split_once('[').unwrap_or((key.as_str(), ""));
        parts.push(head.to_owned());
        for piece in rest.split('[') {
            let piece = piece.trim_end_matches(']');
            if !piece.is_empty() {
                parts.push(piece.to_owned());
            }
        }
        let mut at = &mut root;
        for (i, part) in parts.iter().enumerate() {
            let is_leaf = i + 1 == parts.len();
            let next_is_index = parts.get(i + 1).is_some_and(|p| p.parse::<usize>().is_ok());
            if let Ok(index) = part.parse::<usize>() {
                let list = at.as_array_mut().expect("an indexed parameter is a list");
                while list.len() <= index {
                    list.push(if next_is_index { json!([]) } else { json!({}) });
                }
                at = &mut list[index];
            } else {
                let object = at.as_object_mut().expect("a named parameter is an object");
                at = object
                    .entry(part.clone())
                    .or_insert_with(|| if next_is_index { json!([]) } else { json!({}) });
            }
            if is_leaf {
                *at = match value.as_str() {
                    "true" => json!(true),
                    "false" => json!(false),
                    text => text
                        .parse::<i64>()
                        .map_or_else(|_| json!(text), |number| json!(number)),
                };
            }
        }
    }
    root
}

fn merge(into: &mut Value, from: &Value) {
    if let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) {
        for (key, value) in from {
            if value.is_object() && into.get(key).is_some_and(Value::is_object) {
                merge(into.get_mut(key).expect("present"), value);
            } else {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Mounts the account's list, create, retrieve and update endpoints for
/// `route` (`/v1/products`), objects made from Stripe's fixture `name`.
async fn remember(
    stripe: &FakeStripe,
    account: &Shared,
    route: &'static str,
    name: &'static str,
    prefix: &'static str,
) {
    let shared = account.clone();
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(move |request: &Request| {
            let call = StripeCall::from_request(request);
            let account = shared.lock().expect("account lock");
            let data: Vec<Value> = account
                .objects
                .iter()
                .filter(|(at, _)| at == route)
                .map(|(_, object)| object.clone())
                .filter(|object| match call.query_param("lookup_keys[0]") {
                    Some(key) => object["lookup_key"] == json!(key),
                    None => true,
                })
                .collect();
            ResponseTemplate::new(200).set_body_json(
                json!({"object": "list", "data": data, "has_more": false, "url": route}),
            )
        })
        .with_priority(1)
        .mount(&stripe.server)
        .await;
    let shared = account.clone();
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(move |request: &Request| {
            let call = StripeCall::from_request(request);
            let mut account = shared.lock().expect("account lock");
            account.next += 1;
            let mut object = fixture(name);
            object["metadata"] = json!({});
            object["id"] = json!(format!("{prefix}_setup{}", account.next));
            object["active"] = json!(true);
            merge(&mut object, &unflatten(&call));
            if route == "/v1/prices" {
                object["type"] = json!("recurring");
                if object["transfer_lookup_key"] == json!(true) {
                    for (at, other) in &mut account.objects {
                        if at == route && other["lookup_key"] == object["lookup_key"] {
                            other["lookup_key"] = Value::Null;
                        }
                    }
                }
            }
            if route == "/v1/billing_portal/configurations" {
                object["is_default"] = json!(false);
            }
            let mut answer = object.clone();
            if route == "/v1/webhook_endpoints" {
                object["status"] = json!("enabled");
                answer["secret"] = json!(format!("whsec_setup{}", account.next));
            }
            account.objects.push((route.to_owned(), object));
            ResponseTemplate::new(200).set_body_json(answer)
        })
        .with_priority(1)
        .mount(&stripe.server)
        .await;
    remember_each(stripe, account, route).await;
}

/// Mounts retrieve and update of one object of `route`.
async fn remember_each(stripe: &FakeStripe, account: &Shared, route: &'static str) {
    let one = format!("^{route}/[A-Za-z0-9_]+$");
    let shared = account.clone();
    Mock::given(method("GET"))
        .and(path_regex(one.clone()))
        .respond_with(move |request: &Request| {
            let call = StripeCall::from_request(request);
            let account = shared.lock().expect("account lock");
            let id = call.path.rsplit('/').next().unwrap_or_default();
            match account.objects.iter().find(|(_, o)| o["id"] == json!(id)) {
                Some((_, object)) => ResponseTemplate::new(200).set_body_json(object.clone()),
                None => ResponseTemplate::new(404).set_body_json(json!({"error": {
                    "type": "invalid_request_error", "code": "resource_missing",
                    "message": format!("No such object: '{id}'")}})),
            }
        })
        .with_priority(1)
        .mount(&stripe.server)
        .await;
    let shared = account.clone();
    Mock::given(method("POST"))
        .and(path_regex(one))
        .respond_with(move |request: &Request| {
            let call = StripeCall::from_request(request);
            let mut account = shared.lock().expect("account lock");
            let id = call.path.rsplit('/').next().unwrap_or_default().to_owned();
            let form = unflatten(&call);
            if form["transfer_lookup_key"] == json!(true) {
                for (at, other) in &mut account.objects {
                    if at == route && other["lookup_key"] == form["lookup_key"] {
                        other["lookup_key"] = Value::Null;
                    }
                }
            }
            match account
                .objects
                .iter_mut()
                .find(|(_, o)| o["id"] == json!(id))
            {
                Some((_, object)) => {
                    // Stripe replaces lists and the portal's product list
                    // on update rather than merging them.
                    if let Some(events) = form.get("enabled_events") {
                        object["enabled_events"] = events.clone();
                    }
                    merge(object, &form);
                    ResponseTemplate::new(200).set_body_json(object.clone())
                }
                None => ResponseTemplate::new(404).set_body_json(json!({"error": {
                    "type": "invalid_request_error", "code": "resource_missing",
                    "message": format!("No such object: '{id}'")}})),
            }
        })
        .with_priority(1)
        .mount(&stripe.server)
        .await;
}

/// Gives the reader a UK address (print needs one).
async fn add_address(app: &TestApp, reader: &TestReader) {
    let address = json!({"line1": "1 Fleet Street", "city": "London", "postal_code": "EC4Y 1AA", "country": "GB"});
    let patched = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"shipping_address": address}))
        .send()
        .await
        .expect("request sent");
    assert_eq!(patched.status(), reqwest::StatusCode::OK);
}

/// The fake Stripe remembering a whole account.
async fn account(stripe: &FakeStripe) -> Shared {
    let account = Shared::default();
    remember(stripe, &account, "/v1/products", "product", "prod").await;
    remember(stripe, &account, "/v1/prices", "price", "price").await;
    remember(
        stripe,
        &account,
        "/v1/billing_portal/configurations",
        "billing_portal.configuration",
        "bpc",
    )
    .await;
    remember(
        stripe,
        &account,
        "/v1/webhook_endpoints",
        "webhook_endpoint",
        "we",
    )
    .await;
    account
}

/// Runs the setup the way `masthead stripe setup` does, on the app's
/// database and the fake Stripe.
async fn run_setup(
    app: &TestApp,
    stripe: &FakeStripe,
    dry_run: bool,
    adjust: impl FnOnce(&mut masthead::settings::Settings),
) -> masthead::billing::StripeSetupReport {
    let data_dir = tempfile::tempdir().expect("data directory");
    let (mut settings, _) = crate::support::helpers::test_settings(
        crate::support::helpers::Backend::Sqlite,
        data_dir.path(),
    );
    settings.database_url = Some(app.database_url.clone().into());
    settings.public_url = Some("https://magazine.example".to_owned());
    settings.stripe_secret_key = Some("sk_test_masthead".into());
    settings.stripe_api_base = Some(stripe.url());
    adjust(&mut settings);
    let db = masthead::startup::open_database(&settings)
        .await
        .expect("database");
    let report = masthead::billing::stripe_setup(&settings, &db, dry_run).await;
    db.close();
    report.expect("the setup succeeds")
}

fn writes(calls: &[StripeCall]) -> Vec<String> {
    calls
        .iter()
        .filter(|call| call.method != "GET")
        .map(|call| format!("{} {}", call.method, call.path))
        .collect()
}

/// The first run makes everything, with the parameters Stripe documents:
/// products with a tax code (<https://docs.stripe.com/api/products/create>,
/// `tax_code`), recurring prices with `lookup_key` and `tax_behavior`
/// (<https://docs.stripe.com/api/prices/create>), the portal configuration
/// switching between exactly those prices and cancelling at the period
/// end (<https://docs.stripe.com/api/customer_portal/configurations/create>),
/// and the webhook endpoint with the handled events on the pinned API
/// version (<https://docs.stripe.com/api/webhook_endpoints/create>), whose
/// signing secret is returned only then. Checkouts then charge the prices
/// it made. A second run writes nothing.
async fn setup_creates_the_account_once(app: TestApp, stripe: FakeStripe) {
    let _account = account(&stripe).await;
    let first = run_setup(&app, &stripe, false, |_| {}).await;
    let prices = assert_products_and_prices(&stripe).await;
    assert_portal_and_endpoint(&stripe).await;
    assert_eq!(first.signing_secret.as_deref(), Some("whsec_setup8"));
    assert_eq!(first.writes, 8);
    assert_eq!(prices.len(), 4);
    assert!(
        first
            .lines
            .iter()
            .any(|line| line.ends_with("set MASTHEAD_STRIPE_PORTAL_CONFIGURATION=bpc_setup7")),
        "a configuration that is not the default must be named: {:?}",
        first.lines
    );

    // The prices made are the ones a checkout charges.
    let reader = app.new_reader().await;
    open_checkout(&app, &reader, "digital", "month").await;
    let session = stripe.calls_to("/v1/checkout/sessions").await;
    let charged = session[0]
        .param("line_items[0][price]")
        .expect("a price")
        .to_owned();
    assert!(
        charged.starts_with("price_setup"),
        "checkout charges the setup's price, not a new one: {charged}"
    );
    assert_eq!(
        stripe.calls_to("/v1/prices").await.len(),
        4,
        "no price made at checkout"
    );

    let before = writes(&stripe.calls().await).len();
    let second = run_setup(&app, &stripe, false, |_| {}).await;
    let after = writes(&stripe.calls().await);
    assert_eq!(
        after.len(),
        before,
        "a second run writes nothing: {:?}",
        &after[before..]
    );
    assert_eq!(second.writes, 0);
    assert!(second.signing_secret.is_none(), "the secret is shown once");
    assert!(
        second.lines.iter().all(|line| line.contains("unchanged")
            || line.contains("MASTHEAD_STRIPE_PORTAL_CONFIGURATION")),
        "{:?}",
        second.lines
    );
}

/// The products carry the tiers' tax codes; the prices their lookup keys,
/// tax behaviour and idempotency keys. Returns the price creations.
async fn assert_products_and_prices(stripe: &FakeStripe) -> Vec<StripeCall> {
    let calls = stripe.calls().await;

    let products = stripe.calls_to("/v1/products").await;
    assert_eq!(
        products.len(),
        2,
        "one product per tier: {:?}",
        writes(&calls)
    );
    let digital = products
        .iter()
        .find(|c| c.param("metadata[tier]") == Some("digital"))
        .expect("digital product");
    let print = products
        .iter()
        .find(|c| c.param("metadata[tier]") == Some("print"))
        .expect("print product");
    assert_eq!(digital.param("tax_code"), Some("txcd_10000000"));
    assert_eq!(print.param("tax_code"), Some("txcd_99999999"));
    assert_eq!(digital.param("name"), Some("Digital"));

    let prices = stripe.calls_to("/v1/prices").await;
    assert_eq!(prices.len(), 4, "two intervals of two tiers");
    for price in &prices {
        assert_eq!(price.param("tax_behavior"), Some("exclusive"));
        assert_eq!(price.param("transfer_lookup_key"), Some("true"));
        let key = price.param("lookup_key").expect("a lookup key");
        let interval = price.param("recurring[interval]").expect("recurring");
        assert!(
            key.starts_with("masthead_") && key.contains(interval),
            "{key}"
        );
        assert!(price.idempotency_key.is_some(), "every write is idempotent");
    }
    prices
}

/// The portal offers the four prices and cancels at the period end; the
/// endpoint gets exactly the handled events on the pinned version.
async fn assert_portal_and_endpoint(stripe: &FakeStripe) {
    let portal = stripe.calls_to("/v1/billing_portal/configurations").await;
    assert_eq!(portal.len(), 1);
    let portal = &portal[0];
    assert_eq!(
        portal.param("features[subscription_cancel][enabled]"),
        Some("true")
    );
    assert_eq!(
        portal.param("features[subscription_cancel][mode]"),
        Some("at_period_end")
    );
    assert_eq!(
        portal.param("features[subscription_update][enabled]"),
        Some("true")
    );
    assert_eq!(
        portal.param("features[subscription_update][default_allowed_updates][0]"),
        Some("price")
    );
    let offered: BTreeSet<&str> = portal
        .form
        .iter()
        .filter(|(k, _)| {
            k.starts_with("features[subscription_update][products]") && k.contains("[prices]")
        })
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        offered.len(),
        4,
        "the portal switches between the four prices: {offered:?}"
    );
    assert_eq!(
        portal.param("default_return_url"),
        Some("https://magazine.example/billing/portal/return")
    );

    let endpoint = stripe.calls_to("/v1/webhook_endpoints").await;
    assert_eq!(endpoint.len(), 1);
    let endpoint = &endpoint[0];
    assert_eq!(
        endpoint.param("url"),
        Some("https://magazine.example/v1/webhooks/stripe")
    );
    assert_eq!(endpoint.param("api_version"), Some(STRIPE_API_VERSION));
    let events: BTreeSet<&str> = endpoint
        .form
        .iter()
        .filter(|(k, _)| k.starts_with("enabled_events["))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        events,
        HANDLED_EVENTS.iter().copied().collect::<BTreeSet<_>>()
    );
    assert!(events.contains("invoice_payment.paid") && events.contains("charge.dispute.closed"));
}

/// `--dry-run` only reads: it reports the eight writes a fresh account
/// needs and makes none (no POST reaches Stripe, no price is remembered,
/// so a checkout afterwards still creates its own).
async fn setup_dry_run_writes_nothing(app: TestApp, stripe: FakeStripe) {
    let _account = account(&stripe).await;
    let report = run_setup(&app, &stripe, true, |_| {}).await;
    assert_eq!(report.writes, 8, "{:?}", report.lines);
    assert!(report.signing_secret.is_none());
    let calls = stripe.calls().await;
    assert!(!calls.is_empty(), "the dry run looks at the account");
    assert_eq!(
        writes(&calls),
        Vec::<String>::new(),
        "the dry run wrote to Stripe"
    );
    assert!(
        report
            .lines
            .iter()
            .any(|line| line.starts_with("webhook endpoint: created"))
    );
}

/// A changed tier name and tax setting is brought up to date without
/// duplicating anything: the product is updated in place, prices are
/// immutable at Stripe (<https://docs.stripe.com/products-prices/manage-prices#edit-price>)
/// so an inclusive price replaces each exclusive one and takes over its
/// lookup key; the portal then offers the new prices; the webhook
/// endpoint, already right, is left alone.
async fn setup_updates_what_changed(app: TestApp, stripe: FakeStripe) {
    let account = account(&stripe).await;
    run_setup(&app, &stripe, false, |_| {}).await;
    let before = stripe.calls().await.len();
    let report = run_setup(&app, &stripe, false, |settings| {
        settings.stripe_tax_behavior = masthead::settings::TaxBehavior::Inclusive;
        "txcd_10103000".clone_into(&mut settings.stripe_tax_code_digital);
    })
    .await;
    let later: Vec<StripeCall> = stripe.calls().await.into_iter().skip(before).collect();
    let written = writes(&later);
    assert_eq!(
        written
            .iter()
            .filter(|w| w.as_str() == "POST /v1/prices")
            .count(),
        4,
        "{written:?}"
    );
    assert_eq!(
        written
            .iter()
            .filter(|w| w.starts_with("POST /v1/products/"))
            .count(),
        1,
        "only digital's product changed: {written:?}"
    );
    assert_eq!(
        written
            .iter()
            .filter(|w| w.starts_with("POST /v1/billing_portal/configurations/"))
            .count(),
        1
    );
    assert!(
        !written.iter().any(|w| w.contains("webhook_endpoints")),
        "{written:?}"
    );
    assert!(report.signing_secret.is_none());
    let account = account.lock().expect("account");
    let keyed: Vec<&Value> = account
        .objects
        .iter()
        .filter(|(at, o)| at == "/v1/prices" && o["lookup_key"] == json!("masthead_print_year_usd"))
        .map(|(_, o)| o)
        .collect();
    assert_eq!(keyed.len(), 1, "the lookup key moved to the new price");
    assert_eq!(keyed[0]["tax_behavior"], "inclusive");
}

/// With `MASTHEAD_STRIPE_AUTOMATIC_TAX` a checkout asks Stripe Tax to
/// compute the tax: `automatic_tax[enabled]=true`, and for the existing
/// customer `customer_update[address]=auto` (Stripe requires saving the
/// address it collects; <https://docs.stripe.com/tax/checkout>), with
/// `customer_update[shipping]=auto` when print collects a shipping address.
/// Off by default: nothing of it is sent.
async fn checkout_collects_tax_when_configured(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    add_address(&app, &reader).await;
    open_checkout(&app, &reader, "print", "year").await;
    let session = &stripe.calls_to("/v1/checkout/sessions").await[0];
    assert_eq!(
        session.param("automatic_tax[enabled]"),
        None,
        "off by default"
    );
    assert_eq!(session.param("customer_update[address]"), None);
    let price = &stripe.calls_to("/v1/prices").await[0];
    assert_eq!(price.param("tax_behavior"), Some("exclusive"));
    assert_eq!(
        stripe.calls_to("/v1/products").await[0].param("tax_code"),
        Some("txcd_99999999")
    );

    // Another instance on the same database, configured for Stripe Tax
    // and tax-inclusive prices (the stored prices are forgotten so it
    // makes its own).
    let base = stripe.url();
    let taxed = spawn_instance_beside(&app, move |settings| {
        settings.stripe_secret_key = Some("sk_test_masthead".into());
        settings.stripe_api_base = Some(base);
        settings.stripe_automatic_tax = true;
        settings.stripe_tax_behavior = masthead::settings::TaxBehavior::Inclusive;
    })
    .await;
    diesel::update(tier_prices::table)
        .set(tier_prices::stripe_price_id.eq(None::<String>))
        .execute(&mut app.db())
        .expect("forget the prices");
    let reader = taxed.new_reader().await;
    add_address(&taxed, &reader).await;
    open_checkout(&taxed, &reader, "print", "year").await;
    let session = &stripe.calls_to("/v1/checkout/sessions").await[1];
    assert_eq!(session.param("automatic_tax[enabled]"), Some("true"));
    assert_eq!(session.param("customer_update[address]"), Some("auto"));
    assert_eq!(session.param("customer_update[shipping]"), Some("auto"));
    let price = stripe.calls_to("/v1/prices").await;
    assert_eq!(
        price.last().expect("a price").param("tax_behavior"),
        Some("inclusive")
    );
}

/// With `MASTHEAD_STRIPE_PORTAL_CONFIGURATION` set (as setup asks when
/// its configuration is not the account's default), portal sessions name
/// it (`configuration`, <https://docs.stripe.com/api/customer_portal/sessions/create>);
/// unset, they leave Stripe to use the default.
async fn portal_sessions_use_the_configured_portal(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    stripe_subscriber(&app, &reader).await;
    let opened = app
        .post_json_auth("/v1/billing/portal", &reader.access_token, &json!({}))
        .await;
    assert_eq!(opened.status(), reqwest::StatusCode::OK);
    let base = stripe.url();
    let configured = spawn_instance_beside(&app, move |settings| {
        settings.stripe_secret_key = Some("sk_test_masthead".into());
        settings.stripe_api_base = Some(base);
        settings.stripe_portal_configuration = Some("bpc_setup7".to_owned());
    })
    .await;
    let opened = configured
        .post_json_auth("/v1/billing/portal", &reader.access_token, &json!({}))
        .await;
    assert_eq!(opened.status(), reqwest::StatusCode::OK);
    let sessions = stripe.calls_to("/v1/billing_portal/sessions").await;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].param("configuration"), None);
    assert_eq!(sessions[1].param("configuration"), Some("bpc_setup7"));
}

on_both_backends!(with = crate::support::fake_stripe::spawn_app_with_stripe;
    portal_sessions_use_the_configured_portal,
    setup_creates_the_account_once,
    setup_dry_run_writes_nothing,
    setup_updates_what_changed,
    checkout_collects_tax_when_configured,
);
