//! The reader's Stripe customer: created on their first checkout, then
//! remembered in `billing_customers`, so every later checkout and portal
//! visit shows the same customer (cards, invoices) at Stripe.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::db::readers::ReaderRow;
use crate::db::{Database, billing_customers};
use crate::error::ApiError;
use std::collections::HashMap;
use stripe::StripeRequest;
use stripe_core::customer::CreateCustomer;

impl StripeProvider {
    /// The reader's Stripe customer id, created (once: the idempotency key
    /// is the reader's) and remembered when they have none yet.
    pub(super) async fn ensure_customer(
        &self,
        db: &Database,
        reader: &ReaderRow,
    ) -> Result<String, ApiError> {
        let id = reader.reader_id();
        let known = {
            let id = id.clone();
            db.run(move |conn| Ok(billing_customers::find(conn, &id)?))
                .await?
        };
        if let Some(known) = known {
            return remembered(known);
        }
        let key = IdempotencyKey::customer(&id);
        let metadata = HashMap::from([("reader_id".to_owned(), reader.id.clone())]);
        let customer = CreateCustomer::new()
            .email(reader.email.clone())
            .name(reader.name.clone())
            .metadata(metadata)
            .customize()
            .request_strategy(once_with(&key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("create your customer record", e))?;
        let created = customer.id.as_str().to_owned();
        let stored = db
            .run(move |conn| {
                let now = chrono::Utc::now().naive_utc();
                Ok(billing_customers::remember(
                    conn,
                    &id,
                    Self::NAME,
                    &created,
                    now,
                )?)
            })
            .await?;
        remembered(stored)
    }
}

/// The stored customer's id, if Stripe made it.
fn remembered(row: billing_customers::BillingCustomerRow) -> Result<String, ApiError> {
    if row.provider == StripeProvider::NAME {
        Ok(row.customer_id)
    } else {
        Err(anyhow::anyhow!(
            "reader {} has a customer at {}, not at Stripe",
            row.reader_id,
            row.provider
        )
        .into())
    }
}
