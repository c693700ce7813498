//! The console's stylesheet and script, compiled in and served from the
//! console's own origin (the CSP allows nothing else).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// `(name, content type, bytes)` of every asset.
const ASSETS: [(&str, &str, &str); 2] = [
    (
        "console.css",
        "text/css; charset=utf-8",
        include_str!("../../../assets/console/console.css"),
    ),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../assets/console/console.js"),
    ),
];

/// Serves one asset (an hour's caching: the console is used, not loaded
/// at scale), or 404.
pub async fn asset(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(*body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such asset"),
    }
}
