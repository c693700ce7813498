//! `GET /v1/me/export`: everything Masthead holds about the reader, as one
//! JSON document they can download (GDPR art. 15, the right of access).
//! Secrets are left out on purpose: the password hash and the hashes of
//! refresh, email and gift tokens identify nothing about the reader and
//! would only help whoever got hold of the file.

use super::payments::{MoneyEntry, money_entries};
use super::refund_requests::MyRefundRequestStatus;
use crate::accounts::export::{ReaderData, reader_data};
use crate::db::{
    billing_customers::BillingCustomerRow, checkouts::CheckoutRow, gifts::GiftRow,
    reader_export::ExportedSessionRow, readers::ReaderRow, subscriptions::SubscriptionRow,
};
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::{PreferencesView, ReaderView};
use crate::state::AppState;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A subscription with everything stored about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSubscription {
    pub id: String,
    pub tier: String,
    pub state: String,
    pub billing_interval: Option<String>,
    pub current_period_start: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub comped_until: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// The payment provider, and its names for the customer and subscription.
    pub provider: Option<String>,
    pub provider_customer_id: Option<String>,
    pub provider_subscription_id: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<SubscriptionRow> for ExportedSubscription {
    fn from(row: SubscriptionRow) -> Self {
        Self {
            id: row.id,
            tier: row.tier_id,
            state: row.state,
            billing_interval: row.billing_interval,
            current_period_start: row.current_period_start.map(|t| t.and_utc()),
            current_period_end: row.current_period_end.map(|t| t.and_utc()),
            grace_ends_at: row.grace_ends_at.map(|t| t.and_utc()),
            comped_until: row.comped_until.map(|t| t.and_utc()),
            cancel_reason: row.cancel_reason,
            provider: row.provider,
            provider_customer_id: row.provider_customer_id,
            provider_subscription_id: row.provider_subscription_id,
            started_at: row.started_at.and_utc(),
            ended_at: row.ended_at.map(|t| t.and_utc()),
        }
    }
}

/// A checkout the reader opened, paid or not.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCheckout {
    pub id: String,
    pub tier: String,
    pub billing_interval: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub status: String,
    pub subscription_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<CheckoutRow> for ExportedCheckout {
    fn from(row: CheckoutRow) -> Self {
        Self {
            id: row.id,
            tier: row.tier_id,
            billing_interval: row.billing_interval,
            amount_cents: row.amount_cents,
            currency: row.currency,
            provider: row.provider,
            status: row.status,
            subscription_id: row.subscription_id,
            created_at: row.created_at.and_utc(),
            completed_at: row.completed_at.map(|t| t.and_utc()),
        }
    }
}

/// A gift the reader ordered, received or redeemed. Never a token: the
/// redemption and refund links are not stored (only their hashes, left
/// out here too), nor is the payment page's form token or URL, so a
/// leaked export redeems and refunds nothing. Of the other side it shows
/// only what the gift itself says (addresses, message, status), never
/// the other reader's account or subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedGift {
    pub id: String,
    /// `bought`, `received` (delivered to the reader's address) or
    /// `redeemed`: the reader's side of it.
    #[schema(example = "bought")]
    pub role: &'static str,
    pub tier: String,
    pub months: i32,
    pub amount_cents: i64,
    pub currency: String,
    pub buyer_email: String,
    pub recipient_email: String,
    pub message: Option<String>,
    /// `open`, `paid`, `redeemed`, `refunded` or `expired`.
    pub status: String,
    /// The payment provider, and its name for the payment (the buyer's).
    pub provider: String,
    pub provider_payment_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub deliver_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub redeemed_at: Option<DateTime<Utc>>,
    /// The `gift` subscription it became (the redeemer's only).
    pub subscription_id: Option<String>,
    pub refunded_at: Option<DateTime<Utc>>,
}

