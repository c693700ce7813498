//! `GET /console`: where each role starts.

use super::extract::ConsoleStaff;
use super::render::{ConsoleError, Ctx, page};
use crate::routes::admin::refund_requests::list::{RefundRequestsQuery, refund_request_page};
use crate::routes::extract::AnyStaffRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage<'a> {
    ctx: Option<&'a Ctx>,
    /// Pending refund requests, for support.
    pending: Option<i64>,
}

/// The start page: what this role can do, and support's open queue.
pub async fn home(
    state: web::Data<AppState>,
    member: ConsoleStaff<AnyStaffRole>,
) -> Result<HttpResponse, ConsoleError> {
    let pending = if member.ctx.support {
        let query = RefundRequestsQuery {
            per_page: Some(1),
            ..RefundRequestsQuery::default()
        };
        Some(refund_request_page(&state, &query).await?.total)
    } else {
        None
    };
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        StatusCode::OK,
        &HomePage {
            ctx: Some(&member.ctx),
            pending,
        },
    ))
}
