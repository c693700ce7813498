//! Articles: the list, the form (new and edit) with a preview of the
//! teaser the paywall cut leaves, publish and unpublish, the audio upload
//! and what narration did.

use super::{UploadToken, check_upload};
use crate::domain::teaser;
use crate::error::ApiError;
use crate::pages::console::api_body as body;
use crate::pages::console::fmt;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, redirect, status_of};
use crate::pages::console::{ConsoleForm, ConsoleStaff, Fields};
use crate::routes::admin::articles::AdminArticleView;
use crate::routes::admin::articles::create::create_article_as;
use crate::routes::admin::articles::get::article_view;
use crate::routes::admin::articles::list::{AdminListArticlesQuery, article_page};
use crate::routes::admin::articles::publish::publish_article_as;
use crate::routes::admin::articles::unpublish::unpublish_article_as;
use crate::routes::admin::articles::update::update_article_as;
use crate::routes::admin::articles::upload_audio::upload_audio_as;
use crate::routes::extract::EditorRole;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

#[derive(Template)]
#[template(path = "console/articles.html")]
struct ListPage<'a> {
    ctx: Option<&'a Ctx>,
    articles: Vec<AdminArticleView>,
    total: i64,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl ListPage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }
    fn path(&self, value: impl AsRef<str>) -> String {
        fmt::encode(value.as_ref())
    }
}

/// `GET /console/articles`: the newest articles, drafts included.
pub async fn list(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
) -> Result<HttpResponse, ConsoleError> {
    let query = AdminListArticlesQuery {
        per_page: Some(100),
        ..AdminListArticlesQuery::default()
    };
    let found = article_page(&state, &query).await?;
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        StatusCode::OK,
        &ListPage {
            ctx: Some(&member.ctx),
            articles: found.items,
            total: found.total,
        },
    ))
}

/// The form's fields, as text.
#[derive(Debug, Default)]
struct ArticleForm {
    slug: String,
    title: String,
    dek: String,
    author: String,
    body: String,
    issue_number: String,
    visibility: String,
    paywall_cut: String,
    meter: String,
    publication_date: String,
}

impl ArticleForm {
    fn of(article: &AdminArticleView) -> Self {
        Self {
            slug: article.slug.clone(),
            title: article.title.clone(),
            dek: article.dek.clone(),
            author: article.author.clone(),
            body: article.body.clone(),
            issue_number: article
                .issue_number
                .map(|n| n.to_string())
                .unwrap_or_default(),
            visibility: article.visibility.as_str().to_owned(),
            paywall_cut: article
                .paywall_cut
                .map(|n| n.to_string())
                .unwrap_or_default(),
            meter: article.meter.as_str().to_owned(),
            publication_date: fmt::day(article.publication_date),
        }
    }

    fn posted(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Self {
            slug: get("slug"),
            title: get("title"),
            dek: get("dek"),
            author: get("author"),
            body: get("body"),
            issue_number: get("issue_number"),
            visibility: get("visibility"),
            paywall_cut: get("paywall_cut"),
            meter: get("meter"),
            publication_date: get("publication_date"),
        }
    }

    /// The API's JSON body for these fields (`null` for a blank optional
    /// number, so an edit can clear it).
    fn json(&self) -> serde_json::Value {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        json!({
            "slug": text(&self.slug),
            "title": text(&self.title),
            "dek": text(&self.dek),
            "author": text(&self.author),
            "body": text(&self.body),
            "issue_number": fmt::number(text(&self.issue_number)),
            "visibility": text(&self.visibility),
            "paywall_cut": fmt::number(text(&self.paywall_cut)),
            "meter": text(&self.meter),
            "publication_date": fmt::start_of_day(text(&self.publication_date)),
        })
    }

    /// The teaser a visitor without access would get.
    fn preview(&self) -> String {
        let cut = self.paywall_cut.trim().parse::<i32>().ok();
        teaser(&crate::domain::normalise_body(&self.body), cut)
    }
}

#[derive(Template)]
#[template(path = "console/article.html")]
struct FormPage<'a> {
    ctx: Option<&'a Ctx>,
    article: Option<&'a AdminArticleView>,
    form: &'a ArticleForm,
    preview: String,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl FormPage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }
    fn path(&self, value: impl AsRef<str>) -> String {
        fmt::encode(value.as_ref())
    }
    fn selected(&self, field: &str, value: &str) -> bool {
        field == value
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    article: Option<&AdminArticleView>,
    form: &ArticleForm,
    error: Option<&ApiError>,
) -> HttpResponse {
    let status = error.map_or(StatusCode::OK, status_of);
    page(
        &state.settings,
        Some(ctx),
        status,
        &FormPage {
            ctx: Some(ctx),
            article,
            form,
            preview: form.preview(),
            error: error.map(describe),
        },
    )
}

