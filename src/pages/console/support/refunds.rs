//! Refunds: the confirmation page of a direct refund (the guarantee's
//! window, the amount, the override an admin needs after it), and the
//! queue of readers' requests, oldest first, approved or denied in place.
//! Each form carries an idempotency key made when it was rendered, given
//! to the use case as the API's `Idempotency-Key`: a double submit
//! refunds once and shows the first result.

use crate::billing::RefundOutcome;
use crate::domain::Guarantee;
use crate::error::ApiError;
use crate::pages::console::api_body as body;
use crate::pages::console::csrf::nonce;
use crate::pages::console::fmt;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, redirect, status_of};
use crate::pages::console::{ConsoleForm, ConsoleStaff, Fields};
use crate::routes::admin::readers::detail::{ReaderDetail, SubscriptionDetail};
use crate::routes::admin::readers::get::reader_detail;
use crate::routes::admin::refund_requests::approve::{ApproveBody, approve_as};
use crate::routes::admin::refund_requests::deny::{DenyBody, deny_as};
use crate::routes::admin::refund_requests::list::{
    RefundRequestItem, RefundRequestsQuery, refund_request_page,
};
use crate::routes::admin::subscriptions::refund::refund_as;
use crate::routes::extract::SupportRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde_json::json;

/// What a refund of one subscription would do, as the confirmation shows.
struct Stake {
    /// Still refundable, in minor units.
    amount_cents: i64,
    /// Their currency, if there are payments.
    currency: Option<String>,
    /// How many payments.
    payments: usize,
    /// When the guarantee ends (or ended), if paid.
    guarantee_ends: Option<DateTime<Utc>>,
    /// Whether it covers now.
    within: bool,
}

impl Stake {
    fn of(subscription: &SubscriptionDetail, window_days: i64) -> Self {
        let first = subscription.payments.iter().map(|p| p.paid_at).min();
        let guarantee = first.map(|first| Guarantee::new(first, window_days));
        Self {
            amount_cents: subscription
                .payments
                .iter()
                .map(|p| (p.amount_cents - p.refunded_cents).max(0))
                .sum(),
            currency: subscription.payments.first().map(|p| p.currency.clone()),
            payments: subscription.payments.len(),
            guarantee_ends: guarantee.map(|g| g.ends),
            within: guarantee.is_some_and(|g| g.covers(Utc::now())),
        }
    }
}

#[derive(Template)]
#[template(path = "console/refund.html")]
struct ConfirmPage<'a> {
    ctx: Option<&'a Ctx>,
    reader: &'a ReaderDetail,
    subscription: &'a SubscriptionDetail,
    amount: String,
    payments: usize,
    guarantee_ends: String,
    within: bool,
    key: &'a str,
    reason: &'a str,
    error: Option<String>,
}

/// The confirmation page for refunding `subscription` of `reader`.
async fn confirm_page(
    state: &AppState,
    member: &ConsoleStaff<SupportRole>,
    (reader, subscription): (&str, &str),
    form: Option<&Fields>,
    error: Option<ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let detail = reader_detail(state, reader)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let shown = detail
        .subscriptions
        .iter()
        .find(|s| s.id == subscription)
        .ok_or_else(|| {
            ConsoleError::Api(crate::billing::subscription_not_found(), member.boxed_ctx())
        })?;
    let at_stake = Stake::of(shown, state.settings.refund_window_days);
    let key = form
        .and_then(|f| f.text("idempotency_key"))
        .unwrap_or_else(nonce);
    let reason = form.and_then(|f| f.text("reason")).unwrap_or_default();
    let status = error.as_ref().map_or(StatusCode::OK, status_of);
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &ConfirmPage {
            ctx: Some(&member.ctx),
            reader: &detail,
            subscription: shown,
            amount: fmt::money_or_dash(at_stake.amount_cents, &at_stake.currency),
            payments: at_stake.payments,
            guarantee_ends: fmt::at(at_stake.guarantee_ends),
            within: at_stake.within,
            key: &key,
            reason: &reason,
            error: error.as_ref().map(describe),
        },
    ))
}

