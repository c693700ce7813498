//! The reference page itself.

use super::assets;
use actix_web::http::header;
use actix_web::{HttpResponse, get};
use std::sync::LazyLock;

/// Only this origin's scripts and styles (no inline script: the page's own
/// set-up is `docs-init.js`), images from here or `data:` URLs (Swagger
/// UI's icons), requests only to this origin (the document, "try it out").
/// Set here because the page needs its own, looser than the API's default.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page, its asset URLs carrying the assets' fingerprint so they can
/// be cached for a year and still change with a new build.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    include_str!("../../../assets/docs/index.html").replace("{version}", assets::fingerprint())
});

/// An interactive reference of this API (Swagger UI) over `/openapi.json`.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "An HTML page; its scripts and styles are served under `/docs/assets/`", body = String, content_type = "text/html"))
)]
#[get("/docs")]
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(PAGE.as_str())
}