/// `GET /console/articles/new`.
pub async fn new(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
) -> Result<HttpResponse, ConsoleError> {
    let form = ArticleForm {
        visibility: "subscribers".to_owned(),
        meter: "metered".to_owned(),
        publication_date: fmt::day(chrono::Utc::now()),
        ..ArticleForm::default()
    };
    Ok(form_page(&state, &member.ctx, None, &form, None))
}

fn to_article(slug: &str) -> String {
    format!("/console/articles/{}", fmt::encode(slug))
}

/// `POST /console/articles`: creates the draft (or, with `preview`, shows
/// the teaser of what was typed).
pub async fn create(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
) -> Result<HttpResponse, ConsoleError> {
    let posted = ArticleForm::posted(&form.fields);
    if form.fields.checked("preview") {
        return Ok(form_page(&state, &form.member.ctx, None, &posted, None));
    }
    let created = match body(posted.json()) {
        Ok(sent) => create_article_as(&state, &form.member.staff, sent).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(article) => Ok(redirect(
            &state.settings,
            &to_article(&article.slug),
            Some("Draft created."),
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

/// `GET /console/articles/{slug}`: the form, the teaser, the audio.
pub async fn edit(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let article = article_view(&state, slug.into_inner())
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let form = ArticleForm::of(&article);
    Ok(form_page(&state, &member.ctx, Some(&article), &form, None))
}

/// Shows the article's page again with `error`.
async fn again(
    state: &AppState,
    member: &ConsoleStaff<EditorRole>,
    slug: String,
    posted: Option<&ArticleForm>,
    error: &ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let article = article_view(state, slug)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let own = ArticleForm::of(&article);
    Ok(form_page(
        state,
        &member.ctx,
        Some(&article),
        posted.unwrap_or(&own),
        Some(error),
    ))
}

/// `POST /console/articles/{slug}`: saves the edit (or previews it).
pub async fn update(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let slug = slug.into_inner();
    let posted = ArticleForm::posted(&form.fields);
    if form.fields.checked("preview") {
        let article = article_view(&state, slug)
            .await
            .map_err(|e| ConsoleError::Api(e, form.member.boxed_ctx()))?;
        return Ok(form_page(
            &state,
            &form.member.ctx,
            Some(&article),
            &posted,
            None,
        ));
    }
    let saved = match body(posted.json()) {
        Ok(sent) => update_article_as(&state, &form.member.staff, slug.clone(), sent).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(article) => Ok(redirect(
            &state.settings,
            &to_article(&article.slug),
            Some("Saved."),
        )),
        Err(error) => again(&state, &form.member, slug, Some(&posted), &error).await,
    }
}

/// `POST /console/articles/{slug}/publish`.
pub async fn publish(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let slug = slug.into_inner();
    match publish_article_as(&state, &form.member.staff, slug.clone()).await {
        Ok(article) => Ok(redirect(
            &state.settings,
            &to_article(&article.slug),
            Some("Published."),
        )),
        Err(error) => again(&state, &form.member, slug, None, &error).await,
    }
}

/// `POST /console/articles/{slug}/unpublish`.
pub async fn unpublish(
    state: web::Data<AppState>,
    form: ConsoleForm<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let slug = slug.into_inner();
    match unpublish_article_as(&state, &form.member.staff, slug.clone()).await {
        Ok(article) => Ok(redirect(
            &state.settings,
            &to_article(&article.slug),
            Some("Unpublished: readers no longer see it."),
        )),
        Err(error) => again(&state, &form.member, slug, None, &error).await,
    }
}

/// `POST /console/articles/{slug}/audio?csrf=…`: stores the recording
/// (multipart `file` and `duration_seconds`).
pub async fn upload_audio(
    state: web::Data<AppState>,
    member: ConsoleStaff<EditorRole>,
    req: HttpRequest,
    slug: web::Path<String>,
    token: web::Query<UploadToken>,
    multipart: Multipart,
) -> Result<HttpResponse, ConsoleError> {
    check_upload(&state, &req, &token, &member.ctx.csrf)?;
    let slug = slug.into_inner();
    match upload_audio_as(&state, &member.staff, &req, slug.clone(), None, multipart).await {
        Ok(article) => Ok(redirect(
            &state.settings,
            &to_article(&article.slug),
            Some("Audio stored."),
        )),
        Err(error) => again(&state, &member, slug, None, &error).await,
    }
}
