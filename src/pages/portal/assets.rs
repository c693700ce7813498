//! The portal's script and stylesheet, compiled in. Their URLs carry no
//! version (the site includes `/portal/v1.js` as it is), so they are
//! cached briefly and revalidated by `ETag`.

use actix_web::http::header;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The portal's script.
pub const PORTAL_JS: &[u8] = include_bytes!("../../../assets/portal/v1.js");
/// The portal's stylesheet.
pub const PORTAL_CSS: &[u8] = include_bytes!("../../../assets/portal/v1.css");
/// The sample site's own stylesheet (not part of the portal).
pub(super) const SAMPLE_CSS: &[u8] = include_bytes!("../../../assets/portal/sample.css");

/// Five minutes: a new release reaches readers soon, and a revalidation
/// costs a 304.
const CACHE_CONTROL: &str = "public, max-age=300";

/// A compiled-in file with its type and strong validator.
pub(super) struct Asset {
    content_type: &'static str,
    bytes: &'static [u8],
    etag: &'static LazyLock<String>,
}

/// A strong `ETag`: the first 96 bits of the file's SHA-256.
fn etag_of(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut tag = String::from("\"");
    for byte in &digest[..12] {
        let _ = write!(tag, "{byte:02x}");
    }
    tag.push('"');
    tag
}

impl Asset {
    /// 200 with the file, or 304 when the request already holds it.
    pub(super) fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let etag = self.etag.as_str();
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .split(',')
                    .any(|tag| tag.trim() == etag || tag.trim() == "*")
            });
        let mut response = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
            .insert_header((header::ETAG, etag))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            // Any site may load the script; nothing else about it is private.
            .insert_header(("cross-origin-resource-policy", "cross-origin"));
        if fresh {
            response.finish()
        } else {
            response.content_type(self.content_type).body(self.bytes)
        }
    }
}

static JS_ETAG: LazyLock<String> = LazyLock::new(|| etag_of(PORTAL_JS));
static CSS_ETAG: LazyLock<String> = LazyLock::new(|| etag_of(PORTAL_CSS));
static SAMPLE_ETAG: LazyLock<String> = LazyLock::new(|| etag_of(SAMPLE_CSS));

static JS: Asset = Asset {
    content_type: "text/javascript; charset=utf-8",
    bytes: PORTAL_JS,
    etag: &JS_ETAG,
};
static CSS: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    bytes: PORTAL_CSS,
    etag: &CSS_ETAG,
};
/// The sample site's stylesheet.
pub(super) static SAMPLE_STYLES: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    bytes: SAMPLE_CSS,
    etag: &SAMPLE_ETAG,
};

async fn script(req: HttpRequest) -> HttpResponse {
    JS.respond(&req)
}

async fn stylesheet(req: HttpRequest) -> HttpResponse {
    CSS.respond(&req)
}

/// `GET /portal/v1.js` and `GET /portal/v1.css`.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/portal/v1.js", web::get().to(script))
        .route("/portal/v1.css", web::get().to(stylesheet));
}
