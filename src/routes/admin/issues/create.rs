//! `POST /v1/admin/issues`: an editor creates an issue, unpublished until
//! it is published explicitly.

use super::{AdminIssueView, issue_not_found, number_taken};
use crate::db::{self, issues::NewIssue};
use crate::domain::AuditAction;
use crate::domain::{CoverImageUrl, IssueNumber, IssueYear, PublicationDate, Title, Volume};
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
    let body = body.into_inner();
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
    let issue = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let id = uuid::Uuid::now_v7().to_string();
                db::issues::insert(
                    conn,
                    &NewIssue {
                        id: &id,
                        number: number.get(),
                        volume: volume.get(),
                        year: year.get(),
                        title: title.as_str(),
                        cover_image_url: cover.as_ref().map(CoverImageUrl::as_str),
                        publication_date: publication_date.naive_utc(),
                        created_at: now,
                        updated_at: now,
                    },
                )
                .map_err(number_taken)?;
                db::audit_log::record(conn, &audit.at(chrono::Utc::now().naive_utc()))?;
                db::issues::find_by_number(conn, number.get())?.ok_or_else(issue_not_found)
            })
        })
        .await?;
    let location = format!("/v1/admin/issues/{}", issue.issue.number);
    state.cache.catalogue_changed();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(AdminIssueView::from(issue)))
}
