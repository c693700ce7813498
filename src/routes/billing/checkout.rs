//! `POST /v1/billing/checkout`: start paying for a tier.

use crate::billing::{self, CheckoutOrder};
use crate::domain::{BillingInterval, Currency, FieldError, OfferCode, Slug};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the reader wants to buy.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckoutRequestBody {
    /// The tier's id, as listed by `GET /v1/plans` (`digital`, `print`).
    #[serde(default)]
    #[schema(required = true)]
    pub tier: String,
    /// `month` or `year`.
    #[serde(default)]
    #[schema(required = true)]
    pub interval: String,
    /// ISO 4217 code; only needed when the tier is sold in several currencies.
    #[serde(default)]
    pub currency: Option<String>,
    /// An offer's code (case and outer spaces do not matter), from the
    /// offer's link or typed by the reader; see `GET /v1/offers/{code}`.
    #[serde(default)]
    #[schema(example = "SPRING25")]
    pub offer_code: Option<String>,
    /// The slug of the article that led the reader to subscribe; recorded
    /// on the checkout.
    #[serde(default)]
    #[schema(example = "deep-dive")]
    pub source_article: Option<String>,
}

/// Where to send the reader to pay.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutResponse {
    /// The checkout's id.
    pub checkout_id: String,
    /// The payment page to send the browser to: Stripe Checkout, or the
    /// development provider's page (also served by this service). Either
    /// ends on the site's success or cancel page.
    pub url: String,
    /// Which provider's page `url` is.
    #[schema(example = "dev")]
    pub provider: CheckoutProvider,
}

/// The providers a checkout can be paid through.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutProvider {
    /// The development provider: nothing is charged.
    Dev,
    /// Stripe Checkout.
    Stripe,
}

impl CheckoutProvider {
    pub(crate) fn from_name(name: &str) -> Self {
        if name == billing::StripeProvider::NAME {
            Self::Stripe
        } else {
            Self::Dev
        }
    }
}

fn tier_id(raw: String) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new("required", "choose a tier, e.g. digital"));
    }
    Ok(trimmed.to_owned())
}

fn interval(raw: &str) -> Result<BillingInterval, FieldError> {
    BillingInterval::parse(raw.trim())
        .ok_or_else(|| FieldError::new("invalid_interval", "the interval is `month` or `year`"))
}

/// Records a checkout at the tier's current price and asks the payment
/// provider for a payment page. With
/// `MASTHEAD_REQUIRE_VERIFIED_EMAIL_FOR_CHECKOUT`, only readers with a
/// verified address may. The subscription starts when the provider
/// confirms payment.
#[utoipa::path(
    tag = "billing",
    security(("bearer" = [])),
    request_body = CheckoutRequestBody,
    responses(
        (status = 201, description = "The checkout and its payment page", body = CheckoutResponse),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The reader's email is not verified and `MASTHEAD_REQUIRE_VERIFIED_EMAIL_FOR_CHECKOUT` is on (`email_not_verified`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A paid subscription grants access already (`already_subscribed`; a comp does not count), or another checkout is waiting for payment (`checkout_open`, with its `url` to resume)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown tier, interval or currency, a price not offered, a malformed `source_article`, an offer code that is malformed (`invalid_offer_code`), unknown (`offer_not_found`), ended or archived (`offer_ended`), fully redeemed (`offer_exhausted`), not for this tier, interval or currency (`offer_not_applicable`), free days for a reader who had their trial (`trial_already_used`), or print without a shipping address (`shipping_address_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense (`payment_provider_rejected`, `payment_provider_bad_response`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/billing/checkout")]
pub async fn start_checkout(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    body: web::Json<CheckoutRequestBody>,
) -> Result<HttpResponse, ApiError> {
    if state.settings.require_verified_email_for_checkout
        && reader.account.email_verified_at.is_none()
    {
        return Err(ApiError::forbidden(
            "email_not_verified",
            "verify your email address before subscribing",
        ));
    }
    let body = body.into_inner();
    parse_fields! {
        tier = "tier" => tier_id(body.tier),
        interval = "interval" => interval(&body.interval),
        currency = "currency" => body.currency.map(Currency::parse).transpose(),
        source_article = "source_article" => body.source_article.map(Slug::parse).transpose(),
        offer_code = "offer_code" => body.offer_code.as_deref().map(OfferCode::parse).transpose(),
    }
    let order = CheckoutOrder {
        tier,
        interval,
        currency,
        offer_code,
        source_article,
    };
    let opened =
        billing::start_checkout(&state.db, &state.payments, &reader.account, order).await?;
    Ok(HttpResponse::Created().json(CheckoutResponse {
        checkout_id: opened.checkout_id.to_string(),
        url: opened.url,
        provider: CheckoutProvider::from_name(opened.provider),
    }))
}