/// `GET .../subscriptions/{sid}/refund`: what the refund would do.
pub async fn confirm(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (reader, subscription) = path.into_inner();
    confirm_page(&state, &member, (&reader, &subscription), None, None).await
}

/// What a finished refund says.
fn refunded(outcome: &RefundOutcome) -> String {
    let total: i64 = outcome.refunds.iter().map(|r| r.amount_cents).sum();
    let currency = outcome.refunds.first().map(|r| r.currency.clone());
    let amount = fmt::money_or_dash(total, &currency);
    if outcome.replayed {
        format!("Already refunded: {amount} was given back before; nothing more was refunded.")
    } else {
        format!(
            "Refunded {amount} ({} payment(s)); the subscription has ended.",
            outcome.refunds.len()
        )
    }
}

/// `POST .../subscriptions/{sid}/refund`: refunds, once.
pub async fn refund(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (reader, subscription) = path.into_inner();
    let f = &form.fields;
    let done = if f.checked("confirm") {
        let sent = json!({ "reason": f.text("reason"), "override": f.checked("override") });
        match body(sent) {
            Ok(sent) => {
                refund_as(
                    &state,
                    &form.member.staff,
                    &subscription,
                    sent,
                    super::form_key(f),
                )
                .await
            }
            Err(error) => Err(error),
        }
    } else {
        Err(ApiError::invalid_field(
            crate::domain::FieldError::new("required", "tick the box to confirm the amount")
                .at("confirm"),
        ))
    };
    match done {
        Ok(outcome) => Ok(redirect(
            &state.settings,
            &format!("/console/readers/{}", fmt::encode(&reader)),
            Some(&refunded(&outcome)),
        )),
        Err(error) => {
            confirm_page(
                &state,
                &form.member,
                (&reader, &subscription),
                Some(f),
                Some(error),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "console/refund_requests.html")]
struct QueuePage<'a> {
    ctx: Option<&'a Ctx>,
    items: Vec<(RefundRequestItem, String)>,
    total: i64,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl QueuePage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }

    fn money(
        &self,
        cents: impl std::borrow::Borrow<i64>,
        currency: impl std::borrow::Borrow<Option<String>>,
    ) -> String {
        fmt::money_or_dash(cents, currency.borrow())
    }

    fn path(&self, value: impl AsRef<str>) -> String {
        fmt::encode(value.as_ref())
    }
}

/// The queue, with `error` from a failed decision.
async fn queue_page(
    state: &AppState,
    member: &ConsoleStaff<SupportRole>,
    error: Option<ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let query = RefundRequestsQuery {
        per_page: Some(100),
        ..RefundRequestsQuery::default()
    };
    let page_of = refund_request_page(state, &query).await?;
    let status = error.as_ref().map_or(StatusCode::OK, status_of);
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &QueuePage {
            ctx: Some(&member.ctx),
            total: page_of.total,
            items: page_of
                .items
                .into_iter()
                .map(|item| (item, nonce()))
                .collect(),
            error: error.as_ref().map(describe),
        },
    ))
}

/// `GET /console/refund-requests`: the pending requests, oldest first.
pub async fn queue(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
) -> Result<HttpResponse, ConsoleError> {
    queue_page(&state, &member, None).await
}

/// Approves a request: the refund, once.
pub async fn approve(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let f = &form.fields;
    let sent = ApproveBody {
        note: f.text("note"),
        override_window: f.checked("override"),
    };
    match approve_as(
        &state,
        &form.member.staff,
        id.into_inner(),
        sent,
        super::form_key(f),
    )
    .await
    {
        Ok(outcome) => Ok(redirect(
            &state.settings,
            "/console/refund-requests",
            Some(&format!("Request approved. {}", refunded(&outcome))),
        )),
        Err(error) => queue_page(&state, &form.member, Some(error)).await,
    }
}

/// Denies a request, with the note the reader is told.
pub async fn deny(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let sent = DenyBody {
        note: form.fields.text("note"),
    };
    match deny_as(&state, &form.member.staff, id.into_inner(), sent).await {
        Ok(_) => Ok(redirect(
            &state.settings,
            "/console/refund-requests",
            Some("Request denied; the reader is told why."),
        )),
        Err(error) => queue_page(&state, &form.member, Some(error)).await,
    }
}
