//! `POST /v1/gifts/checkout`: buy a gift for someone.

use crate::billing::gifts::{self, GiftOrder};
use crate::domain::{
    Currency, FieldError, GiftMessage, GiftMonths, ReaderEmail, delivery_at, parse_instant,
};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::billing::checkout::CheckoutProvider;
use crate::routes::extract::Visitor;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the buyer orders.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GiftCheckoutBody {
    /// The tier's id, as listed by `GET /v1/plans`.
    #[serde(default)]
    #[schema(required = true, example = "digital")]
    pub tier: String,
    /// 1, 3, 6 or 12.
    #[serde(default)]
    #[schema(required = true, example = 3)]
    pub months: i64,
    /// Who receives the gift (emailed at `deliver_at`).
    #[serde(default)]
    #[schema(required = true, example = "grace@example.com")]
    pub recipient_email: String,
    /// Who pays: the receipt and its refund link go here.
    #[serde(default)]
    #[schema(required = true, example = "ada@example.com")]
    pub buyer_email: String,
    /// A message for the recipient (up to 1000 characters; line breaks kept).
    #[serde(default)]
    pub message: Option<String>,
    /// When to email the recipient (RFC 3339, within a year); now when
    /// left out.
    #[serde(default)]
    #[schema(example = "2026-12-24T09:00:00Z")]
    pub deliver_at: Option<String>,
    /// ISO 4217; only needed when the tier is sold in several currencies.
    #[serde(default)]
    pub currency: Option<String>,
}

/// Where to send the buyer to pay.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftCheckoutResponse {
    /// The gift's id.
    pub checkout_id: String,
    /// The payment page: Stripe Checkout, or the development provider's.
    pub url: String,
    /// Which provider's page `url` is.
    #[schema(example = "dev")]
    pub provider: CheckoutProvider,
}

fn tier(raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new("required", "choose a tier, e.g. digital"));
    }
    Ok(trimmed.to_owned())
}

/// Records the gift at its price (twelve months: the tier's yearly price;
/// fewer: the monthly price times the months) and opens a one-time payment
/// page. No login needed; a logged-in buyer's account is remembered.
#[utoipa::path(
    tag = "gifts",
    request_body = GiftCheckoutBody,
    responses(
        (status = 201, description = "The gift and its payment page", body = GiftCheckoutResponse),
        (status = 401, description = "An `Authorization` header that does not verify", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown tier, `months` not 1, 3, 6 or 12 (`invalid_months`), a bad address, a message with control characters (`invalid_characters`) or too long (`too_long`), `deliver_at` in the past (`in_the_past`) or more than a year ahead (`too_far_ahead`), a currency not sold", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/gifts/checkout")]
pub async fn start_gift_checkout(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<GiftCheckoutBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = chrono::Utc::now();
    parse_fields! {
        tier = "tier" => tier(&body.tier),
        months = "months" => GiftMonths::parse(body.months),
        recipient_email = "recipient_email" => ReaderEmail::parse(body.recipient_email),
        buyer_email = "buyer_email" => ReaderEmail::parse(body.buyer_email),
        message = "message" => GiftMessage::parse_optional(body.message),
        deliver_at = "deliver_at" => body
            .deliver_at
            .as_deref()
            .map(|raw| parse_instant(Some(raw)))
            .transpose()
            .and_then(|at| delivery_at(at, now)),
        currency = "currency" => body.currency.map(Currency::parse).transpose(),
    }
    let order = GiftOrder {
        tier,
        months,
        recipient_email,
        buyer_email,
        buyer: visitor.reader_id().cloned(),
        message,
        deliver_at,
        currency,
    };
    let opened = gifts::start_gift_checkout(&state.db, &state.payments, order).await?;
    Ok(HttpResponse::Created().json(GiftCheckoutResponse {
        checkout_id: opened.gift_id.to_string(),
        url: opened.url,
        provider: CheckoutProvider::from_name(opened.provider),
    }))
}
