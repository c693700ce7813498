//! `POST /v1/admin/issues`: an editor creates an issue, unpublished until
//! it is published explicitly.

use super::AdminIssueView;
use crate::catalogue::create_issue::{IssueDraft, create_issue as create};
use crate::domain::{
    AuditAction, CoverImageUrl, IssueNumber, IssueYear, PublicationDate, Title, Volume,
};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::input::Input;
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// A new issue.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateIssueRequest {
    /// The issue number, unique, 1 to 99999.
    #[serde(default)]
    #[schema(required = true, value_type = i32)]
    pub number: Input<i64>,
    /// Volume, 1 to 9999.
    #[serde(default)]
    #[schema(required = true, value_type = i32)]
    pub volume: Input<i64>,
    /// Year of the volume.
    #[serde(default)]
    #[schema(required = true, value_type = i32)]
    pub year: Input<i64>,
    /// Cover title, one line, at most 200 characters.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub title: Input<String>,
    /// An absolute http(s) URL of the cover image.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub cover_image_url: Input<String>,
    /// The cover date, RFC 3339.
    #[serde(default)]
    #[schema(required = true, value_type = String, format = DateTime)]
    pub publication_date: Input<String>,
}

/// Creates an issue.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateIssueRequest,
    responses(
        (status = 201, description = "The new, unpublished issue", body = AdminIssueView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The number is taken (`issue_number_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_issue(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    body: web::Json<CreateIssueRequest>,
) -> Result<HttpResponse, ApiError> {
    let issue = create_issue_as(&state, &editor, body.into_inner()).await?;
    let location = format!("/v1/admin/issues/{}", issue.number);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(issue))
}

/// Creates a draft issue for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn create_issue_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    body: CreateIssueRequest,
) -> Result<AdminIssueView, ApiError> {
    parse_fields! {
        number = "number" => body.number.required(IssueNumber::parse),
        volume = "volume" => body.volume.required(Volume::parse),
        year = "year" => body.year.required(IssueYear::parse),
        title = "title" => body.title.required(Title::parse),
        cover = "cover_image_url" => body.cover_image_url.optional(CoverImageUrl::parse),
        publication_date = "publication_date" => body.publication_date.required(PublicationDate::parse),
    }
    let audit = editor.audit(
        AuditAction::IssueCreated,
        ("issue", &number.get().to_string()),
    );
    let draft = IssueDraft {
        number,
        volume,
        year,
        title,
        cover_image_url: cover,
        publication_date,
    };
    let issue = create(&state.db, &state.cache, audit, draft).await?;
    Ok(AdminIssueView::from(issue))
}
