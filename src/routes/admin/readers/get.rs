//! `GET /v1/admin/readers/{id}`: one reader, everything support may need.

use super::detail::{ReaderDetail, SubscriptionDetail};
use super::path_reader;
use crate::accounts::directory::{ReaderRecord, reader_record};
use crate::catalogue::gift_links::list::gift_links_of;
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// The answer for `record`.
fn detail(record: ReaderRecord) -> ReaderDetail {
    let subscriptions = record
        .subscriptions
        .into_iter()
        .map(|s| {
            SubscriptionDetail::new(s.row, s.events, s.payments, s.refunds)
                .with_follow_ups(s.follow_ups)
        })
        .collect();
    ReaderDetail::new(
        record.reader,
        subscriptions,
        record.refund_requests,
        record.sessions,
    )
}

/// Shows a reader with subscriptions (events, payments, refunds), refund
/// requests, live sessions, the gift links they made and the gift
/// subscriptions they bought or redeemed.
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
    Ok(HttpResponse::Ok().json(reader_detail(&state, &id).await?))
}

/// Everything about reader `id`: the one path of this endpoint and the
/// staff console's reader page.
pub async fn reader_detail(state: &AppState, id: &str) -> Result<ReaderDetail, ApiError> {
    let id = path_reader(id)?;
    let record = reader_record(&accounts(state), id.clone()).await?;
    let (gift_links, _) = gift_links_of(&state.db, id.clone(), Paging::first(50)).await?;
    let gifts = crate::billing::gifts::gifts_of_reader(&state.db, id).await?;
    Ok(detail(record).with_gift_links(gift_links).with_gifts(gifts))
}
