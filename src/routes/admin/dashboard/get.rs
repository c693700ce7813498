//! `GET /v1/admin/dashboard?period=month&periods=12`: the dashboard's
//! figures as JSON, or its per-period table as CSV with `Accept: text/csv`.

use super::DashboardView;
use crate::billing::dashboard::dashboard;
use crate::domain::DashboardPeriod;
use crate::error::{ApiError, FieldError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// At most two years of weeks.
const MAX_PERIODS: usize = 104;

/// Which periods.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DashboardQuery {
    /// `week` or `month` (default).
    pub period: Option<String>,
    /// How many periods, up to and including the current one: 1 to 104, default 12.
    pub periods: Option<usize>,
}

/// Whether `text/csv` ranks before `application/json` in `Accept`
/// (JSON otherwise).
fn wants_csv(req: &HttpRequest) -> bool {
    crate::routes::csv_or_json::csv_ranks_first(req) == Some(true)
}

fn parse(query: &DashboardQuery) -> Result<(DashboardPeriod, usize), ApiError> {
    let period = match query.period.as_deref() {
        None => DashboardPeriod::Month,
        Some(raw) => DashboardPeriod::parse(raw).ok_or_else(|| {
            ApiError::invalid_field(FieldError::new("invalid", "`week` or `month`").at("period"))
        })?,
    };
    let periods = query.periods.unwrap_or(12);
    if !(1..=MAX_PERIODS).contains(&periods) {
        return Err(ApiError::invalid_field(
            FieldError::new("out_of_range", format!("1 to {MAX_PERIODS}")).at("periods"),
        ));
    }
    Ok((period, periods))
}

/// The dashboard (definitions: docs/dashboard.md).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The figures; with `Accept: text/csv`, the periods as `dashboard-<period>.csv` (period_start, period_end, active_at_start, new, churned, churn_percent, refunds, refunds_inside_guarantee, refunded, trials_ended, trials_converted, gifts_redeemed, gift_conversions)",
            content(
                (DashboardView = "application/json"),
                (String = "text/csv"),
            )
        ),
        (status = 400, description = "Unparseable query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A `period` other than week or month, or `periods` outside 1 to 104", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn get_dashboard(
    state: web::Data<AppState>,
    _admin: Staff<AdminRole>,
    req: HttpRequest,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let (period, periods) = parse(&query)?;
    let now = state.clock.now().naive_utc();
    let figures = dashboard(
        &state.db,
        period,
        periods,
        state.settings.refund_window_days,
        now,
    )
    .await?;
    let view = DashboardView::from(figures);
    if wants_csv(&req) {
        return Ok(view
            .periods_csv()?
            .into_response(&format!("dashboard-{}.csv", period.as_str()))?);
    }
    Ok(HttpResponse::Ok().json(view))
}