impl ExportedGift {
    /// The export of `gift` for `reader` (whose address is `email`).
    fn new(gift: GiftRow, reader: &str, email: &str) -> Self {
        let redeemed = gift.redeemed_by.as_deref() == Some(reader);
        let bought = gift.buyer_reader_id.as_deref() == Some(reader) || gift.buyer_email == email;
        let role = match (redeemed, bought) {
            (true, _) => "redeemed",
            (false, true) => "bought",
            (false, false) => "received",
        };
        Self {
            role,
            subscription_id: gift.subscription_id.filter(|_| redeemed),
            provider_payment_id: gift.provider_payment_id.filter(|_| bought),
            created_at: gift.created_at.and_utc(),
            paid_at: gift.paid_at.map(|t| t.and_utc()),
            deliver_at: gift.deliver_at.and_utc(),
            delivered_at: gift.delivered_at.map(|t| t.and_utc()),
            redeemed_at: gift.redeemed_at.map(|t| t.and_utc()),
            refunded_at: gift.refunded_at.map(|t| t.and_utc()),
            id: gift.id,
            tier: gift.tier_id,
            months: gift.months,
            amount_cents: gift.amount_cents,
            currency: gift.currency,
            buyer_email: gift.buyer_email,
            recipient_email: gift.recipient_email,
            message: gift.message,
            status: gift.status,
            provider: gift.provider,
        }
    }
}

/// A login: from where, when, and how it ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSession {
    pub id: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

impl From<ExportedSessionRow> for ExportedSession {
    fn from(row: ExportedSessionRow) -> Self {
        Self {
            id: row.id,
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: row.created_at.and_utc(),
            last_used_at: row.last_used_at.and_utc(),
            expires_at: row.expires_at.and_utc(),
            revoked_at: row.revoked_at.map(|t| t.and_utc()),
            revoked_reason: row.revoked_reason,
        }
    }
}

/// The reader's customer record at a payment provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCustomer {
    pub provider: String,
    pub customer_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<BillingCustomerRow> for ExportedCustomer {
    fn from(row: BillingCustomerRow) -> Self {
        Self {
            provider: row.provider,
            customer_id: row.customer_id,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// The profile and the reader's settings, in one object as `GET /v1/me`
/// shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedProfile {
    #[serde(flatten)]
    pub reader: ReaderView,
    /// Email preferences and time zone.
    #[serde(flatten)]
    pub preferences: PreferencesView,
}

/// Everything Masthead holds about one reader.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReaderExport {
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
    /// The profile, with the reader's preferences (as `GET /v1/me`).
    pub profile: ExportedProfile,
    /// Every subscription, newest first.
    pub subscriptions: Vec<ExportedSubscription>,
    /// Every payment and refund, newest first (as `GET /v1/me/payments`).
    pub payments: Vec<MoneyEntry>,
    /// Every refund request, newest first.
    pub refund_requests: Vec<MyRefundRequestStatus>,
    /// Every checkout, newest first.
    pub checkouts: Vec<ExportedCheckout>,
    /// Every login, ended ones too, newest first.
    pub sessions: Vec<ExportedSession>,
    /// Customer records at payment providers.
    pub billing_customers: Vec<ExportedCustomer>,
    /// Gifts ordered (logged in, or with the reader's address), received
    /// or redeemed, paid or not, newest first; without their tokens.
    pub gifts: Vec<ExportedGift>,
}

/// The export of `account` from its rows.
fn export_of(account: ReaderRow, data: ReaderData) -> ReaderExport {
    let gifts = data
        .gifts
        .into_iter()
        .map(|gift| ExportedGift::new(gift, &account.id, &account.email))
        .collect();
    ReaderExport {
        exported_at: Utc::now(),
        profile: ExportedProfile {
            preferences: PreferencesView::from(&account),
            reader: ReaderView::from(account),
        },
        subscriptions: data.subscriptions.into_iter().map(Into::into).collect(),
        payments: money_entries(data.payments, data.refunds),
        refund_requests: data.refund_requests.into_iter().map(Into::into).collect(),
        checkouts: data.checkouts.into_iter().map(Into::into).collect(),
        sessions: data.sessions.into_iter().map(Into::into).collect(),
        billing_customers: data.billing_customers.into_iter().map(Into::into).collect(),
        gifts,
    }
}

/// Downloads everything Masthead holds about the reader.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reader's data, as an attachment `masthead-export.json`", body = ReaderExport),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/export")]
pub async fn export_me(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let data = reader_data(&accounts(&state), reader.reader_id.clone()).await?;
    let export = export_of(reader.account, data);
    Ok(HttpResponse::Ok()
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(
                "masthead-export.json".to_owned(),
            )],
        })
        .insert_header(("cache-control", "no-store"))
        .json(export))
}
