//! `POST /v1/gifts/dev/checkout/{id}/pay` and `.../cancel`: the buttons of
//! a gift's development payment page; each answers `303 See Other` to the
//! site's success or cancel page, as Stripe Checkout does.

use super::dev_page::dev_only;
use crate::billing::gifts::{self, GiftButton};
use crate::domain::{GiftId, GiftStatus};
use crate::error::{ApiError, Problem};
use crate::routes::billing::dev_checkout_button::{PageForm, press_page_button};
use crate::site_url::SitePage;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// "Pay": records the gift's payment (once) and its receipt, queues its
/// delivery, and redirects to the site's success page.
#[utoipa::path(
    tag = "gifts",
    params(("id" = String, Path, description = "The gift's checkout id")),
    request_body(content = PageForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Paid: `Location` is the site's success page"),
        (status = 400, description = "The form has no token (`invalid_form`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is not the page's (`checkout_token_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such gift (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The page was cancelled or expired (`checkout_expired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/gifts/dev/checkout/{id}/pay")]
pub async fn pay_gift_dev_checkout(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Option<web::Form<PageForm>>,
) -> Result<HttpResponse, ApiError> {
    press(&state, &id, form, GiftButton::Pay).await
}

/// "Cancel": gives the gift up and redirects to the site's cancel page.
#[utoipa::path(
    tag = "gifts",
    params(("id" = String, Path, description = "The gift's checkout id")),
    request_body(content = PageForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Cancelled: `Location` is the site's cancel page"),
        (status = 400, description = "The form has no token (`invalid_form`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is not the page's (`checkout_token_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such gift (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The gift is paid already (`checkout_completed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/gifts/dev/checkout/{id}/cancel")]
pub async fn cancel_gift_dev_checkout(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Option<web::Form<PageForm>>,
) -> Result<HttpResponse, ApiError> {
    press(&state, &id, form, GiftButton::Cancel).await
}

async fn press(
    state: &AppState,
    id: &str,
    form: Option<web::Form<PageForm>>,
    button: GiftButton,
) -> Result<HttpResponse, ApiError> {
    dev_only(state)?;
    let id = GiftId::parse(id)
        .ok_or_else(|| ApiError::not_found("checkout_not_found", "no such checkout"))?;
    let gift = id.to_string();
    press_page_button(state, form, ("gift_id", &gift), |token| async move {
        let status =
            gifts::press_gift_dev_button(&state.db, &state.letters, &id, &token, button).await?;
        state.jobs.wake();
        Ok(match status {
            GiftStatus::Paid | GiftStatus::Redeemed | GiftStatus::Refunded => {
                SitePage::CheckoutSuccess
            }
            GiftStatus::Open | GiftStatus::Expired => SitePage::CheckoutCanceled,
        })
    })
    .await
}
