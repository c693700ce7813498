//! Starting a checkout: check the order against the offer and the reader,
//! record the checkout with the quoted price, then ask the provider for a
//! payment page. The checkout is recorded first, so every page the
//! provider opens can be traced back to it.

use super::offers::quote::{Quote, quote};
use super::open_page::open_page;
use super::provider::{CheckoutRequest, DevProvider, Provider};
use crate::db::readers::ReaderRow;
use crate::db::tiers::{Tier, TierPrice};
use crate::db::{self, Database, DbConnection, checkouts};
use crate::domain::FieldError;
use crate::domain::{
    BillingInterval, CheckoutId, CheckoutStatus, Currency, OfferCode, ReaderId, Slug,
    SubscriptionSnapshot,
};
use crate::error::ApiError;
use chrono::{DateTime, Duration, Utc};

/// How long a checkout can be paid, as Stripe's Checkout Sessions (24 h).
pub const CHECKOUT_LIFETIME_HOURS: i64 = 24;

/// What the reader asked to buy, its fields already parsed.
#[derive(Debug, Clone)]
pub struct CheckoutOrder {
    /// The tier's id, as listed by `GET /v1/plans`.
    pub tier: String,
    /// How often to pay.
    pub interval: BillingInterval,
    /// The currency, needed only when the tier is priced in several.
    pub currency: Option<Currency>,
    /// An offer to redeem (its code parsed: case and outer spaces do not
    /// matter).
    pub offer_code: Option<OfferCode>,
    /// The article the reader was reading when they decided to buy.
    pub source_article: Option<Slug>,
}

/// A checkout waiting for payment.
#[derive(Debug, Clone)]
pub struct OpenedCheckout {
    /// Our checkout id.
    pub checkout_id: CheckoutId,
    /// Where to send the reader to pay.
    pub url: String,
    /// Which provider's page `url` is: `dev` or `stripe`.
    pub provider: &'static str,
}

/// The price of `tier` for `interval` (in `currency`, which may be left
/// out when the tier has one price for the interval). A 422 field error
/// names what is not on offer.
pub fn price_for(
    tier: &Tier,
    interval: BillingInterval,
    currency: Option<&Currency>,
) -> Result<TierPrice, FieldError> {
    let offered: Vec<&TierPrice> = tier
        .prices
        .iter()
        .filter(|price| price.interval == interval)
        .collect();
    if offered.is_empty() {
        return Err(FieldError::new(
            "price_not_offered",
            format!(
                "the {} tier is not sold by the {}",
                tier.id,
                interval.as_str()
            ),
        )
        .at("interval"));
    }
    let chosen = match currency {
        Some(currency) => offered
            .into_iter()
            .find(|price| price.currency == *currency)
            .ok_or_else(|| {
                FieldError::new(
                    "price_not_offered",
                    format!("the {} tier is not sold in {}", tier.id, currency.as_str()),
                )
                .at("currency")
            })?,
        None => match offered.as_slice() {
            [only] => only,
            _ => {
                return Err(FieldError::new(
                    "required",
                    "this tier is sold in several currencies; choose one",
                )
                .at("currency"));
            }
        },
    };
    Ok(chosen.clone())
}

/// Whether `subscription` stops the reader from buying another: a paid
/// subscription that renews (or is still paid up while canceling, in its
/// dunning grace, or in a trial that renews into a payment:
/// [`crate::domain::SubscriptionState::is_renewing`]) and grants access at `now`. A second one would charge
/// twice for the same perks. A comp (and later a gift) does not: nobody
/// pays for it, so a paid subscription may take over from it.
pub fn blocks_a_new_checkout(subscription: &SubscriptionSnapshot, now: DateTime<Utc>) -> bool {
    subscription.state.is_renewing() && subscription.grants_access(now)
}

/// 409 `already_subscribed` when one of the reader's subscriptions
/// [blocks a new checkout](blocks_a_new_checkout) at `now`.
pub(super) fn ensure_not_subscribed(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let snapshots = db::subscriptions::snapshots_for_reader(conn, reader)?;
    if snapshots
        .iter()
        .any(|snapshot| blocks_a_new_checkout(snapshot, now))
    {
        return Err(ApiError::conflict(
            "already_subscribed",
            "you already have a subscription that grants access; manage it through the billing portal",
        ));
    }
    Ok(())
}

/// Starts a checkout for `reader`: 422 for a tier, interval or currency
/// not on offer, 422 for an offer code the checkout may not redeem (see
/// [`quote`]), 422
/// `shipping_address_required` for print without an address, 409
/// `already_subscribed`, 409 `checkout_open` (with the open checkout's
/// URL) while another checkout can still be paid. If the provider cannot
/// open its page the checkout is marked expired and the provider's error
/// returned.
pub async fn start_checkout(
    db: &Database,
    provider: &Provider,
    reader: &ReaderRow,
    order: CheckoutOrder,
) -> Result<OpenedCheckout, ApiError> {
    let id = CheckoutId::generate();
    let (tier, price, quote) = {
        let (id, reader, provider) = (id.clone(), reader.clone(), provider.name());
        db.run(move |conn| {
            db::write_transaction(conn, |conn| record(conn, &id, &reader, provider, &order))
        })
        .await?
    };
    let request = CheckoutRequest {
        checkout_id: &id,
        reader,
        tier: &tier,
        price: &price,
        offer: quote.offer.as_ref(),
        trial_days: quote.trial_days,
    };
    let opening = Box::pin(provider.start_checkout(db, &request));
    let started = open_page(db, &id, opening).await?;
    Ok(OpenedCheckout {
        checkout_id: id,
        url: started.url,
        provider: provider.name(),
    })
}

