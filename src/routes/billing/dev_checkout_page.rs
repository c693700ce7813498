//! `GET /v1/billing/dev/checkout/{id}`: the development provider's payment
//! page, opened by the browser like Stripe Checkout's.

use super::dev_provider;
use crate::billing::{self, DevCheckoutPage};
use crate::domain::{CheckoutId, CheckoutStatus};
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// Only the page itself: no script, no style, forms posting here or to
/// the site (the buttons' answers redirect there), never framed.
pub(crate) fn content_security_policy(site: &str) -> String {
    format!(
        "default-src 'none'; form-action 'self' {site}; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The checkout's page: what is bought at which price, with "Pay" and
/// "Cancel" buttons (each a form posting the page's token). No bearer
/// token: the unguessable checkout id in the URL is the capability, as
/// with Stripe Checkout. Development provider only.
#[utoipa::path(
    tag = "billing",
    params(("id" = String, Path, description = "The checkout id")),
    responses(
        (status = 200, description = "An HTML page with Pay and Cancel buttons (or the checkout's outcome, once it left `open`)", body = String, content_type = "text/html"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such checkout (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/billing/dev/checkout/{id}")]
pub async fn dev_checkout_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    dev_provider(&state)?;
    let id = CheckoutId::parse(&id)
        .ok_or_else(|| ApiError::not_found("checkout_not_found", "no such checkout"))?;
    let page = billing::dev_checkout_page(&state.db, &id).await?;
    let site = state.settings.site_url();
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(&site),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(render(&page, chrono::Utc::now().naive_utc())))
}

/// The page's HTML; every stored text is escaped.
fn render(page: &DevCheckoutPage, now: chrono::NaiveDateTime) -> String {
    let checkout = &page.checkout;
    let id = escape(&checkout.id);
    let price = terms(checkout);
    let body = match checkout.status() {
        Some(CheckoutStatus::Open) if checkout.expires_at > now => {
            let token = escape(checkout.page_token.as_deref().unwrap_or_default());
            format!(
                r#"<p>Development payment: nothing is charged.</p>
<form method="post" action="/v1/billing/dev/checkout/{id}/pay"><input type="hidden" name="token" value="{token}"><button type="submit">Pay</button></form>
<form method="post" action="/v1/billing/dev/checkout/{id}/cancel"><input type="hidden" name="token" value="{token}"><button type="submit">Cancel</button></form>"#
            )
        }
        Some(CheckoutStatus::Completed) => "<p>This checkout is paid.</p>".to_owned(),
        _ => "<p>This checkout can no longer be paid; start a new one.</p>".to_owned(),
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Checkout</title></head>
<body><main><h1>{tier}</h1><p>{price}</p>
{body}
</main></body></html>
"#,
        tier = escape(&page.tier_name),
        price = escape(&price),
    )
}

/// An amount in major units with its currency, e.g. `9.00 USD`.
fn money(cents: i64, currency: &str) -> String {
    format!(
        "{}.{:02} {}",
        cents / 100,
        cents % 100,
        currency.to_ascii_uppercase()
    )
}

/// What the reader is asked to pay, as Stripe's page says it: the free
/// days first, then the price, discounted for as many payments as the
/// offer covers.
fn terms(checkout: &crate::db::checkouts::CheckoutRow) -> String {
    let every = &checkout.billing_interval;
    let full = money(checkout.amount_cents, &checkout.currency);
    let mut text = if checkout.discount_cents > 0 {
        let discounted = money(checkout.payment_cents(1), &checkout.currency);
        match checkout.discount_payments {
            Some(n) => {
                format!("{discounted} per {every} for {n} payment(s), then {full} per {every}")
            }
            None => format!("{discounted} per {every} (instead of {full})"),
        }
    } else {
        format!("{full} per {every}")
    };
    if checkout.trial_days > 0 {
        text = format!("Free for {} days, then {text}", checkout.trial_days);
    }
    if let Some(offer) = &checkout.offer_code {
        text = format!("{text} (offer {offer})");
    }
    text
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_stored_text_is_escaped() {
        assert_eq!(
            escape(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
