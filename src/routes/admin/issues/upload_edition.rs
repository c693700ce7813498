//! `PUT /v1/admin/issues/{number}/edition`: uploads the issue's digital
//! edition (a PDF, multipart part `file`), replacing any earlier one.

use super::AdminIssueView;
use crate::catalogue::upload_edition::upload_edition as store;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::media::{self, MediaKind, UploadRules};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, put, web};
use utoipa::ToSchema;

/// The multipart form of an edition upload.
#[derive(ToSchema)]
pub struct EditionUploadForm {
    /// The PDF, declared `application/pdf`.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Stores the edition and returns the issue.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("number" = i32, Path, description = "The issue number")),
    request_body(content = inline(EditionUploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The issue with its new edition", body = AdminIssueView),
        (status = 400, description = "The multipart body cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue (`issue_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `MASTHEAD_MAX_EDITION_BYTES`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the file is not a PDF", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `file` part", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/{number}/edition")]
pub async fn upload_edition(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    req: HttpRequest,
    number: web::Path<i32>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let issue = upload_edition_as(&state, &editor, &req, number.into_inner(), multipart).await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Stores the edition `multipart` carries for issue `number`: the one path
/// of this endpoint and the staff console.
pub async fn upload_edition_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    req: &HttpRequest,
    number: i32,
    multipart: Multipart,
) -> Result<AdminIssueView, ApiError> {
    let media_dir = state.settings.media_dir();
    let rules = UploadRules {
        kind: MediaKind::Edition,
        max_bytes: state.settings.max_edition_bytes,
    };
    // Read only once the use case knows the issue exists.
    let receive = async {
        Ok(media::receive(req, multipart, &media_dir, rules)
            .await?
            .file)
    };
    let audit = editor.audit(AuditAction::EditionUploaded, ("issue", &number.to_string()));
    let issue = store(&state.db, &state.cache, &media_dir, audit, number, receive).await?;
    Ok(AdminIssueView::from(issue))
}
