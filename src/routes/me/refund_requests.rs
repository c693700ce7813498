//! `GET /v1/me/refund-requests`: the reader's refund requests and what
//! support decided, so they need not write in to ask.

use crate::db::{self, refund_requests::RefundRequestRow};
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One request as its reader sees it (without who at support decided).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRefundRequestStatus {
    /// The request id.
    pub id: String,
    /// The subscription it concerns.
    pub subscription_id: String,
    /// `pending`, `approved` or `denied`.
    pub status: String,
    /// The reader's words.
    pub reason: String,
    /// Support's note with the decision, if any.
    pub decision_note: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// When the reader asked.
    pub created_at: DateTime<Utc>,
}

impl From<RefundRequestRow> for MyRefundRequestStatus {
    fn from(row: RefundRequestRow) -> Self {
        Self {
            id: row.id,
            subscription_id: row.subscription_id,
            status: row.status.as_str().to_owned(),
            reason: row.reason,
            decision_note: row.decision_note,
            decided_at: row.decided_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// The reader's refund requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRefundRequests {
    /// Every request, newest first.
    pub items: Vec<MyRefundRequestStatus>,
}

/// Lists the reader's refund requests.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every request, newest first", body = MyRefundRequests),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/refund-requests")]
pub async fn my_refund_requests(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let id = reader.reader_id.to_string();
    let rows = state
        .db
        .run(move |conn| Ok(db::refund_requests::for_reader(conn, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(MyRefundRequests {
        items: rows.into_iter().map(Into::into).collect(),
    }))
}
