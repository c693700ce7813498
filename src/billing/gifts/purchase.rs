//! Buying a gift: check the order, price it, record it as `open`, then ask
//! the provider for a one-time payment page. Like a checkout, the gift is
//! recorded first, so every page the provider opens is traced back to it.

use super::super::checkout::CHECKOUT_LIFETIME_HOURS;
use super::super::open_page::open_page;
use super::super::provider::{DevProvider, GiftCheckoutRequest, Provider};
use crate::db::gifts::{self, NewGift};
use crate::db::tiers::Tier;
use crate::db::{self, Database, DbConnection};
use crate::domain::{
    BillingInterval, Currency, FieldError, GiftId, GiftMessage, GiftMonths, GiftStatus,
    ReaderEmail, ReaderId, gift_price,
};
use crate::error::ApiError;
use chrono::{DateTime, Duration, Utc};

/// What the buyer asked for, its fields already parsed.
#[derive(Debug, Clone)]
pub struct GiftOrder {
    /// The tier's id, as listed by `GET /v1/plans`.
    pub tier: String,
    /// How long.
    pub months: GiftMonths,
    /// Who receives it.
    pub recipient_email: ReaderEmail,
    /// Who pays (receipt and refund link go here).
    pub buyer_email: ReaderEmail,
    /// The buyer's account, when logged in.
    pub buyer: Option<ReaderId>,
    /// The message shown to the recipient.
    pub message: Option<GiftMessage>,
    /// When the recipient is mailed ([`crate::domain::delivery_at`]).
    pub deliver_at: DateTime<Utc>,
    /// The currency, needed only when the tier is priced in several.
    pub currency: Option<Currency>,
}

/// A gift waiting for payment.
#[derive(Debug, Clone)]
pub struct OpenedGift {
    /// The gift's id.
    pub gift_id: GiftId,
    /// Where to send the buyer to pay.
    pub url: String,
    /// Which provider's page `url` is.
    pub provider: &'static str,
}

/// Records `order` and opens its payment page: 422 for an unknown tier, a
/// currency not sold, or a tier with no price; the provider's error (the
/// gift marked expired) when it cannot open a page.
pub async fn start_gift_checkout(
    db: &Database,
    provider: &Provider,
    order: GiftOrder,
) -> Result<OpenedGift, ApiError> {
    let id = GiftId::generate();
    let (tier, amount, currency) = {
        let (id, name) = (id.clone(), provider.name());
        let order = order.clone();
        db.run(move |conn| db::write_transaction(conn, |conn| record(conn, &id, name, &order)))
            .await?
    };
    let request = GiftCheckoutRequest {
        gift_id: &id,
        tier_name: &tier.name,
        tier_id: &tier.id,
        printed: tier.needs_shipping_address,
        months: order.months.get(),
        amount_cents: amount,
        currency: &currency,
        buyer_email: order.buyer_email.as_str(),
    };
    let opening = Box::pin(provider.start_gift_checkout(&request));
    let started = open_page(db, &id, opening).await?;
    Ok(OpenedGift {
        gift_id: id,
        url: started.url,
        provider: provider.name(),
    })
}

/// Checks and prices the order and records the gift as `open`; returns the
/// tier, the price and its currency.
fn record(
    conn: &mut DbConnection,
    id: &GiftId,
    provider: &str,
    order: &GiftOrder,
) -> Result<(Tier, i64, String), ApiError> {
    let tier = db::tiers::find(conn, &order.tier)?.ok_or_else(|| {
        ApiError::invalid_field(
            FieldError::new(
                "unknown_tier",
                format!(
                    "there is no tier {:?}; GET /v1/plans lists them",
                    order.tier
                ),
            )
            .at("tier"),
        )
    })?;
    let (amount, currency) = price(&tier, order)?;
    let now = Utc::now().naive_utc();
    let page_token = (provider == DevProvider::NAME)
        .then(|| crate::auth::RefreshToken::generate().into_plaintext());
    gifts::insert(
        conn,
        &NewGift {
            id: id.as_str(),
            tier_id: &tier.id,
            months: i32::try_from(order.months.get()).unwrap_or(12),
            amount_cents: amount,
            currency: &currency,
            buyer_email: order.buyer_email.as_str(),
            buyer_reader_id: order.buyer.as_ref().map(ReaderId::as_str),
            recipient_email: order.recipient_email.as_str(),
            message: order.message.as_ref().map(GiftMessage::as_str),
            deliver_at: order.deliver_at.naive_utc(),
            status: GiftStatus::Open.as_str(),
            provider,
            page_token: page_token.as_deref(),
            created_at: now,
            expires_at: now + Duration::hours(CHECKOUT_LIFETIME_HOURS),
        },
    )?;
    Ok((tier, amount, currency))
}

/// The gift's price ([`gift_price`]) in the order's currency, or the
/// tier's only one.
fn price(tier: &Tier, order: &GiftOrder) -> Result<(i64, String), ApiError> {
    let mut currencies: Vec<&Currency> = tier.prices.iter().map(|p| &p.currency).collect();
    currencies.sort_by_key(|c| c.as_str());
    currencies.dedup();
    let currency = match (&order.currency, currencies.as_slice()) {
        (Some(asked), _) if currencies.contains(&asked) => asked.clone(),
        (Some(asked), _) => {
            return Err(ApiError::invalid_field(
                FieldError::new(
                    "price_not_offered",
                    format!("the {} tier is not sold in {}", tier.id, asked.as_str()),
                )
                .at("currency"),
            ));
        }
        (None, [only]) => (*only).clone(),
        (None, _) => {
            return Err(ApiError::invalid_field(
                FieldError::new(
                    "required",
                    "this tier is sold in several currencies; choose one",
                )
                .at("currency"),
            ));
        }
    };
    let at = |interval| {
        tier.prices
            .iter()
            .find(|p| p.interval == interval && p.currency == currency)
            .map(|p| p.amount.get())
    };
    let (amount, _) = gift_price(
        order.months,
        at(BillingInterval::Month),
        at(BillingInterval::Year),
    )
    .ok_or_else(|| {
        ApiError::invalid_field(
            FieldError::new(
                "price_not_offered",
                format!("the {} tier has no price", tier.id),
            )
            .at("tier"),
        )
    })?;
    Ok((amount, currency.as_str().to_owned()))
}
