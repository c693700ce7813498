//! `GET /v1/billing/dev/portal`: the development provider's stand-in for
//! a billing portal, so the portal link leads somewhere during development.

use super::dev_provider;
use crate::billing;
use crate::db::{self, payments::PaymentRow};
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::SubscriptionView;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The reader's current subscription and what was paid for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DevPortalView {
    /// Always `dev`.
    pub provider: &'static str,
    /// The current subscription, or `null`.
    pub subscription: Option<SubscriptionView>,
    /// Its payments, oldest first.
    pub payments: Vec<PaymentView>,
}

/// One recorded payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    /// The amount paid, in minor units.
    pub amount_cents: i64,
    /// The currency.
    #[schema(value_type = String)]
    pub currency: String,
    /// When it was paid.
    pub paid_at: DateTime<Utc>,
    /// How much of it was refunded, in minor units.
    pub refunded_cents: i64,
}

impl From<PaymentRow> for PaymentView {
    fn from(row: PaymentRow) -> Self {
        Self {
            amount_cents: row.amount_cents,
            currency: row.currency,
            paid_at: row.paid_at.and_utc(),
            refunded_cents: row.refunded_cents,
        }
    }
}

/// Describes the reader's current subscription and its payments.
/// Development provider only.
#[utoipa::path(
    tag = "billing",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription and its payments", body = DevPortalView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/billing/dev/portal")]
pub async fn dev_portal(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    dev_provider(&state)?;
    let id = reader.reader_id;
    let (subscription, payments) = state
        .db
        .run(move |conn| {
            let Some(row) = billing::current_subscription(conn, &id, Utc::now())? else {
                return Ok((None, Vec::new()));
            };
            let payments = db::payments::for_subscription(conn, &row.subscription_id())?;
            Ok((Some(row), payments))
        })
        .await?;
    Ok(HttpResponse::Ok().json(DevPortalView {
        provider: billing::DevProvider::NAME,
        subscription: subscription.as_ref().and_then(SubscriptionView::from_row),
        payments: payments.into_iter().map(PaymentView::from).collect(),
    }))
}
