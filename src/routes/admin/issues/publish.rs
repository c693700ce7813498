//! `POST /v1/admin/issues/{number}/publish`: readers can see the issue
//! (and its published articles) from now on. Publishing again changes
//! nothing, so a retried request is harmless.

use super::AdminIssueView;
use crate::catalogue::publish_issue::publish_issue as publish;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Publishes an issue.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("number" = i32, Path, description = "The issue number")),
    responses(
        (status = 200, description = "The published issue", body = AdminIssueView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue (`issue_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{number}/publish")]
pub async fn publish_issue(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    number: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let issue = publish_issue_as(&state, &editor, number.into_inner()).await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Publishes issue `number` for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn publish_issue_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    number: i32,
) -> Result<AdminIssueView, ApiError> {
    let audit = editor.audit(AuditAction::IssuePublished, ("issue", &number.to_string()));
    let issue = publish(&state.db, &state.cache, audit, number).await?;
    Ok(AdminIssueView::from(issue))
}
