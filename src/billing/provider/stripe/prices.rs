//! Stripe prices for the magazine's tier prices: the one configured in
//! `tier_prices.stripe_price_id`, or else a product and a recurring price
//! created once at Stripe (idempotency keys named after the stored price)
//! and remembered, so editors need no Stripe dashboard to start selling.
//! They carry the configured tax behaviour and the tier's tax code, like
//! the ones `masthead stripe setup` makes.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::db::Database;
use crate::db::price_changes;
use crate::db::tiers::{self, Tier, TierPrice};
use crate::domain::BillingInterval;
use crate::error::ApiError;
use std::collections::HashMap;
use std::convert::Infallible;
use stripe::StripeRequest;
use stripe_product::PriceTaxBehavior;
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
use stripe_product::product::CreateProduct;

impl StripeProvider {
    /// The Stripe price id to charge for `price` of `tier`.
    pub(super) async fn stripe_price(
        &self,
        db: &Database,
        tier: &Tier,
        price: &TierPrice,
    ) -> Result<String, ApiError> {
        if let Some(configured) = &price.stripe_price_id {
            return Ok(configured.clone());
        }
        let (id, interval, currency) = (tier.id.clone(), price.interval, price.currency.clone());
        // A scheduled price in effect is a price of its own at Stripe,
        // named (and its keys derived) after the scheduled row.
        let row = match &price.scheduled {
            Some(scheduled) => scheduled.clone(),
            None => db
                .run(move |conn| Ok(tiers::price_id(conn, &id, interval, &currency)?))
                .await?
                .ok_or_else(|| {
                    anyhow::anyhow!("tier {} lost its {} price", tier.id, interval.as_str())
                })?,
        };
        let metadata = HashMap::from([
            ("tier".to_owned(), tier.id.clone()),
            ("tier_price".to_owned(), row.clone()),
        ]);
        let mut product = CreateProduct::new(tier.name.clone())
            .metadata(metadata.clone())
            .tax_code(self.tax.code_for(tier));
        if !tier.description.trim().is_empty() {
            product = product.description(tier.description.clone());
        }
        let product = product
            .customize()
            .request_strategy(once_with(&IdempotencyKey::product(&row))?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("set up the product", e))?;
        let currency: stripe_types::Currency = price
            .currency
            .as_str()
            .parse()
            .unwrap_or_else(|never: Infallible| match never {});
        let created = CreatePrice::new(currency)
            .unit_amount(price.amount.get())
            .recurring(CreatePriceRecurring::new(recurring(interval)))
            .product(product.id.as_str())
            .tax_behavior(tax_behavior(self.tax.behavior))
            .metadata(metadata)
            .customize()
            .request_strategy(once_with(&IdempotencyKey::price(&row))?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("set up the price", e))?;
        let created = created.id.as_str().to_owned();
        let scheduled = price.scheduled.is_some();
        db.run(move |conn| {
            Ok(if scheduled {
                price_changes::remember_stripe_price(conn, &row, &created)?
            } else {
                tiers::remember_stripe_price(conn, &row, &created)?
            })
        })
        .await
    }
}

fn recurring(interval: BillingInterval) -> CreatePriceRecurringInterval {
    match interval {
        BillingInterval::Month => CreatePriceRecurringInterval::Month,
        BillingInterval::Year => CreatePriceRecurringInterval::Year,
    }
}

fn tax_behavior(behavior: crate::settings::TaxBehavior) -> PriceTaxBehavior {
    match behavior {
        crate::settings::TaxBehavior::Exclusive => PriceTaxBehavior::Exclusive,
        crate::settings::TaxBehavior::Inclusive => PriceTaxBehavior::Inclusive,
    }
}
