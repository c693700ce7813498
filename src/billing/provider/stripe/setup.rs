//! `masthead stripe setup`: makes the Stripe account match the magazine —
//! a product per tier (with its tax code, `MASTHEAD_STRIPE_TAX_CODE_*`), a recurring price per tier
//! price (found again by its `lookup_key`), the billing-portal
//! configuration (switching between those prices, cancelling at the
//! period end) and the webhook endpoint with exactly the events the caller
//! names ([`SetupOptions::webhook_events`]: the webhooks' handled events)
//! on [`API_VERSION`]. Every object is looked up first
//! and written only when it differs, so a second run changes nothing; a
//! dry run only looks. The prices found or made are remembered in
//! `tier_prices.stripe_price_id`, which checkouts use (see `prices.rs`).

use super::follow_up::RequestBuilderParts;
use super::{API_VERSION, StripeProvider};
use crate::billing::provider::IdempotencyKey;
use crate::billing::provider::ProviderError;
use crate::db::Database;
use crate::db::tiers::{self, Tier, TierPrice};
use crate::error::ApiError;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use stripe_client_core::StripeMethod;

/// What the setup is asked to make.
#[derive(Debug, Clone)]
pub struct SetupOptions {
    /// Only look and say what would change.
    pub dry_run: bool,
    /// `<public url>/v1/webhooks/stripe`.
    pub webhook_url: String,
    /// The event types the endpoint receives: exactly those the webhooks
    /// handle. Given by the caller, as the webhooks sit above the provider
    /// (they read what it reports) and the provider must not import them.
    pub webhook_events: &'static [&'static str],
    /// Where the portal sends the reader back to.
    pub portal_return_url: String,
}

/// What the setup did (or, dry, would do).
#[derive(Debug, Clone, Default)]
pub struct SetupReport {
    /// One line per object: `product digital: unchanged prod_…`.
    pub lines: Vec<String>,
    /// How many writes were (or would be) made at Stripe.
    pub writes: usize,
    /// The new webhook endpoint's signing secret: Stripe shows it only
    /// when the endpoint is created.
    pub signing_secret: Option<String>,
}

impl SetupReport {
    fn note(&mut self, line: String) {
        tracing::info!("{line}");
        self.lines.push(line);
    }
}

/// A price setup keeps, by its product (for the portal's product list).
type PortalProducts = BTreeMap<String, Vec<String>>;

impl StripeProvider {
    /// Runs the setup against the account of the configured key.
    pub async fn setup(
        &self,
        db: &Database,
        options: &SetupOptions,
    ) -> Result<SetupReport, ApiError> {
        let all = db.run(|conn| Ok(tiers::all(conn)?)).await?;
        let mut report = SetupReport::default();
        let products = self
            .list("/products", json!({"active": true, "limit": 100}))
            .await?;
        let mut portal = PortalProducts::new();
        for tier in &all {
            let product = self
                .ensure_product(tier, &products, options, &mut report)
                .await?;
            for price in &tier.prices {
                let kept = self
                    .ensure_price(db, tier, price, &product, options, &mut report)
                    .await?;
                portal.entry(kept.0).or_default().push(kept.1);
            }
        }
        self.ensure_portal(&portal, options, &mut report).await?;
        self.ensure_webhook(options, &mut report).await?;
        Ok(report)
    }

