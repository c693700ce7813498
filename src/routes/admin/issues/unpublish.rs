//! `POST /v1/admin/issues/{number}/unpublish`: takes the issue (and with
//! it its articles) off the public catalogue. Unpublishing an unpublished
//! issue changes nothing.

use super::AdminIssueView;
use crate::catalogue::unpublish_issue::unpublish_issue as unpublish;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Unpublishes an issue.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("number" = i32, Path, description = "The issue number")),
    responses(
        (status = 200, description = "The unpublished issue", body = AdminIssueView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue (`issue_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{number}/unpublish")]
pub async fn unpublish_issue(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    number: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let issue = unpublish_issue_as(&state, &editor, number.into_inner()).await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Unpublishes issue `number` for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn unpublish_issue_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    number: i32,
) -> Result<AdminIssueView, ApiError> {
    let audit = editor.audit(
        AuditAction::IssueUnpublished,
        ("issue", &number.to_string()),
    );
    let issue = unpublish(&state.db, &state.cache, audit, number).await?;
    Ok(AdminIssueView::from(issue))
}
