//! Content negotiation between CSV and JSON for the endpoints that answer
//! either (the print mailing list, the dashboard): which of the two ranks
//! first in the request's `Accept` header.

use actix_web::HttpRequest;
use actix_web::http::header::{self, Header};

/// `Some(true)` when `text/csv` ranks before `application/json` in
/// `Accept`, `Some(false)` for the reverse, `None` when neither is named
/// (or the header is unparseable): each endpoint picks its own default.
pub fn csv_ranks_first(req: &HttpRequest) -> Option<bool> {
    header::Accept::parse(req).ok().and_then(|accept| {
        accept.ranked().iter().find_map(|mime| {
            match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("text", "csv") => Some(true),
                ("application", "json") => Some(false),
                _ => None,
            }
        })
    })
}
