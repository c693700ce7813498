//! Opening a Stripe Checkout Session in subscription mode for a checkout:
//! our checkout id travels as `client_reference_id` and in the
//! subscription's metadata, so the webhooks find the checkout again; the
//! print tier asks Stripe to collect the shipping address; an offer's
//! discount is its coupon, a free trial `trial_period_days`; with
//! `MASTHEAD_STRIPE_AUTOMATIC_TAX` Stripe Tax computes the tax.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::billing::provider::{CheckoutRequest, StartedCheckout};
use crate::db::Database;
use crate::error::ApiError;
use crate::site_url::SitePage;
use std::collections::HashMap;
use stripe::StripeRequest;
use stripe_checkout::CheckoutSessionMode;
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionAutomaticTax, CreateCheckoutSessionCustomerUpdate,
    CreateCheckoutSessionCustomerUpdateAddress, CreateCheckoutSessionCustomerUpdateShipping,
    CreateCheckoutSessionDiscounts, CreateCheckoutSessionLineItems,
    CreateCheckoutSessionShippingAddressCollection,
    CreateCheckoutSessionShippingAddressCollectionAllowedCountries as Country,
    CreateCheckoutSessionSubscriptionData,
};

impl StripeProvider {
    /// Opens the session (once per checkout: `key` names the checkout) and
    /// returns its id and the URL to send the reader to.
    pub(in crate::billing) async fn start_checkout(
        &self,
        db: &Database,
        request: &CheckoutRequest<'_>,
        key: &IdempotencyKey,
    ) -> Result<StartedCheckout, ApiError> {
        let customer = self.ensure_customer(db, request.reader).await?;
        let price = self.stripe_price(db, request.tier, request.price).await?;
        let coupon = match request.offer {
            Some(offer) => self.stripe_coupon(db, offer).await?,
            None => None,
        };
        let checkout = request.checkout_id.as_str();
        let metadata = HashMap::from([
            ("checkout_id".to_owned(), checkout.to_owned()),
            ("reader_id".to_owned(), request.reader.id.clone()),
            ("tier".to_owned(), request.tier.id.clone()),
        ]);
        let mut line = CreateCheckoutSessionLineItems::new();
        line.price = Some(price);
        line.quantity = Some(1);
        let mut subscription = CreateCheckoutSessionSubscriptionData::new();
        subscription.metadata = Some(metadata.clone());
        // A free trial: no charge until it ends, then the first invoice
        // (<https://docs.stripe.com/payments/checkout/free-trials>).
        if request.trial_days > 0 {
            subscription.trial_period_days = Some(request.trial_days);
        }
        let mut session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .customer(customer)
            .client_reference_id(checkout)
            .line_items(vec![line])
            .subscription_data(subscription)
            .metadata(metadata)
            .success_url(self.link(
                SitePage::CheckoutSuccess,
                &[
                    ("checkout_id", checkout),
                    ("session_id", "{CHECKOUT_SESSION_ID}"),
                ],
            ))
            .cancel_url(self.link(SitePage::CheckoutCanceled, &[("checkout_id", checkout)]));
        // The offer's discount, as its coupon
        // (<https://docs.stripe.com/payments/checkout/discounts>).
        if let Some(coupon) = coupon {
            let mut discount = CreateCheckoutSessionDiscounts::new();
            discount.coupon = Some(coupon);
            session = session.discounts(vec![discount]);
        }
        if request.tier.needs_shipping_address {
            session = session.shipping_address_collection(
                CreateCheckoutSessionShippingAddressCollection::new(shipping_countries(request)),
            );
        }
        if self.tax.automatic {
            let ships = request.tier.needs_shipping_address;
            session = with_automatic_tax(session, TaxedBuyer::Customer { ships });
        }
        let session = session
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("open a checkout session", e))?;
        let url = session.url.ok_or_else(|| {
            crate::billing::provider::ProviderError::BadResponse(
                "the payment provider opened a checkout session without a URL".to_owned(),
            )
        })?;
        Ok(StartedCheckout {
            provider_session_id: session.id.as_str().to_owned(),
            url,
        })
    }
}

/// Whom a taxed session is for, which decides what Stripe must save of
/// the address it collects for the tax.
#[derive(Debug, Clone, Copy)]
pub(super) enum TaxedBuyer {
    /// A reader's existing customer: the address entered is saved on it
    /// (`customer_update[address]=auto`, and `[shipping]=auto` when print
    /// collects a shipping address), or Stripe refuses the session.
    Customer {
        /// Whether a shipping address is collected.
        ships: bool,
    },
    /// A buyer known only by their email (a gift's): Stripe collects the
    /// billing address on its page and there is no customer to update.
    Guest,
}

/// Stripe Tax on the session: `automatic_tax[enabled]=true`, with what
/// `buyer` needs saved (<https://docs.stripe.com/tax/checkout>). Every
/// session Masthead opens, subscription or gift, is taxed through here.
pub(super) fn with_automatic_tax(
    session: CreateCheckoutSession,
    buyer: TaxedBuyer,
) -> CreateCheckoutSession {
    let session = session.automatic_tax(CreateCheckoutSessionAutomaticTax::new(true));
    let TaxedBuyer::Customer { ships } = buyer else {
        return session;
    };
    let mut update = CreateCheckoutSessionCustomerUpdate::new();
    update.address = Some(CreateCheckoutSessionCustomerUpdateAddress::Auto);
    if ships {
        update.shipping = Some(CreateCheckoutSessionCustomerUpdateShipping::Auto);
    }
    session.customer_update(update)
}

/// Where the print edition may be mailed: the country of the reader's
/// address on file (print checkout requires one).
fn shipping_countries(request: &CheckoutRequest<'_>) -> Vec<Country> {
    request
        .reader
        .shipping_address()
        .map(|address| address.country.to_ascii_uppercase())
        .into_iter()
        .filter_map(|country| country.parse().ok())
        .collect()
}
