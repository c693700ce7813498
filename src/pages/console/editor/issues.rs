//! Issues: the list, the form (new and edit), publish and unpublish, and
//! the digital edition's PDF upload.

use super::{UploadToken, check_upload};
use crate::error::ApiError;
use crate::pages::console::api_body as body;
use crate::pages::console::fmt;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, redirect, status_of};
use crate::pages::console::{ConsoleForm, ConsoleStaff, Fields};
use crate::routes::admin::issues::AdminIssueView;
use crate::routes::admin::issues::create::create_issue_as;
use crate::routes::admin::issues::get::issue_view;
use crate::routes::admin::issues::list::{AdminListIssuesQuery, issue_page};
use crate::routes::admin::issues::publish::publish_issue_as;
use crate::routes::admin::issues::unpublish::unpublish_issue_as;
use crate::routes::admin::issues::update::update_issue_as;
use crate::routes::admin::issues::upload_edition::upload_edition_as;
use crate::routes::extract::EditorRole;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

#[derive(Template)]
#[template(path = "console/issues.html")]
struct ListPage<'a> {
    ctx: Option<&'a Ctx>,
    issues: Vec<AdminIssueView>,
    total: i64,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl ListPage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }
}

/// `GET /console/issues`.
pub async fn list(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
) -> Result<HttpResponse, ConsoleError> {
    let query = AdminListIssuesQuery {
        per_page: Some(100),
        ..AdminListIssuesQuery::default()
    };
    let found = issue_page(&state, &query).await?;
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        StatusCode::OK,
        &ListPage {
            ctx: Some(&member.ctx),
            issues: found.items,
            total: found.total,
        },
    ))
}

/// The form's fields, as text.
#[derive(Debug, Default)]
struct IssueForm {
    number: String,
    volume: String,
    year: String,
    title: String,
    cover_image_url: String,
    publication_date: String,
}

impl IssueForm {
    fn of(issue: &AdminIssueView) -> Self {
        Self {
            number: issue.number.to_string(),
            volume: issue.volume.to_string(),
            year: issue.year.to_string(),
            title: issue.title.clone(),
            cover_image_url: issue.cover_image_url.clone().unwrap_or_default(),
            publication_date: fmt::day(issue.publication_date),
        }
    }

    fn posted(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Self {
            number: get("number"),
            volume: get("volume"),
            year: get("year"),
            title: get("title"),
            cover_image_url: get("cover_image_url"),
            publication_date: get("publication_date"),
        }
    }

    fn json(&self) -> serde_json::Value {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        json!({
            "number": fmt::number(text(&self.number)),
            "volume": fmt::number(text(&self.volume)),
            "year": fmt::number(text(&self.year)),
            "title": text(&self.title),
            "cover_image_url": text(&self.cover_image_url),
            "publication_date": fmt::start_of_day(text(&self.publication_date)),
        })
    }
}

#[derive(Template)]
#[template(path = "console/issue.html")]
struct FormPage<'a> {
    ctx: Option<&'a Ctx>,
    issue: Option<&'a AdminIssueView>,
    form: &'a IssueForm,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl FormPage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    issue: Option<&AdminIssueView>,
    form: &IssueForm,
    error: Option<&ApiError>,
) -> HttpResponse {
    page(
        &state.settings,
        Some(ctx),
        error.map_or(StatusCode::OK, status_of),
        &FormPage {
            ctx: Some(ctx),
            issue,
            form,
            error: error.map(describe),
        },
    )
}

fn to_issue(number: i32) -> String {
    format!("/console/issues/{number}")
}

/// An issue number from the path, or the page's 404.
fn number_of(raw: &str, member: &ConsoleStaff<EditorRole>) -> Result<i32, ConsoleError> {
    raw.trim().parse().map_err(|_| {
        ConsoleError::Api(
            ApiError::not_found("issue_not_found", "no issue has this number"),
            member.boxed_ctx(),
        )
    })
}

/// `GET /console/issues/new`.
pub async fn new(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
) -> Result<HttpResponse, ConsoleError> {
    let form = IssueForm {
        publication_date: fmt::day(chrono::Utc::now()),
        ..IssueForm::default()
    };
    Ok(form_page(&state, &member.ctx, None, &form, None))
}

/// `POST /console/issues`: creates the draft.
pub async fn create(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
) -> Result<HttpResponse, ConsoleError> {
    let posted = IssueForm::posted(&form.fields);
    let created = match body(posted.json()) {
        Ok(sent) => create_issue_as(&state, &form.member.staff, sent).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(issue) => Ok(redirect(
            &state.settings,
            &to_issue(issue.number),
            Some("Draft issue created."),
        )),
        Err(error) => Ok(form_page(
            &state,
            &form.member.ctx,
            None,
            &posted,
            Some(&error),
        )),
    }
}

/// `GET /console/issues/{number}`.
pub async fn edit(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
    number: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let number = number_of(&number, &member)?;
    let issue = issue_view(&state, number)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    Ok(form_page(
        &state,
        &member.ctx,
        Some(&issue),
        &IssueForm::of(&issue),
        None,
    ))
}

/// The issue's page again with `error`.
async fn again(
    state: &AppState,
    member: &ConsoleStaff<EditorRole>,
    number: i32,
    posted: Option<&IssueForm>,
    error: &ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let issue = issue_view(state, number)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let own = IssueForm::of(&issue);
    Ok(form_page(
        state,
        &member.ctx,
        Some(&issue),
        posted.unwrap_or(&own),
        Some(error),
    ))
}

/// `POST /console/issues/{number}`: saves the edit.
pub async fn update(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
    number: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let number = number_of(&number, &form.member)?;
    let posted = IssueForm::posted(&form.fields);
    let saved = match body(posted.json()) {
        Ok(sent) => update_issue_as(&state, &form.member.staff, number, sent).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(issue) => Ok(redirect(
            &state.settings,
            &to_issue(issue.number),
            Some("Saved."),
        )),
        Err(error) => again(&state, &form.member, number, Some(&posted), &error).await,
    }
}

/// `POST /console/issues/{number}/publish`.
pub async fn publish(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
    number: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let number = number_of(&number, &form.member)?;
    match publish_issue_as(&state, &form.member.staff, number).await {
        Ok(issue) => Ok(redirect(
            &state.settings,
            &to_issue(issue.number),
            Some("Published."),
        )),
        Err(error) => again(&state, &form.member, number, None, &error).await,
    }
}

/// `POST /console/issues/{number}/unpublish`.
pub async fn unpublish(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
    number: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let number = number_of(&number, &form.member)?;
    match unpublish_issue_as(&state, &form.member.staff, number).await {
        Ok(issue) => Ok(redirect(
            &state.settings,
            &to_issue(issue.number),
            Some("Unpublished."),
        )),
        Err(error) => again(&state, &form.member, number, None, &error).await,
    }
}

/// `POST /console/issues/{number}/edition?csrf=…`: stores the PDF.
pub async fn upload_edition(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
    req: HttpRequest,
    number: web::Path<String>,
    token: web::Query<UploadToken>,
    multipart: Multipart,
) -> Result<HttpResponse, ConsoleError> {
    check_upload(&state, &req, &token, &member.ctx.csrf)?;
    let number = number_of(&number, &member)?;
    match upload_edition_as(&state, &member.staff, &req, number, multipart).await {
        Ok(issue) => Ok(redirect(
            &state.settings,
            &to_issue(issue.number),
            Some("Edition stored."),
        )),
        Err(error) => again(&state, &member, number, None, &error).await,
    }
}
