//! `GET /v1/admin/issues/{number}`: one issue, published or not.

use super::{AdminIssueView, issue_not_found};
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// Shows one issue as editors see it.
#[utoipa::path(
    tag = "admin",
    operation_id = "admin_get_issue",
    security(("bearer" = [])),
    params(("number" = i32, Path, description = "The issue number")),
    responses(
        (status = 200, description = "The issue", body = AdminIssueView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue (`issue_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{number}")]
pub async fn get_issue(
    state: web::Data<AppState>,
    _editor: Staff<EditorRole>,
    number: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(issue_view(&state, number.into_inner()).await?))
}

/// Issue `number`, draft or not: the one path of this endpoint and the
/// staff console.
pub async fn issue_view(state: &AppState, number: i32) -> Result<AdminIssueView, ApiError> {
    let issue = state
        .db
        .run(move |conn| Ok(db::issues::find_by_number(conn, number)?))
        .await?
        .ok_or_else(issue_not_found)?;
    Ok(AdminIssueView::from(issue))
}
