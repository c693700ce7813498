//! The page's scripts and styles, compiled in (Swagger UI costs about
//! 1.9 MB of binary) and served with long cache lifetimes.

use crate::error::{ApiError, Problem};
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// A file the page loads.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

static ASSETS: [Asset; 3] = [
    Asset {
        name: "swagger-ui-bundle.js",
        content_type: JS,
        bytes: include_bytes!("../../../assets/docs/swagger-ui-bundle.js"),
    },
    Asset {
        name: "swagger-ui.css",
        content_type: CSS,
        bytes: include_bytes!("../../../assets/docs/swagger-ui.css"),
    },
    Asset {
        name: "docs-init.js",
        content_type: JS,
        bytes: include_bytes!("../../../assets/docs/docs-init.js"),
    },
];

/// The first 12 hex digits of a hash over every asset: the page puts it in
/// the assets' URLs, so a build with other assets gets other URLs.
pub(super) fn fingerprint() -> &'static str {
    static FINGERPRINT: LazyLock<String> = LazyLock::new(|| {
        let mut hash = Sha256::new();
        for asset in &ASSETS {
            hash.update(asset.name.as_bytes());
            hash.update(asset.bytes);
        }
        let digest = hash.finalize();
        let number = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        format!("{:012x}", number >> 16)
    });
    &FINGERPRINT
}

/// A script or stylesheet of `/docs`.
#[utoipa::path(
    tag = "operations",
    params(("file" = String, Path, description = "`swagger-ui-bundle.js`, `swagger-ui.css` or `docs-init.js`")),
    responses(
        (status = 200, description = "The file, cacheable for a year (its URL changes when it does)", content(
            (String = "text/javascript"),
            (String = "text/css"),
        )),
        (status = 404, description = "No such asset (`asset_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/docs/assets/{file}")]
pub async fn docs_asset(file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == file.as_str())
        .ok_or_else(|| ApiError::not_found("asset_not_found", "no such asset"))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(asset.bytes))
}