/// Checks the order and records the checkout as `open`; returns the tier,
/// the quoted price and the offer and trial it comes with.
fn record(
    conn: &mut DbConnection,
    id: &CheckoutId,
    reader: &ReaderRow,
    provider: &str,
    order: &CheckoutOrder,
) -> Result<(Tier, TierPrice, Quote), ApiError> {
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
    let price = price_for(&tier, order.interval, order.currency.as_ref())
        .map_err(ApiError::invalid_field)?;
    if tier.needs_shipping_address && reader.shipping_address().is_none() {
        return Err(ApiError::unprocessable(
            "shipping_address_required",
            format!(
                "the {} tier mails the print edition: add a shipping address to your profile (PATCH /v1/me) first",
                tier.id
            ),
        ));
    }
    let now = Utc::now();
    let quote = quote(
        conn,
        &reader.reader_id(),
        (&tier, &price),
        order.offer_code.as_ref(),
        now.naive_utc(),
    )?;
    ensure_not_subscribed(conn, &reader.reader_id(), now)?;
    ensure_no_open_checkout(conn, &reader.reader_id(), now)?;
    let created_at = now.naive_utc();
    let page_token = (provider == DevProvider::NAME).then(new_page_token);
    checkouts::insert(
        conn,
        &checkouts::NewCheckout {
            id: id.as_str(),
            reader_id: &reader.id,
            tier_id: &tier.id,
            billing_interval: order.interval.as_str(),
            amount_cents: price.amount.get(),
            currency: price.currency.as_str(),
            provider,
            status: CheckoutStatus::Open.as_str(),
            created_at,
            expires_at: created_at + Duration::hours(CHECKOUT_LIFETIME_HOURS),
            source_article: order.source_article.as_ref().map(Slug::as_str),
            page_token: page_token.as_deref(),
            offer_code: quote.offer.as_ref().map(|offer| offer.row.code.as_str()),
            trial_days: i32::try_from(quote.trial_days).unwrap_or(0),
            discount_cents: quote.discount_cents,
            discount_payments: quote
                .discount_payments
                .map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
            gift_days: i32::try_from(quote.gift_days).unwrap_or(0),
        },
    )
    .map_err(|error| match error {
        // Another start for the same reader won the race for the one open
        // place (`checkouts_one_open_per_reader`).
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::CheckoutOpen { url: None },
        other => other.into(),
    })?;
    Ok((tier, price, quote))
}

/// 409 `checkout_open` while one of the reader's checkouts can still be
/// paid, with its page so the front-end can send the reader back to it.
/// Checkouts whose time ran out are expired first, so they do not count.
fn ensure_no_open_checkout(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let now = now.naive_utc();
    checkouts::expire_lapsed_for_reader(conn, reader, now)?;
    match checkouts::open_for_reader(conn, reader, now)? {
        Some(open) => Err(ApiError::CheckoutOpen { url: open.url }),
        None => Ok(()),
    }
}

/// A fresh form token for a development checkout's page: 256 random bits,
/// so its Pay and Cancel buttons cannot be submitted by a page that has
/// not read this one (cross-site request forgery). It is stored as is:
/// the page must show it again on every load, and it grants nothing the
/// checkout id in the page's URL does not.
fn new_page_token() -> String {
    crate::auth::RefreshToken::generate().into_plaintext()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AmountCents;

    fn price(interval: BillingInterval, amount: i64, currency: &str) -> TierPrice {
        TierPrice {
            interval,
            amount: AmountCents::parse(amount).unwrap(),
            currency: Currency::parse(currency.to_owned()).unwrap(),
            stripe_price_id: None,
            scheduled: None,
            trial_days: 0,
        }
    }

    fn tier(prices: Vec<TierPrice>) -> Tier {
        Tier {
            id: "print".to_owned(),
            name: "Print".to_owned(),
            description: String::new(),
            needs_shipping_address: true,
            perks: Vec::new(),
            prices,
        }
    }

    fn usd() -> Currency {
        Currency::parse("usd".to_owned()).unwrap()
    }

    #[test]
    fn the_only_price_of_an_interval_needs_no_currency() {
        let tier = tier(vec![
            price(BillingInterval::Month, 1_500, "usd"),
            price(BillingInterval::Year, 15_000, "usd"),
        ]);
        let chosen = price_for(&tier, BillingInterval::Year, None).unwrap();
        assert_eq!(chosen.amount.get(), 15_000);
        assert_eq!(
            price_for(&tier, BillingInterval::Year, Some(&usd())).unwrap(),
            chosen
        );
    }

    #[test]
    fn an_interval_or_currency_not_sold_is_named() {
        let tier = tier(vec![price(BillingInterval::Year, 15_000, "usd")]);
        let missing = price_for(&tier, BillingInterval::Month, None).unwrap_err();
        assert_eq!(
            (missing.field.as_str(), missing.code),
            ("interval", "price_not_offered")
        );
        let eur = Currency::parse("eur".to_owned()).unwrap();
        let wrong = price_for(&tier, BillingInterval::Year, Some(&eur)).unwrap_err();
        assert_eq!(
            (wrong.field.as_str(), wrong.code),
            ("currency", "price_not_offered")
        );
    }

    #[test]
    fn several_currencies_need_a_choice() {
        let tier = tier(vec![
            price(BillingInterval::Year, 15_000, "usd"),
            price(BillingInterval::Year, 14_000, "eur"),
        ]);
        let ambiguous = price_for(&tier, BillingInterval::Year, None).unwrap_err();
        assert_eq!(
            (ambiguous.field.as_str(), ambiguous.code),
            ("currency", "required")
        );
        let chosen = price_for(&tier, BillingInterval::Year, Some(&usd())).unwrap();
        assert_eq!(chosen.amount.get(), 15_000);
    }
}
