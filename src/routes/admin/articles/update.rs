//! `PATCH /v1/admin/articles/{slug}`: an editor revises an article; fields
//! left out stay as they are, `null` clears `issue_number` and
//! `paywall_cut`.

use super::{AdminArticleView, parse_meter_rule, parse_visibility, path_slug};
use crate::catalogue::update_article::{ArticleEdit, update_article as update};
use crate::domain::AuditAction;
use crate::domain::{
    ArticleBody, Author, Dek, IssueNumber, MeterRule, PaywallCut, PublicationDate, Slug, Title,
    Visibility,
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
pub struct UpdateArticleRequest {
    /// A new slug (unique); the old URL stops working.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub slug: Input<String>,
    /// A new headline.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Input<String>,
    /// A new standfirst.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub dek: Input<String>,
    /// A new byline.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub author: Input<String>,
    /// A new full text.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub body: Input<String>,
    /// Another existing issue, or `null` to take it out of its issue.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub issue_number: Input<i64>,
    /// A new visibility.
    #[serde(default)]
    #[schema(value_type = Option<Visibility>)]
    pub visibility: Input<String>,
    /// A new paywall cut, or `null` for the default cut.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub paywall_cut: Input<i64>,
    /// A new rule for the metered paywall: `metered`, `exempt` or `walled`.
    #[serde(default)]
    #[schema(value_type = Option<MeterRule>)]
    pub meter: Input<String>,
    /// A new date, RFC 3339.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publication_date: Input<String>,
}

/// Updates an article and returns it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    request_body = UpdateArticleRequest,
    responses(
        (status = 200, description = "The updated article", body = AdminArticleView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article (`article_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new slug is taken (`slug_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed; `issue_number` names no issue", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{slug}")]
pub async fn update_article(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    slug: web::Path<String>,
    body: web::Json<UpdateArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let article = update_article_as(&state, &editor, slug.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(article))
}

/// Changes article `slug` for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn update_article_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    slug: String,
    request: UpdateArticleRequest,
) -> Result<AdminArticleView, ApiError> {
    let current = path_slug(slug)?;
    parse_fields! {
        slug = "slug" => request.slug.change(Slug::parse),
        title = "title" => request.title.change(Title::parse),
        dek = "dek" => request.dek.change(Dek::parse),
        author = "author" => request.author.change(Author::parse),
        text = "body" => request.body.change(ArticleBody::parse),
        issue_number = "issue_number" => request.issue_number.nullable_change(IssueNumber::parse),
        visibility = "visibility" => request.visibility.change(parse_visibility),
        paywall_cut = "paywall_cut" => request.paywall_cut.nullable_change(PaywallCut::parse),
        meter_rule = "meter" => request.meter.change(parse_meter_rule),
        publication_date = "publication_date" => request.publication_date.change(PublicationDate::parse),
    }
    let audit = editor.audit(AuditAction::ArticleUpdated, ("article", current.as_str()));
    let wanted = ArticleEdit {
        slug,
        title,
        dek,
        author,
        body: text,
        issue_number,
        visibility,
        paywall_cut,
        meter_rule,
        publication_date,
    };
    let article = update(&state.db, &state.cache, audit, current, wanted).await?;
    Ok(AdminArticleView::from(article))
}
