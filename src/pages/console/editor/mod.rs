//! Editors' pages (editor and admin): issues and articles, created as
//! drafts, edited (an article with a preview of its teaser), published and
//! unpublished; audio and edition uploads with a progress bar.

mod articles;
mod issues;

use crate::pages::console::csrf;
use crate::pages::console::render::ConsoleError;
use crate::state::AppState;
use actix_web::{HttpRequest, web};
use serde::Deserialize;

/// The CSRF token of an upload, sent in the form's action URL (a
/// multipart body is streamed to disk, so its fields come too late).
#[derive(Debug, Deserialize)]
pub struct UploadToken {
    #[serde(default)]
    csrf: String,
}

/// Refuses an upload without this session's token or from another origin.
fn check_upload(
    state: &AppState,
    req: &HttpRequest,
    token: &UploadToken,
    expected: &str,
) -> Result<(), ConsoleError> {
    if csrf::same_origin(req, &state.settings) && csrf::matches(&token.csrf, expected) {
        Ok(())
    } else {
        Err(ConsoleError::Forged)
    }
}

/// Registers the editors' pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/articles", web::get().to(articles::list))
        .route("/articles", web::post().to(articles::create))
        .route("/articles/new", web::get().to(articles::new))
        .route("/articles/{slug}", web::get().to(articles::edit))
        .route("/articles/{slug}", web::post().to(articles::update))
        .route(
            "/articles/{slug}/publish",
            web::post().to(articles::publish),
        )
        .route(
            "/articles/{slug}/unpublish",
            web::post().to(articles::unpublish),
        )
        .route(
            "/articles/{slug}/audio",
            web::post().to(articles::upload_audio),
        )
        .route("/issues", web::get().to(issues::list))
        .route("/issues", web::post().to(issues::create))
        .route("/issues/new", web::get().to(issues::new))
        .route("/issues/{number}", web::get().to(issues::edit))
        .route("/issues/{number}", web::post().to(issues::update))
        .route("/issues/{number}/publish", web::post().to(issues::publish))
        .route(
            "/issues/{number}/unpublish",
            web::post().to(issues::unpublish),
        )
        .route(
            "/issues/{number}/edition",
            web::post().to(issues::upload_edition),
        );
}
