//! `POST /v1/admin/articles`: an editor creates an article, unpublished
//! until it is published explicitly.

use super::{AdminArticleView, parse_meter_rule, parse_visibility};
use crate::catalogue::create_article::{ArticleDraft, create_article as create};
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
use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// A new article.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateArticleRequest {
    /// The URL name: lowercase a-z, 0-9 and single hyphens, at most 120 characters.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub slug: Input<String>,
    /// Headline, one line, at most 200 characters.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub title: Input<String>,
    /// Standfirst, one line, at most 500 characters.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub dek: Input<String>,
    /// Byline, at most 200 characters.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub author: Input<String>,
    /// The full text; paragraphs separated by blank lines.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub body: Input<String>,
    /// The number of an existing issue to place it in.
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub issue_number: Input<i64>,
    /// Who may read the full text.
    #[serde(default)]
    #[schema(required = true, value_type = Visibility)]
    pub visibility: Input<String>,
    /// Paragraphs shown before the paywall, at least 1 (`null`: the default cut).
    #[serde(default)]
    #[schema(value_type = Option<i32>)]
    pub paywall_cut: Input<i64>,
    /// How the metered paywall treats it: `metered` (the default: the
    /// meter may open it, counting a read), `exempt` (opens for metered
    /// visitors without counting) or `walled` (never opened by the meter).
    #[serde(default)]
    #[schema(value_type = Option<MeterRule>)]
    pub meter: Input<String>,
    /// The date it carries, RFC 3339.
    #[serde(default)]
    #[schema(required = true, value_type = String, format = DateTime)]
    pub publication_date: Input<String>,
}

/// Creates an article.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateArticleRequest,
    responses(
        (status = 201, description = "The new, unpublished article", body = AdminArticleView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken (`slug_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed; `issue_number` names no issue", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_article(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    body: web::Json<CreateArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let value = create_article_as(&state, &editor, body.into_inner()).await?;
    let location = format!("/v1/admin/articles/{}", value.slug);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(value))
}

/// Creates a draft article for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn create_article_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    request: CreateArticleRequest,
) -> Result<AdminArticleView, ApiError> {
    parse_fields! {
        slug = "slug" => request.slug.required(Slug::parse),
        title = "title" => request.title.required(Title::parse),
        dek = "dek" => request.dek.required(Dek::parse),
        author = "author" => request.author.required(Author::parse),
        text = "body" => request.body.required(ArticleBody::parse),
        issue_number = "issue_number" => request.issue_number.optional(IssueNumber::parse),
        visibility = "visibility" => request.visibility.required(parse_visibility),
        paywall_cut = "paywall_cut" => request.paywall_cut.optional(PaywallCut::parse),
        meter_rule = "meter" => request.meter.optional(parse_meter_rule),
        publication_date = "publication_date" => request.publication_date.required(PublicationDate::parse),
    }
    let audit = editor.audit(AuditAction::ArticleCreated, ("article", slug.as_str()));
    let draft = ArticleDraft {
        slug,
        title,
        dek,
        author,
        body: text,
        issue_number,
        visibility,
        paywall_cut,
        meter_rule: meter_rule.unwrap_or_default(),
        publication_date,
    };
    let article = create(&state.db, &state.cache, audit, draft).await?;
    Ok(AdminArticleView::from(article))
}