    /// Every object of a list endpoint's first page (100 objects: far more
    /// than a magazine's tiers, configurations or endpoints).
    async fn list(&self, path: &str, query: Value) -> Result<Vec<Value>, ProviderError> {
        let parts = RequestBuilderParts {
            method: StripeMethod::Get,
            path: path.to_owned(),
            query: Some(query),
            form: None,
        };
        let answer = self
            .send_raw(parts, None, "list the account's objects")
            .await?;
        Ok(answer
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// POSTs `form` to `path` once per `key` (unless dry) and returns
    /// Stripe's object (dry: `Value::Null`).
    async fn write(
        &self,
        path: &str,
        form: Value,
        key: &IdempotencyKey,
        options: &SetupOptions,
        report: &mut SetupReport,
    ) -> Result<Value, ProviderError> {
        report.writes += 1;
        if options.dry_run {
            return Ok(Value::Null);
        }
        let parts = RequestBuilderParts {
            method: StripeMethod::Post,
            path: path.to_owned(),
            query: None,
            form: Some(form),
        };
        self.send_raw(parts, Some(key), "set up the Stripe account")
            .await
    }

    /// The tier's product (one whose `metadata.tier` names it, made by an
    /// earlier setup or checkout), created or brought up to date.
    async fn ensure_product(
        &self,
        tier: &Tier,
        products: &[Value],
        options: &SetupOptions,
        report: &mut SetupReport,
    ) -> Result<String, ProviderError> {
        let tax_code = self.tax.code_for(tier);
        let mut form = json!({"name": tier.name, "tax_code": tax_code,
                              "metadata": {"tier": tier.id}});
        if !tier.description.trim().is_empty() {
            form["description"] = json!(tier.description);
        }
        let key = IdempotencyKey::setup(&format!("product:{}", tier.id), &fingerprint(&form));
        let found = products
            .iter()
            .find(|product| text(product, "/metadata/tier") == Some(tier.id.as_str()));
        let Some(found) = found else {
            let made = self.write("/products", form, &key, options, report).await?;
            let id = text(&made, "/id").unwrap_or("(new)").to_owned();
            report.note(format!("product {}: created {id}", tier.id));
            return Ok(id);
        };
        let id = text(found, "/id").unwrap_or_default().to_owned();
        let current_code = text(found, "/tax_code").or_else(|| text(found, "/tax_code/id"));
        let same = text(found, "/name") == Some(tier.name.as_str())
            && current_code == Some(tax_code)
            && (tier.description.trim().is_empty()
                || text(found, "/description") == Some(tier.description.as_str()));
        if same {
            report.note(format!("product {}: unchanged {id}", tier.id));
        } else {
            self.write(&format!("/products/{id}"), form, &key, options, report)
                .await?;
            report.note(format!("product {}: updated {id}", tier.id));
        }
        Ok(id)
    }

    /// The Stripe price of one tier price: the one carrying its lookup key
    /// if it still fits, else the remembered one if it fits (then given the
    /// key), else a new one under `product` (taking the key over, as
    /// Stripe's prices cannot change amount). Returns (product, price).
    async fn ensure_price(
        &self,
        db: &Database,
        tier: &Tier,
        price: &TierPrice,
        product: &str,
        options: &SetupOptions,
        report: &mut SetupReport,
    ) -> Result<(String, String), ApiError> {
        let lookup_key = lookup_key(tier, price);
        let label = format!("price {lookup_key}");
        let wanted_tax = self.tax.behavior.as_str();
        let by_key = self
            .list(
                "/prices",
                json!({"lookup_keys": [lookup_key], "active": true, "limit": 1}),
            )
            .await?
            .into_iter()
            .find(|found| fits(found, price));
        let by_key = by_key.filter(|found| text(found, "/tax_behavior") == Some(wanted_tax));
        let kept = if let Some(found) = by_key {
            report.note(format!(
                "{label}: unchanged {}",
                text(&found, "/id").unwrap_or_default()
            ));
            found
        } else {
            let remembered = match &price.stripe_price_id {
                Some(id) => self.retrieve_price(id).await?,
                None => None,
            };
            let adoptable = remembered.filter(|found| {
                fits(found, price)
                    && (matches!(text(found, "/tax_behavior"), None | Some("unspecified"))
                        || text(found, "/tax_behavior") == Some(wanted_tax))
            });
            if let Some(found) = adoptable {
                let id = text(&found, "/id").unwrap_or_default().to_owned();
                let form = json!({"lookup_key": lookup_key, "transfer_lookup_key": true,
                                  "tax_behavior": wanted_tax});
                let key = IdempotencyKey::setup(&format!("price:{id}"), &fingerprint(&form));
                self.write(&format!("/prices/{id}"), form, &key, options, report)
                    .await?;
                report.note(format!("{label}: adopted {id}"));
                found
            } else {
                let form = json!({
                    "currency": price.currency.as_str(),
                    "unit_amount": price.amount.get(),
                    "recurring": {"interval": price.interval.as_str()},
                    "product": product,
                    "tax_behavior": wanted_tax,
                    "lookup_key": lookup_key,
                    "transfer_lookup_key": true,
                    "metadata": {"tier": tier.id},
                });
                let key =
                    IdempotencyKey::setup(&format!("price:{lookup_key}"), &fingerprint(&form));
                let made = self.write("/prices", form, &key, options, report).await?;
                let id = text(&made, "/id").unwrap_or("(new)");
                report.note(format!("{label}: created {id}"));
                if options.dry_run {
                    json!({"id": "(new)", "product": product})
                } else {
                    made
                }
            }
        };
        let id = text(&kept, "/id").unwrap_or_default().to_owned();
        let of_product = text(&kept, "/product")
            .or_else(|| text(&kept, "/product/id"))
            .unwrap_or(product)
            .to_owned();
        if !options.dry_run && price.stripe_price_id.as_deref() != Some(id.as_str()) {
            let (tier_id, interval, currency, stripe_id) = (
                tier.id.clone(),
                price.interval,
                price.currency.clone(),
                id.clone(),
            );
            db.run(move |conn| {
                let row = tiers::price_id(conn, &tier_id, interval, &currency)?
                    .ok_or(diesel::result::Error::NotFound)?;
                Ok(tiers::set_stripe_price(conn, &row, &stripe_id)?)
            })
            .await?;
        }
        Ok((of_product, id))
    }

    /// A price by id, or `None` if Stripe has no such price.
    async fn retrieve_price(&self, id: &str) -> Result<Option<Value>, ProviderError> {
        let parts = RequestBuilderParts {
            method: StripeMethod::Get,
            path: format!("/prices/{id}"),
            query: None,
            form: None,
        };
        match self.send_raw(parts, None, "read a price").await {
            Ok(found) => Ok(Some(found)),
            Err(ProviderError::Rejected(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The portal configuration: Masthead's (marked in its metadata) or
    /// else the account's default one, made to offer switching between the
    /// kept prices (downgrades at the period end, upgrades invoiced at
    /// once) and cancelling at the period end.
    async fn ensure_portal(
        &self,
        products: &PortalProducts,
        options: &SetupOptions,
        report: &mut SetupReport,
    ) -> Result<(), ProviderError> {
        let mut form = portal_form(products, &options.portal_return_url);
        let print = fingerprint(&form);
        form["metadata"] = json!({"masthead": "portal", "masthead_setup": print});
        let key = IdempotencyKey::setup("portal", &print);
        let configurations = self
            .list(
                "/billing_portal/configurations",
                json!({"active": true, "limit": 100}),
            )
            .await?;
        let found = configurations
            .iter()
            .find(|c| text(c, "/metadata/masthead") == Some("portal"))
            .or_else(|| {
                configurations
                    .iter()
                    .find(|c| c["is_default"] == json!(true))
            });
        match found {
            Some(found) if text(found, "/metadata/masthead_setup") == Some(print.as_str()) => {
                report.note(format!(
                    "portal configuration: unchanged {}",
                    text(found, "/id").unwrap_or_default()
                ));
            }
            Some(found) => {
                let id = text(found, "/id").unwrap_or_default();
                self.write(
                    &format!("/billing_portal/configurations/{id}"),
                    form,
                    &key,
                    options,
                    report,
                )
                .await?;
                report.note(format!("portal configuration: updated {id}"));
            }
            None => {
                let made = self
                    .write(
                        "/billing_portal/configurations",
                        form,
                        &key,
                        options,
                        report,
                    )
                    .await?;
                report.note(format!(
                    "portal configuration: created {}",
                    text(&made, "/id").unwrap_or("(new)")
                ));
                self.name_the_portal(text(&made, "/id"), report);
                return Ok(());
            }
        }
        if let Some(found) = found.filter(|found| found["is_default"] != json!(true)) {
            self.name_the_portal(text(found, "/id"), report);
        }
        Ok(())
    }

    /// The webhook endpoint for `options.webhook_url`: created with
    /// `options.webhook_events` and the pinned API version (its signing secret kept
    /// for the report), or its events brought up to date. An endpoint on
    /// another API version cannot be changed to this one (Stripe sets the
    /// version at creation), so a new endpoint is made beside it.
    async fn ensure_webhook(
        &self,
        options: &SetupOptions,
        report: &mut SetupReport,
    ) -> Result<(), ProviderError> {
        let events: BTreeSet<&str> = options.webhook_events.iter().copied().collect();
        let endpoints = self
            .list("/webhook_endpoints", json!({"limit": 100}))
            .await?;
        let found = endpoints.iter().find(|e| {
            text(e, "/url") == Some(options.webhook_url.as_str())
                && text(e, "/api_version") == Some(API_VERSION)
        });
        let stale = endpoints.iter().find(|e| {
            text(e, "/url") == Some(options.webhook_url.as_str())
                && text(e, "/api_version") != Some(API_VERSION)
        });
        let form = json!({"enabled_events": events, "disabled": false});
        let print = fingerprint(&form);
        if let Some(found) = found {
            let id = text(found, "/id").unwrap_or_default();
            let current: BTreeSet<&str> = found["enabled_events"]
                .as_array()
                .map(|list| list.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if current == events && text(found, "/status") != Some("disabled") {
                report.note(format!("webhook endpoint: unchanged {id}"));
            } else {
                let key = IdempotencyKey::setup(&format!("webhook:{id}"), &print);
                self.write(
                    &format!("/webhook_endpoints/{id}"),
                    form,
                    &key,
                    options,
                    report,
                )
                .await?;
                report.note(format!("webhook endpoint: updated {id} (events)"));
            }
            return Ok(());
        }
        let form = json!({
            "url": options.webhook_url,
            "enabled_events": events,
            "api_version": API_VERSION,
            "description": "Masthead",
            "metadata": {"masthead": "webhook"},
        });
        let key = IdempotencyKey::setup("webhook", &fingerprint(&form));
        let made = self
            .write("/webhook_endpoints", form, &key, options, report)
            .await?;
        report.note(format!(
            "webhook endpoint: created {} for {} on API version {API_VERSION}",
            text(&made, "/id").unwrap_or("(new)"),
            options.webhook_url
        ));
        if let Some(stale) = stale {
            report.note(format!(
                "webhook endpoint {} is on API version {}: delete it once the new secret is deployed",
                text(stale, "/id").unwrap_or_default(),
                text(stale, "/api_version").unwrap_or("(account default)")
            ));
        }
        report.signing_secret = text(&made, "/secret").map(str::to_owned);
        Ok(())
    }
}

impl StripeProvider {
    /// Portal sessions use the account's default configuration unless
    /// told otherwise: a configuration that is not the default must be
    /// named in `MASTHEAD_STRIPE_PORTAL_CONFIGURATION`.
    fn name_the_portal(&self, id: Option<&str>, report: &mut SetupReport) {
        let Some(id) = id else { return };
        if self.settings.stripe_portal_configuration.as_deref() != Some(id) {
            report.note(format!(
                "portal configuration {id} is not the account's default: set MASTHEAD_STRIPE_PORTAL_CONFIGURATION={id}"
            ));
        }
    }
}

/// The portal configuration's parameters
/// (<https://docs.stripe.com/api/customer_portal/configurations/create>).
fn portal_form(products: &PortalProducts, return_url: &str) -> Value {
    let products: Vec<Value> = products
        .iter()
        .map(|(product, prices)| json!({"product": product, "prices": prices}))
        .collect();
    json!({
        "default_return_url": return_url,
        "features": {
            "subscription_update": {
                "enabled": true,
                "default_allowed_updates": ["price"],
                "proration_behavior": "always_invoice",
                "products": products,
                "schedule_at_period_end": {"conditions": [
                    {"type": "decreasing_item_amount"},
                    {"type": "shortening_interval"},
                ]},
            },
            "subscription_cancel": {
                "enabled": true,
                "mode": "at_period_end",
                "proration_behavior": "none",
            },
            "payment_method_update": {"enabled": true},
            "invoice_history": {"enabled": true},
        },
    })
}

/// The lookup key of a tier price: `masthead_<tier>_<interval>_<currency>`.
fn lookup_key(tier: &Tier, price: &TierPrice) -> String {
    format!(
        "masthead_{}_{}_{}",
        tier.id,
        price.interval.as_str(),
        price.currency.as_str().to_ascii_lowercase()
    )
}

/// Whether a Stripe price charges what `price` says: active, same amount,
/// currency and interval.
fn fits(found: &Value, price: &TierPrice) -> bool {
    found["active"] != json!(false)
        && found["unit_amount"].as_i64() == Some(price.amount.get())
        && text(found, "/currency").map(str::to_ascii_lowercase)
            == Some(price.currency.as_str().to_ascii_lowercase())
        && text(found, "/recurring/interval") == Some(price.interval.as_str())
}

fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// A short digest of the parameters asked for.
fn fingerprint(form: &Value) -> String {
    let digest = Sha256::digest(form.to_string().as_bytes());
    digest.iter().take(8).fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_offers_every_kept_price_and_cancels_at_the_period_end() {
        let products = PortalProducts::from([(
            "prod_d".to_owned(),
            vec!["price_m".to_owned(), "price_y".to_owned()],
        )]);
        let form = portal_form(&products, "https://m.example/billing/portal/return");
        assert_eq!(
            form["features"]["subscription_update"]["products"][0]["prices"][1],
            "price_y"
        );
        assert_eq!(
            form["features"]["subscription_cancel"]["mode"],
            "at_period_end"
        );
    }

    #[test]
    fn a_different_request_has_a_different_fingerprint() {
        assert_ne!(fingerprint(&json!({"a": 1})), fingerprint(&json!({"a": 2})));
        assert_eq!(fingerprint(&json!({"a": 1})), fingerprint(&json!({"a": 1})));
    }
}
