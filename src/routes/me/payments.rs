//! `GET /v1/me/payments`: every payment and refund of the reader's
//! subscriptions, newest first, so they can check what they were charged
//! and given back without asking support.

use crate::db::{
    self,
    reader_money::{ReaderPaymentRow, ReaderRefundRow},
};
use crate::domain::{PaymentStatus, refund_tax_share};
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Whether an entry is money taken or money given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyKind {
    /// A charge.
    Payment,
    /// Money given back from a charge.
    Refund,
}

/// One payment or refund.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyEntry {
    /// `payment` or `refund`.
    pub kind: MoneyKind,
    /// The payment's or the refund's id.
    pub id: String,
    /// The subscription it was for.
    pub subscription_id: String,
    /// For a refund: the payment it gave money back from.
    pub payment_id: Option<String>,
    /// The amount in minor units (cents), always positive; a refund is
    /// money back.
    pub amount_cents: i64,
    /// ISO 4217, lower case (`usd`).
    pub currency: String,
    /// The tax included in the amount, when the provider reported the
    /// payment's tax (`null` otherwise); for a refund, its share of the
    /// payment's tax (a third of the payment back is a third of its tax).
    pub tax_cents: Option<i64>,
    /// For a payment: `paid`, `partially_refunded` or `refunded`. A
    /// refund's own entry is `refunded`.
    pub status: PaymentStatus,
    /// For a payment: how much of it was refunded so far.
    pub refunded_cents: Option<i64>,
    /// The provider's page for the invoice (Stripe's hosted invoice), when
    /// it has one.
    pub invoice_url: Option<String>,
    /// `stripe` or `dev`.
    pub provider: String,
    /// When the money was taken or given back.
    pub at: DateTime<Utc>,
}

impl From<ReaderPaymentRow> for MoneyEntry {
    fn from(row: ReaderPaymentRow) -> Self {
        Self {
            kind: MoneyKind::Payment,
            status: PaymentStatus::of(row.amount_cents, row.refunded_cents),
            refunded_cents: Some(row.refunded_cents),
            id: row.id,
            subscription_id: row.subscription_id,
            payment_id: None,
            amount_cents: row.amount_cents,
            currency: row.currency,
            tax_cents: row.tax_cents,
            invoice_url: row.invoice_url,
            provider: row.provider,
            at: row.paid_at.and_utc(),
        }
    }
}

impl From<(ReaderRefundRow, i64, Option<i64>)> for MoneyEntry {
    fn from((row, paid, tax): (ReaderRefundRow, i64, Option<i64>)) -> Self {
        Self {
            kind: MoneyKind::Refund,
            status: PaymentStatus::Refunded,
            refunded_cents: None,
            id: row.id,
            subscription_id: row.subscription_id,
            payment_id: Some(row.payment_id),
            tax_cents: refund_tax_share(row.amount_cents, paid, tax),
            amount_cents: row.amount_cents,
            currency: row.currency,
            invoice_url: None,
            provider: row.provider,
            at: row.created_at.and_utc(),
        }
    }
}

/// The reader's payments and refunds.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyHistory {
    /// Every payment and refund, newest first.
    pub items: Vec<MoneyEntry>,
}

/// Every payment and refund of `reader`, newest first (one read).
pub fn history(conn: &mut db::DbConnection, reader: &str) -> Result<Vec<MoneyEntry>, ApiError> {
    Ok(money_entries(
        db::reader_money::payments_of(conn, reader)?,
        db::reader_money::refunds_of(conn, reader)?,
    ))
}

/// Payments and refunds as one list, newest first.
pub fn money_entries(
    payments: Vec<ReaderPaymentRow>,
    refunds: Vec<(ReaderRefundRow, i64, Option<i64>)>,
) -> Vec<MoneyEntry> {
    let mut items: Vec<MoneyEntry> = payments
        .into_iter()
        .map(MoneyEntry::from)
        .chain(refunds.into_iter().map(MoneyEntry::from))
        .collect();
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
    items
}

/// Lists the reader's payments and refunds.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every payment and refund, newest first", body = MoneyHistory),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/payments")]
pub async fn my_payments(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let id = reader.reader_id.to_string();
    let items = state.db.run(move |conn| history(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(MoneyHistory { items }))
}
