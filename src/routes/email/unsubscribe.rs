//! `POST /v1/email/unsubscribe?token=`: the one-click unsubscribe that
//! optional emails name in `List-Unsubscribe` (RFC 2369 §3.2) with
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058 §3.1).
//! A mail client POSTs the form body `List-Unsubscribe=One-Click` to the
//! URI as it is; so does the site's unsubscribe page. `GET` on the same
//! URI never unsubscribes (RFC 8058 §3.2: link scanners and prefetchers
//! open every link): it sends a person to the site's page, which asks.

use crate::accounts::{unsubscribe, unsubscribe_link_invalid};
use crate::domain::FieldError;
use crate::error::{ApiError, Problem};
use crate::site_url::SitePage;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The form field and value RFC 8058 §3.1 has the mail client send.
const ONE_CLICK: &[u8] = b"List-Unsubscribe=One-Click";

/// The query of the link: the token, as the email gave it.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnsubscribeQuery {
    /// The signed token of the reader and list.
    #[serde(default)]
    pub token: Option<String>,
}

/// The list the reader left.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unsubscribed {
    /// The list: `product_updates` (perk launches and product news).
    #[schema(example = "product_updates")]
    pub list: &'static str,
    /// Always `false`: the reader no longer gets this list.
    pub subscribed: bool,
}

/// Whether `body` (`application/x-www-form-urlencoded`) holds
/// `List-Unsubscribe=One-Click`.
fn is_one_click(body: &[u8]) -> bool {
    body.split(|byte| *byte == b'&')
        .any(|pair| pair.trim_ascii() == ONE_CLICK)
}

/// Unsubscribes the reader the token names from its list (today:
/// `product_updates`); no login. Clicking twice answers the same.
/// Receipts, payment and refund notices, renewal reminders and security
/// emails are not affected.
#[utoipa::path(
    tag = "email",
    params(UnsubscribeQuery),
    request_body(content = String, description = "`List-Unsubscribe=One-Click` (RFC 8058)", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Unsubscribed (also when already unsubscribed)", body = Unsubscribed),
        (status = 404, description = "Not a valid unsubscribe link: forged, altered, or truncated (`unsubscribe_link_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not `List-Unsubscribe=One-Click` (`one_click_required`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/email/unsubscribe")]
pub async fn one_click_unsubscribe(
    state: web::Data<AppState>,
    query: web::Query<UnsubscribeQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let token = query
        .into_inner()
        .token
        .ok_or_else(unsubscribe_link_invalid)?;
    if !is_one_click(&body) {
        return Err(ApiError::invalid_field(
            FieldError::new(
                "one_click_required",
                "send the form body List-Unsubscribe=One-Click (RFC 8058)",
            )
            .at("List-Unsubscribe"),
        ));
    }
    let list = unsubscribe(&state.db, &state.unsubscribe_tokens, &token).await?;
    Ok(HttpResponse::Ok().json(Unsubscribed {
        list: list.as_str(),
        subscribed: false,
    }))
}

/// A person (or a link scanner) opening the link: unsubscribes nobody,
/// and sends them to the site's unsubscribe page with the token, where a
/// button posts the one-click request.
#[utoipa::path(
    tag = "email",
    params(UnsubscribeQuery),
    responses(
        (status = 303, description = "To the site's unsubscribe page (`MASTHEAD_SITE_UNSUBSCRIBE_PATH`) with the token; nothing changed"),
    )
)]
#[get("/v1/email/unsubscribe")]
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    query: web::Query<UnsubscribeQuery>,
) -> HttpResponse {
    let token = query.into_inner().token.unwrap_or_default();
    let page = SitePage::Unsubscribe.url(&state.settings, &[("token", &token)]);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, page))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::is_one_click;

    #[test]
    fn the_rfc_8058_body_is_recognised() {
        assert!(is_one_click(b"List-Unsubscribe=One-Click"));
        assert!(is_one_click(b"a=b&List-Unsubscribe=One-Click"));
        assert!(!is_one_click(b""));
        assert!(!is_one_click(b"List-Unsubscribe=Two-Clicks"));
    }
}
