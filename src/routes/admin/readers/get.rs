//! `GET /v1/admin/readers/{id}`: one reader, everything support may need.

use super::detail::{ReaderDetail, SubscriptionDetail};
use super::{path_reader, reader_not_found};
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use diesel::OptionalExtension;

/// Shows a reader with subscriptions (events, payments, refunds), refund
/// requests and live sessions.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The reader id")),
    responses(
        (status = 200, description = "The reader", body = ReaderDetail),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reader (`reader_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{id}")]
pub async fn get_reader(
    state: web::Data<AppState>,
    _support: Staff<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_reader(&id)?;
    let detail = state
        .db
        .run(move |conn| {
            let reader = db::readers::find(conn, &id)
                .optional()?
                .ok_or_else(reader_not_found)?;
            let mut subscriptions = Vec::new();
            for row in db::subscriptions::for_reader(conn, &id)? {
                let sid = row.subscription_id();
                subscriptions.push(
                    SubscriptionDetail::new(
                        row,
                        db::subscriptions::events(conn, &sid)?,
                        db::payments::for_subscription(conn, &sid)?,
                        db::refunds::for_subscription(conn, &sid)?,
                    )
                    .with_follow_ups(
                        db::provider_follow_ups::for_subscription(conn, sid.as_str())?,
                    ),
                );
            }
            let requests = db::refund_requests::for_reader(conn, id.as_str())?;
            let now = chrono::Utc::now().naive_utc();
            let sessions = db::sessions::live_for_reader(conn, &id, now)?;
            Ok(ReaderDetail::new(reader, subscriptions, requests, sessions))
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}
