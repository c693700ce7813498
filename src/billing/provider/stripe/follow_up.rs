//! The Stripe calls a webhook event leads to, made after the event is
//! recorded (see [`crate::billing::follow_ups`]): learning which payment
//! intent and charge paid an invoice, ending a Stripe subscription whose
//! money went back, and pausing or resuming its collection during a
//! dispute. Answers are read as plain JSON, like events, so a field the
//! SDK does not model is never lost.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::billing::provider::ProviderError;
use serde_json::{Value, json};
use stripe::StripeRequest;
use stripe_client_core::{RequestBuilder, StripeMethod};

/// The payment intent and charge that paid an invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoicePaymentIds {
    pub payment_intent: Option<String>,
    pub charge: Option<String>,
}

/// One request built by hand, answered as JSON.
struct Raw(RequestBuilderParts);

pub(super) struct RequestBuilderParts {
    pub method: StripeMethod,
    pub path: String,
    pub query: Option<Value>,
    pub form: Option<Value>,
}

impl StripeRequest for Raw {
    type Output = miniserde::json::Value;

    fn build(&self) -> RequestBuilder {
        let parts = &self.0;
        let mut builder = RequestBuilder::new(parts.method, parts.path.clone());
        if let Some(query) = &parts.query {
            builder = builder.query(query);
        }
        if let Some(form) = &parts.form {
            builder = builder.form(form);
        }
        builder
    }
}

fn to_json(value: &miniserde::json::Value) -> Value {
    serde_json::from_str(&miniserde::json::to_string(value)).unwrap_or(Value::Null)
}

fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Object(object) => object.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

impl StripeProvider {
    /// Sends one hand-built request (once per `key`, when given) and
    /// returns Stripe's answer as JSON.
    pub(super) async fn send_raw(
        &self,
        parts: RequestBuilderParts,
        key: Option<&IdempotencyKey>,
        action: &str,
    ) -> Result<Value, ProviderError> {
        let mut request = Raw(parts).customize();
        if let Some(key) = key {
            request = request.request_strategy(once_with(key)?);
        }
        let answer = request
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe(action, e))?;
        Ok(to_json(&answer))
    }

    /// Retrieves `invoice` with its payments expanded (`expand[]=payments`:
    /// since API version 2025-03-31 an invoice names its payment intent
    /// only there, <https://docs.stripe.com/api/invoices/object#invoice_object-payments>)
    /// and returns the paid payment's intent and charge.
    pub(in crate::billing) async fn invoice_payment_ids(
        &self,
        invoice: &str,
    ) -> Result<InvoicePaymentIds, ProviderError> {
        let parts = RequestBuilderParts {
            method: StripeMethod::Get,
            path: format!("/invoices/{invoice}"),
            query: Some(json!({"expand": ["payments"]})),
            form: None,
        };
        let invoice = self.send_raw(parts, None, "read the invoice").await?;
        let payments = invoice
            .pointer("/payments/data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let paid = payments
            .iter()
            .find(|p| p.get("status").and_then(Value::as_str) == Some("paid"))
            .or_else(|| payments.first());
        let from_payment = |field: &str| {
            paid.and_then(|p| p.pointer(&format!("/payment/{field}")))
                .and_then(id_of)
        };
        // Older API versions put both on the invoice itself.
        let from_invoice = |field: &str| invoice.get(field).and_then(id_of);
        Ok(InvoicePaymentIds {
            payment_intent: from_payment("payment_intent")
                .or_else(|| from_invoice("payment_intent")),
            charge: from_payment("charge").or_else(|| from_invoice("charge")),
        })
    }

    /// Cancels Stripe subscription `stripe_id` now, without proration (the
    /// money went back already): nothing renews.
    pub(in crate::billing) async fn cancel_subscription_id(
        &self,
        stripe_id: &str,
        key: &IdempotencyKey,
    ) -> Result<(), ProviderError> {
        let parts = RequestBuilderParts {
            method: StripeMethod::Delete,
            path: format!("/subscriptions/{stripe_id}"),
            query: None,
            form: Some(json!({"prorate": "false"})),
        };
        self.send_raw(parts, Some(key), "end the subscription")
            .await
            .map(drop)
    }

    /// Pauses collection on Stripe subscription `stripe_id` with
    /// `behavior=void` (invoices are voided while paused, so the reader is
    /// not charged during a dispute), or, with `pause == false`, resumes it
    /// by clearing `pause_collection` with an empty value
    /// (<https://docs.stripe.com/billing/subscriptions/pause-payment>).
    pub(in crate::billing) async fn set_pause_collection(
        &self,
        stripe_id: &str,
        pause: bool,
        key: &IdempotencyKey,
    ) -> Result<(), ProviderError> {
        let form = if pause {
            json!({"pause_collection": {"behavior": "void"}})
        } else {
            json!({"pause_collection": ""})
        };
        let parts = RequestBuilderParts {
            method: StripeMethod::Post,
            path: format!("/subscriptions/{stripe_id}"),
            query: None,
            form: Some(form),
        };
        let action = if pause {
            "pause the subscription's collection"
        } else {
            "resume the subscription's collection"
        };
        self.send_raw(parts, Some(key), action).await.map(drop)
    }

    /// Ends the trial of Stripe subscription `stripe_id` now: `trial_end`
    /// "The special value `now` can be provided to end the customer's
    /// trial immediately" (<https://docs.stripe.com/api/subscriptions/update#update_subscription-trial_end>);
    /// Stripe invoices the first period at once.
    pub(in crate::billing) async fn end_trial_now(
        &self,
        stripe_id: &str,
        key: &IdempotencyKey,
    ) -> Result<(), ProviderError> {
        let parts = RequestBuilderParts {
            method: StripeMethod::Post,
            path: format!("/subscriptions/{stripe_id}"),
            query: None,
            form: Some(json!({"trial_end": "now"})),
        };
        self.send_raw(parts, Some(key), "end the free trial")
            .await
            .map(drop)
    }
}
