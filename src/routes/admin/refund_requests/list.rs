//! `GET /v1/admin/refund-requests`: the queue, oldest first, by status,
//! each request with who asked, the subscription, the money at stake and
//! whether the guarantee still covers it.

use super::RefundRequestView;
use crate::db::{
    self,
    refund_queue::{AskedPayment, AskedSubscription, Asker},
    refund_requests::RefundRequestRow,
};
use crate::domain::{FieldError, Guarantee, Paging, RefundRequestStatus};
use crate::error::{ApiError, Problem};
use crate::routes::extract::{Staff, SupportRole};
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filtering and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct RefundRequestsQuery {
    /// `pending` (default), `approved`, `denied` or `all`.
    pub status: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Requests per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// Who asked, as support sees them in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestReader {
    /// The reader id.
    pub id: String,
    pub email: String,
    pub name: String,
}

/// The subscription a request is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestSubscription {
    /// The subscription id.
    pub id: String,
    /// The tier's id.
    pub tier: String,
    /// Its state now.
    pub state: String,
}

/// A request with what deciding it needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundRequestItem {
    #[serde(flatten)]
    pub request: RefundRequestView,
    /// Who asked (`null` only if the account is gone).
    pub reader: Option<RequestReader>,
    /// The subscription (`null` only if it is gone).
    pub subscription: Option<RequestSubscription>,
    /// What approving would give back: every payment of the subscription
    /// less what was already refunded, in minor units.
    pub amount_at_stake_cents: i64,
    /// The currency of that amount (`null` without payments).
    pub currency: Option<String>,
    /// Whether the subscription is inside the money-back guarantee: now for
    /// a pending request (support may approve), at the decision otherwise.
    pub within_guarantee: bool,
    /// When the guarantee ends (or ended); `null` without payments.
    pub guarantee_ends_at: Option<DateTime<Utc>>,
}

impl RefundRequestItem {
    fn of(
        row: &RefundRequestRow,
        askers: &[Asker],
        subscriptions: &[AskedSubscription],
        payments: &[AskedPayment],
        window_days: i64,
        now: DateTime<Utc>,
    ) -> Self {
        let own: Vec<&AskedPayment> = payments
            .iter()
            .filter(|p| p.subscription_id == row.subscription_id)
            .collect();
        let guarantee = own
            .first()
            .map(|first| Guarantee::new(first.paid_at.and_utc(), window_days));
        let at = row.decided_at.map_or(now, |t| t.and_utc());
        Self {
            request: RefundRequestView::from(row),
            reader: askers
                .iter()
                .find(|a| a.id == row.reader_id)
                .map(|a| RequestReader {
                    id: a.id.clone(),
                    email: a.email.clone(),
                    name: a.name.clone(),
                }),
            subscription: subscriptions
                .iter()
                .find(|s| s.id == row.subscription_id)
                .map(|s| RequestSubscription {
                    id: s.id.clone(),
                    tier: s.tier_id.clone(),
                    state: s.state.clone(),
                }),
            amount_at_stake_cents: own
                .iter()
                .map(|p| (p.amount_cents - p.refunded_cents).max(0))
                .sum(),
            currency: own.first().map(|p| p.currency.clone()),
            within_guarantee: guarantee.is_some_and(|g| g.covers(at)),
            guarantee_ends_at: guarantee.map(|g| g.ends),
        }
    }
}

impl Listed for RefundRequestItem {
    const LIST: &'static str = "RefundRequestList";
    const PLURAL: &'static str = "refund requests";
}

/// A page of refund requests (its schema keeps this name).
pub type RefundRequestList = Page<RefundRequestItem>;

/// Lists refund requests.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(RefundRequestsQuery),
    responses(
        (status = 200, description = "A page of requests", body = RefundRequestList),
        (status = 400, description = "Unparseable query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status or paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_refund_requests(
    state: web::Data<AppState>,
    _support: Staff<SupportRole>,
    query: web::Query<RefundRequestsQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(refund_request_page(&state, &query).await?))
}

/// The queue's page for `query`, oldest first: the one path of this
/// endpoint and the staff console's queue.
pub async fn refund_request_page(
    state: &AppState,
    query: &RefundRequestsQuery,
) -> Result<RefundRequestList, ApiError> {
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let status = match query.status.as_deref() {
        None => Some(RefundRequestStatus::Pending),
        Some("all") => None,
        Some(raw) => Some(RefundRequestStatus::parse(raw).ok_or_else(|| {
            ApiError::invalid_field(
                FieldError::new("invalid", "`pending`, `approved`, `denied` or `all`").at("status"),
            )
        })?),
    };
    let ((rows, total), (askers, subscriptions, payments)) = state
        .db
        .run(move |conn| {
            let page = db::refund_requests::list(conn, status, paging)?;
            let readers: Vec<String> = page.0.iter().map(|r| r.reader_id.clone()).collect();
            let subscriptions: Vec<String> =
                page.0.iter().map(|r| r.subscription_id.clone()).collect();
            let context = db::refund_queue::context(conn, &readers, &subscriptions)?;
            Ok((page, context))
        })
        .await?;
    let now = Utc::now();
    let window = state.settings.refund_window_days;
    Ok(Page::new(
        paging,
        rows.iter()
            .map(|row| RefundRequestItem::of(row, &askers, &subscriptions, &payments, window, now))
            .collect(),
        total,
    ))
}
