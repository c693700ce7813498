//! `GET /console/tiers`: every tier's prices (in effect and scheduled,
//! with each price's free trial) and the forms that schedule a price
//! change for existing subscribers, withdraw one not yet effective and set
//! a price's trial — the use cases of `GET`/`POST
//! /v1/admin/tiers/{tier}/prices`, `DELETE .../prices/{id}` and `PATCH
//! .../trial`, through the same functions (the notice rule, the audit).

use crate::billing::price_changes::list_all_prices;
use crate::error::ApiError;
use crate::pages::console::api_body as body;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, redirect, status_of};
use crate::pages::console::{ConsoleForm, ConsoleStaff, Fields, fmt};
use crate::routes::admin::tiers::prices::TierPricesView;
use crate::routes::admin::tiers::schedule_price::schedule_price_as;
use crate::routes::admin::tiers::trial::set_trial_as;
use crate::routes::admin::tiers::withdraw_price::withdraw_price_as;
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::json;

/// One tier as the page shows it.
struct TierCard {
    name: String,
    prices: TierPricesView,
}

/// The schedule form's fields, as typed (kept when refused).
#[derive(Debug, Default)]
struct PriceForm {
    tier: String,
    interval: String,
    currency: String,
    amount: String,
    effective_on: String,
}

impl PriceForm {
    fn posted(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Self {
            tier: get("tier"),
            interval: get("interval"),
            currency: get("currency"),
            amount: get("amount"),
            effective_on: get("effective_on"),
        }
    }

    /// The API's request body: a date's start in UTC, the amount a number.
    fn json(&self) -> serde_json::Value {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        json!({
            "interval": text(&self.interval),
            "currency": text(&self.currency).map(|c| c.to_ascii_lowercase()),
            "amount": fmt::number(text(&self.amount)),
            "effective_at": fmt::start_of_day(text(&self.effective_on)),
        })
    }
}

#[derive(Template)]
#[template(path = "console/tiers.html")]
struct TiersPage<'a> {
    ctx: Option<&'a Ctx>,
    tiers: Vec<TierCard>,
    currencies: Vec<String>,
    notice_days: i64,
    form: PriceForm,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.money(..)`).
#[allow(clippy::unused_self, clippy::trivially_copy_pass_by_ref)]
impl TiersPage<'_> {
    fn money(&self, cents: impl std::borrow::Borrow<i64>, currency: &str) -> String {
        fmt::money(cents, currency)
    }

    /// An RFC 3339 instant as the console shows times.
    fn when(&self, rfc3339: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .map_or_else(|_| rfc3339.to_owned(), |at| fmt::at(at.to_utc()))
    }
}

async fn render(
    state: &AppState,
    member: &ConsoleStaff<AdminRole>,
    form: PriceForm,
    error: Option<&ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let all = list_all_prices(&state.db)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let mut currencies: Vec<String> = all
        .iter()
        .flat_map(|(tier, _)| tier.prices.iter().map(|p| p.currency.as_str().to_owned()))
        .collect();
    currencies.sort();
    currencies.dedup();
    let tiers = all
        .into_iter()
        .map(|(tier, prices)| TierCard {
            name: tier.name,
            prices: TierPricesView::of(tier.id, prices),
        })
        .collect();
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        error.map_or(StatusCode::OK, status_of),
        &TiersPage {
            ctx: Some(&member.ctx),
            tiers,
            currencies,
            notice_days: state.settings.price_change_notice_days,
            form,
            error: error.map(describe),
        },
    ))
}

/// The page.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
) -> Result<HttpResponse, ConsoleError> {
    let form = PriceForm {
        interval: "month".to_owned(),
        ..PriceForm::default()
    };
    render(&state, &member, form, None).await
}

/// `POST /console/tiers/prices`: schedules a price change.
pub async fn schedule(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
) -> Result<HttpResponse, ConsoleError> {
    let posted = PriceForm::posted(&form.fields);
    let tier = posted.tier.trim().to_owned();
    let scheduled = match body(posted.json()) {
        Ok(sent) => schedule_price_as(&state, &form.member.staff, tier.clone(), sent).await,
        Err(error) => Err(error),
    };
    match scheduled {
        Ok(price) => Ok(redirect(
            &state.settings,
            "/console/tiers",
            Some(&format!(
                "{} scheduled for {} ({}) from {}; renewing subscribers are told first.",
                fmt::money(price.amount_cents, &price.currency),
                tier,
                price.interval,
                price.effective_at
            )),
        )),
        Err(error) => render(&state, &form.member, posted, Some(&error)).await,
    }
}

/// `POST /console/tiers/{tier}/prices/{id}/withdraw`.
pub async fn withdraw(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (tier, id) = path.into_inner();
    match withdraw_price_as(&state, &form.member.staff, tier.clone(), id).await {
        Ok(()) => Ok(redirect(
            &state.settings,
            "/console/tiers",
            Some(&format!("The scheduled price of {tier} is withdrawn.")),
        )),
        Err(error) => render(&state, &form.member, PriceForm::default(), Some(&error)).await,
    }
}

/// `POST /console/tiers/{tier}/trial`: `interval`, `currency`,
/// `trial_days`.
pub async fn trial(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
    tier: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let tier = tier.into_inner();
    let fields = &form.fields;
    let sent = body(json!({
        "interval": fields.text("interval"),
        "currency": fields.text("currency"),
        "trial_days": fmt::number(fields.text("trial_days")),
    }));
    let changed = match sent {
        Ok(sent) => set_trial_as(&state, &form.member.staff, tier.clone(), sent).await,
        Err(error) => Err(error),
    };
    match changed {
        Ok(_) => Ok(redirect(
            &state.settings,
            "/console/tiers",
            Some(&format!(
                "{tier} ({}, {}): new checkouts get {} free day(s).",
                fields.text("interval").unwrap_or_default(),
                fields.text("currency").unwrap_or_default(),
                fields.text("trial_days").unwrap_or_default()
            )),
        )),
        Err(error) => render(&state, &form.member, PriceForm::default(), Some(&error)).await,
    }
}
