//! The Stripe billing portal: a short-lived session for the reader's
//! customer, returning to the magazine afterwards, on the configuration
//! `MASTHEAD_STRIPE_PORTAL_CONFIGURATION` names (else the account's default).

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::db::Database;
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::error::ApiError;
use stripe::StripeRequest;
use stripe_billing::billing_portal_session::CreateBillingPortalSession;

impl StripeProvider {
    /// A portal URL for the customer that pays for `subscription` (or the
    /// reader's remembered customer).
    pub(in crate::billing) async fn portal_url(
        &self,
        db: &Database,
        reader: &ReaderRow,
        subscription: &SubscriptionRow,
    ) -> Result<String, ApiError> {
        let customer = match subscription.provider_customer_id.clone() {
            Some(customer) if subscription.provider.as_deref() == Some(Self::NAME) => customer,
            _ => self.ensure_customer(db, reader).await?,
        };
        let key = IdempotencyKey::portal(&reader.reader_id(), chrono::Utc::now());
        let mut session = CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(self.link(crate::site_url::SitePage::PortalReturn, &[]));
        if let Some(configuration) = &self.settings.stripe_portal_configuration {
            session = session.configuration(configuration.clone());
        }
        let session = session
            .customize()
            .request_strategy(once_with(&key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("open the billing portal", e))?;
        Ok(session.url)
    }
}
