//! `GET /v1/me/subscription`: the reader's current subscription and what it
//! entitles them to.

use crate::billing;
use crate::db::{self, subscriptions::SubscriptionRow};
use crate::domain::{
    BillingInterval, Perk, PerkStatus, SubscriptionSnapshot, SubscriptionState, entitlements,
};
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// The reader's subscription page.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySubscription {
    /// The most relevant subscription (one granting access now, else the
    /// newest), or `null` for a reader who never subscribed.
    pub subscription: Option<CurrentSubscriptionView>,
    /// What all the reader's subscriptions entitle them to now.
    pub entitlements: EntitlementsView,
}

/// The reader's current subscription, with where it stands under the
/// money-back guarantee (only this page says so: the answers of cancel,
/// resume and plan changes carry the plain [`SubscriptionView`]).
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentSubscriptionView {
    /// The subscription itself.
    #[serde(flatten)]
    pub subscription: SubscriptionView,
    /// Until when (exclusive) the money-back guarantee runs: the first
    /// payment plus `MASTHEAD_REFUND_WINDOW_DAYS`. `null` while nothing has
    /// been paid (a trial is not a payment) and for comps and gifts.
    #[schema(example = "2026-03-02T09:30:00Z")]
    pub guarantee_ends_at: Option<DateTime<Utc>>,
    /// Whether `POST /v1/me/subscription/refund-request` is open now:
    /// inside the guarantee, not yet refunded or ended, and no request
    /// pending. Show "Ask for your money back" only when `true`.
    pub refund_requestable: bool,
}

/// One subscription as its reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    /// The subscription id.
    pub id: String,
    /// The tier's id, as listed by `GET /v1/plans`.
    pub tier: String,
    /// Where the subscription is in its life.
    pub state: SubscriptionState,
    /// How often it is billed; `null` for comps.
    pub billing_interval: Option<BillingInterval>,
    /// End of the paid period (exclusive).
    pub current_period_end: Option<DateTime<Utc>>,
    /// For `past_due`: when access stops unless a payment succeeds.
    pub grace_ends_at: Option<DateTime<Utc>>,
    /// For `comped`: when the comp ends.
    pub comped_until: Option<DateTime<Utc>>,
    /// Whether it ends at the period end (the reader cancelled; resumable).
    pub cancel_at_period_end: bool,
    /// When a payment needs the reader (a card declined, 3-D Secure on a
    /// renewal): the provider's page where they finish it. Absent when
    /// nothing is waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_action_url: Option<String>,
}

impl SubscriptionView {
    /// The view of a stored subscription; `None` when its stored state is
    /// unknown to this build.
    pub fn from_row(row: &SubscriptionRow) -> Option<Self> {
        let state = row.state()?;
        Some(Self {
            id: row.id.clone(),
            tier: row.tier_id.clone(),
            state,
            billing_interval: row.billing_interval(),
            current_period_end: row.current_period_end.map(|t| t.and_utc()),
            grace_ends_at: row.grace_ends_at.map(|t| t.and_utc()),
            comped_until: row.comped_until.map(|t| t.and_utc()),
            cancel_at_period_end: state == SubscriptionState::Canceling,
            payment_action_url: None,
        })
    }
}

/// Perks held now.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntitlementsView {
    /// Perks the gate honours now.
    pub granted: BTreeSet<Perk>,
    /// Perks announced as coming soon on the reader's tier, not yet granted.
    pub announced: BTreeSet<Perk>,
}

/// The reader's current subscription and entitlements (one query).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current subscription, or null, and entitlements", body = MySubscription),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/subscription")]
pub async fn my_subscription(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let id = reader.reader_id;
    let window_days = state.settings.refund_window_days;
    let page = state
        .db
        .run(move |conn| {
            let now = Utc::now();
            let rows = db::subscriptions::for_reader_with_perks(conn, &id)?;
            let stored: Vec<SubscriptionRow> = rows.iter().map(|(row, _)| row.clone()).collect();
            let mut page = view(rows, now);
            if let Some(current) = page.subscription.as_mut()
                && let Some(row) = stored.iter().find(|row| row.id == current.subscription.id)
            {
                current.subscription.payment_action_url =
                    db::subscriptions::provider::payment_action_url(conn, &row.subscription_id())?;
                let standing = billing::guarantee_standing(conn, row, window_days, now)?;
                current.guarantee_ends_at = standing.ends_at;
                current.refund_requestable = standing.refund_requestable;
            }
            Ok(page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Builds the page from the reader's subscriptions (newest first). Rows
/// whose stored state is unknown are left out: they grant nothing.
fn view(
    rows: Vec<(SubscriptionRow, Vec<(Perk, PerkStatus)>)>,
    now: DateTime<Utc>,
) -> MySubscription {
    let known: Vec<(SubscriptionRow, SubscriptionSnapshot)> = rows
        .into_iter()
        .filter_map(|(row, perks)| row.snapshot(perks).map(|snapshot| (row, snapshot)))
        .collect();
    let snapshots: Vec<SubscriptionSnapshot> = known.iter().map(|(_, s)| s.clone()).collect();
    let (granted, announced) = entitlements(&snapshots, now);
    let current = known
        .iter()
        .find(|(_, snapshot)| snapshot.grants_access(now))
        .or_else(|| known.first())
        .and_then(|(row, _)| SubscriptionView::from_row(row))
        .map(|subscription| CurrentSubscriptionView {
            subscription,
            guarantee_ends_at: None,
            refund_requestable: false,
        });
    MySubscription {
        subscription: current,
        entitlements: EntitlementsView { granted, announced },
    }
}
