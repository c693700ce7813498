//! `PATCH /v1/admin/issues/{number}`: an editor corrects an issue; fields
//! left out stay as they are, `cover_image_url: null` removes the cover.

use super::AdminIssueView;
use crate::catalogue::update_issue::{IssueEdit, update_issue as update};
use crate::domain::{
    AuditAction, CoverImageUrl, IssueNumber, IssueYear, PublicationDate, Title, Volume,
};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::input::Input;
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateIssueRequest {
    /// A new issue number (unique).
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub number: Input<i64>,
    /// A new volume.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub volume: Input<i64>,
    /// A new year.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub year: Input<i64>,
    /// A new cover title.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Input<String>,
    /// A new cover image URL, or `null` to remove it.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub cover_image_url: Input<String>,
    /// A new cover date, RFC 3339.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publication_date: Input<String>,
}

/// Updates an issue and returns it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("number" = i32, Path, description = "The issue number")),
    request_body = UpdateIssueRequest,
    responses(
        (status = 200, description = "The updated issue", body = AdminIssueView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue (`issue_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new number is taken (`issue_number_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{number}")]
pub async fn update_issue(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    number: web::Path<i32>,
    body: web::Json<UpdateIssueRequest>,
) -> Result<HttpResponse, ApiError> {
    let issue = update_issue_as(&state, &editor, number.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Changes issue `current` for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn update_issue_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    current: i32,
    body: UpdateIssueRequest,
) -> Result<AdminIssueView, ApiError> {
    parse_fields! {
        number = "number" => body.number.change(IssueNumber::parse),
        volume = "volume" => body.volume.change(Volume::parse),
        year = "year" => body.year.change(IssueYear::parse),
        title = "title" => body.title.change(Title::parse),
        cover = "cover_image_url" => body.cover_image_url.nullable_change(CoverImageUrl::parse),
        publication_date = "publication_date" => body.publication_date.change(PublicationDate::parse),
    }
    let audit = editor.audit(AuditAction::IssueUpdated, ("issue", &current.to_string()));
    let wanted = IssueEdit {
        number,
        volume,
        year,
        title,
        cover_image_url: cover,
        publication_date,
    };
    let issue = update(&state.db, &state.cache, audit, current, wanted).await?;
    Ok(AdminIssueView::from(issue))
}
