//! `POST /v1/billing/dev/checkout/{id}/pay` and `.../cancel`: the buttons
//! of the development provider's payment page. Each answers `303 See
//! Other` to the site's success or cancel page, as Stripe Checkout
//! redirects to its `success_url` and `cancel_url`.

use super::dev_provider;
use crate::billing::{self, PageButton, PageOutcome};
use crate::domain::CheckoutId;
use crate::error::{ApiError, Problem};
use crate::site_url::SitePage;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use std::future::Future;
use utoipa::ToSchema;

/// The form each button posts.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PageForm {
    /// The page's form token, as the page rendered it.
    #[schema(example = "h3Q1mYtX0a9Zk2c8Vw5Lr7Jp4Ns6Ud1Ef0Gh2Ij3Kl4")]
    pub token: String,
}

/// "Pay": pays the checkout (once, however often the form is sent) and
/// redirects to the site's success page.
#[utoipa::path(
    tag = "billing",
    params(("id" = String, Path, description = "The checkout id")),
    request_body(content = PageForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Paid: `Location` is the site's success page"),
        (status = 400, description = "The form has no token (`invalid_form`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is not the page's (`checkout_token_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such checkout (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The checkout was cancelled or expired (`checkout_expired`), or a subscription grants access already (`already_subscribed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/billing/dev/checkout/{id}/pay")]
pub async fn pay_dev_checkout(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Option<web::Form<PageForm>>,
) -> Result<HttpResponse, ApiError> {
    press(&state, &id, form, PageButton::Pay).await
}

/// "Cancel": gives the checkout up and redirects to the site's cancel page.
#[utoipa::path(
    tag = "billing",
    params(("id" = String, Path, description = "The checkout id")),
    request_body(content = PageForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Cancelled: `Location` is the site's cancel page"),
        (status = 400, description = "The form has no token (`invalid_form`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is not the page's (`checkout_token_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such checkout (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The checkout is paid already (`checkout_completed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/billing/dev/checkout/{id}/cancel")]
pub async fn cancel_dev_checkout(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Option<web::Form<PageForm>>,
) -> Result<HttpResponse, ApiError> {
    press(&state, &id, form, PageButton::Cancel).await
}

async fn press(
    state: &AppState,
    id: &str,
    form: Option<web::Form<PageForm>>,
    button: PageButton,
) -> Result<HttpResponse, ApiError> {
    dev_provider(state)?;
    let id = CheckoutId::parse(id)
        .ok_or_else(|| ApiError::not_found("checkout_not_found", "no such checkout"))?;
    let checkout = id.to_string();
    press_page_button(
        state,
        form,
        ("checkout_id", &checkout),
        |token| async move {
            let outcome =
                billing::press_dev_checkout_button(&state.db, &state.letters, &id, &token, button)
                    .await?;
            Ok(match outcome {
                PageOutcome::Paid(reader) => {
                    state.cache.subscriptions_changed(&reader);
                    state.jobs.wake();
                    SitePage::CheckoutSuccess
                }
                PageOutcome::Canceled => SitePage::CheckoutCanceled,
            })
        },
    )
    .await
}

/// What every development payment page's button does (a checkout's here,
/// a gift's in `routes::gifts::dev_button`): 400 `invalid_form` without
/// the page's form; else `press` presses it with the form's token and
/// says which site page to return to, and the answer is `303 See Other`
/// there, naming the page's row as `param` (`checkout_id=`, `gift_id=`),
/// as Stripe Checkout returns to its `success_url` or `cancel_url`.
pub(crate) async fn press_page_button<F, Pressed>(
    state: &AppState,
    form: Option<web::Form<PageForm>>,
    param: (&str, &str),
    press: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(String) -> Pressed,
    Pressed: Future<Output = Result<SitePage, ApiError>>,
{
    let form = form.ok_or_else(|| {
        ApiError::bad_request(
            "invalid_form",
            "send the page's form: application/x-www-form-urlencoded with a `token`",
        )
    })?;
    let page = press(form.into_inner().token).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, page.url(&state.settings, &[param])))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
