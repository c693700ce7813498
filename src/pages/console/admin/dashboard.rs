//! `GET /console/dashboard`: the business at a glance (the figures of
//! `GET /v1/admin/dashboard`, from the same use case), with charts drawn as
//! SVG, the numbers as tables, and `/console/dashboard.csv` to download.

use super::chart::BarChart;
use crate::billing::dashboard::dashboard;
use crate::domain::DashboardPeriod;
use crate::error::{ApiError, FieldError};
use crate::pages::console::render::{ConsoleError, Ctx, page};
use crate::pages::console::{ConsoleStaff, fmt};
use crate::routes::admin::dashboard::DashboardView;
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// Twelve weeks or twelve months.
const PERIODS_SHOWN: usize = 12;

/// Weeks or months.
#[derive(Debug, Deserialize)]
pub struct Which {
    #[serde(default)]
    period: Option<String>,
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage<'a> {
    ctx: Option<&'a Ctx>,
    period: &'static str,
    view: DashboardView,
    labels: Vec<String>,
    growth: BarChart,
    money: Vec<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`),
// with the fields it reads by reference.
#[allow(clippy::unused_self, clippy::trivially_copy_pass_by_ref)]
impl DashboardPage<'_> {
    fn amount(&self, cents: &i64, currency: &str) -> String {
        fmt::money(cents, currency)
    }
}

fn period_of(which: &Which) -> Result<DashboardPeriod, ApiError> {
    match which.period.as_deref() {
        None | Some("") => Ok(DashboardPeriod::Month),
        Some(raw) => DashboardPeriod::parse(raw).ok_or_else(|| {
            ApiError::invalid_field(FieldError::new("invalid", "`week` or `month`").at("period"))
        }),
    }
}

async fn figures(state: &AppState, period: DashboardPeriod) -> Result<DashboardView, ApiError> {
    let now = state.clock.now().naive_utc();
    let figures = dashboard(
        &state.db,
        period,
        PERIODS_SHOWN,
        state.settings.refund_window_days,
        now,
    )
    .await?;
    Ok(DashboardView::from(figures))
}

/// The page.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
    which: web::Query<Which>,
) -> Result<HttpResponse, ConsoleError> {
    let ctx = member.boxed_ctx();
    let period = period_of(&which).map_err(|e| ConsoleError::Api(e, ctx.clone()))?;
    let view = figures(&state, period)
        .await
        .map_err(|e| ConsoleError::Api(e, ctx))?;
    let labels: Vec<String> = view
        .periods
        .iter()
        .map(|p| match period {
            DashboardPeriod::Week => p.start.format("%d %b").to_string(),
            DashboardPeriod::Month => p.start.format("%b %Y").to_string(),
        })
        .collect();
    // Short labels under the bars (the table beside names each in full).
    let short: Vec<String> = view
        .periods
        .iter()
        .map(|p| match period {
            DashboardPeriod::Week => p.start.format("%-d %b").to_string(),
            DashboardPeriod::Month => p.start.format("%b").to_string(),
        })
        .collect();
    let growth = BarChart::grouped(
        "New and churned paid subscriptions",
        &short,
        &[
            ("series-a", view.periods.iter().map(|p| p.new).collect()),
            ("series-b", view.periods.iter().map(|p| p.churned).collect()),
        ],
    );
    let money = view
        .mrr
        .iter()
        .map(|m| fmt::money(m.amount_cents, &m.currency))
        .collect();
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        StatusCode::OK,
        &DashboardPage {
            ctx: Some(&member.ctx),
            period: period.as_str(),
            view,
            labels,
            growth,
            money,
        },
    ))
}

/// The period table as CSV (the API's own table).
pub async fn csv(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
    which: web::Query<Which>,
) -> Result<HttpResponse, ConsoleError> {
    let ctx = member.boxed_ctx();
    let answer = async {
        let period = period_of(&which)?;
        let view = figures(&state, period).await?;
        Ok::<_, ApiError>(
            view.periods_csv()?
                .into_response(&format!("dashboard-{}.csv", period.as_str()))?,
        )
    };
    answer.await.map_err(|e| ConsoleError::Api(e, ctx))
}
