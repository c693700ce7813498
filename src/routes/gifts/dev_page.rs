//! `GET /v1/gifts/dev/checkout/{id}`: the development provider's payment
//! page of a gift, opened by the browser like Stripe Checkout's.

use crate::billing::gifts;
use crate::domain::{GiftId, GiftStatus};
use crate::error::{ApiError, Problem};
use crate::routes::billing::dev_checkout_page::{content_security_policy, escape};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// 404 unless the development provider is in use.
pub(super) fn dev_only(state: &AppState) -> Result<(), ApiError> {
    state.payments.dev().map(drop).ok_or_else(|| {
        ApiError::not_found(
            "dev_provider_disabled",
            "the development payment provider is not in use here",
        )
    })
}

/// The gift's page: what is given at which price, with Pay and Cancel
/// buttons (each a form posting the page's token). Development only.
#[utoipa::path(
    tag = "gifts",
    params(("id" = String, Path, description = "The gift's checkout id")),
    responses(
        (status = 200, description = "An HTML page with Pay and Cancel buttons", body = String, content_type = "text/html"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such gift (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/gifts/dev/checkout/{id}")]
pub async fn gift_dev_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    dev_only(&state)?;
    let id = GiftId::parse(&id)
        .ok_or_else(|| ApiError::not_found("checkout_not_found", "no such checkout"))?;
    let page = gifts::gift_dev_page(&state.db, &id).await?;
    let gift = &page.gift;
    let now = chrono::Utc::now().naive_utc();
    let id = escape(&gift.id);
    let body = match gift.status() {
        Some(GiftStatus::Open) if gift.expires_at > now => {
            let token = escape(gift.page_token.as_deref().unwrap_or_default());
            format!(
                r#"<p>Development payment: nothing is charged.</p>
<form method="post" action="/v1/gifts/dev/checkout/{id}/pay"><input type="hidden" name="token" value="{token}"><button type="submit">Pay</button></form>
<form method="post" action="/v1/gifts/dev/checkout/{id}/cancel"><input type="hidden" name="token" value="{token}"><button type="submit">Cancel</button></form>"#
            )
        }
        Some(GiftStatus::Open | GiftStatus::Expired) | None => {
            "<p>This gift can no longer be paid; start again.</p>".to_owned()
        }
        Some(_) => "<p>This gift is paid.</p>".to_owned(),
    };
    let price = format!(
        "{}.{:02} {} for {} months, to {}",
        gift.amount_cents / 100,
        gift.amount_cents % 100,
        gift.currency.to_ascii_uppercase(),
        gift.months,
        gift.recipient_email
    );
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gift checkout</title></head>
<body><main><h1>{tier} (gift)</h1><p>{price}</p>
{body}
</main></body></html>
"#,
        tier = escape(&page.tier_name),
        price = escape(&price),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(&state.settings.site_url()),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(html))
}
