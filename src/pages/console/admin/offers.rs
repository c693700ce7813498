//! `GET /console/offers`: every offer with its terms, redemptions and
//! status, and the button that archives one — the use cases of
//! `GET /v1/admin/offers` and `POST /v1/admin/offers/{code}/archive`
//! (audited as `offer_archived`; archiving twice answers as once). Offers
//! are created through the API.

use crate::billing::offers::{archive_offer, list_offers, offer_not_found};
use crate::domain::{AuditAction, OfferCode};
use crate::error::ApiError;
use crate::pages::console::render::{ConsoleError, Ctx, page, redirect};
use crate::pages::console::{ConsoleForm, ConsoleStaff};
use crate::routes::admin::offers::view::AdminOfferView;
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "console/offers.html")]
struct OffersPage<'a> {
    ctx: Option<&'a Ctx>,
    offers: Vec<AdminOfferView>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    member: &ConsoleStaff<AdminRole>,
    error: Option<ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let offers = list_offers(&state.db)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let public_url = state.settings.public_url();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &OffersPage {
            ctx: Some(&member.ctx),
            offers: offers
                .iter()
                .map(|offer| AdminOfferView::of(offer, &public_url))
                .collect(),
            error: error.map(|e| e.to_string()),
        },
    ))
}

/// The page.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
) -> Result<HttpResponse, ConsoleError> {
    render(&state, &member, None).await
}

/// Archives one offer.
pub async fn archive(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
    code: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let archived = async {
        let code = OfferCode::parse(&code).map_err(|_| offer_not_found())?;
        let audit = form
            .member
            .staff
            .audit(AuditAction::OfferArchived, ("offer", code.as_str()));
        archive_offer(&state.db, code, audit).await
    };
    match archived.await {
        Ok(offer) => Ok(redirect(
            &state.settings,
            "/console/offers",
            Some(&format!(
                "Offer {} archived: no checkout can redeem it now.",
                offer.row.code
            )),
        )),
        Err(error) => render(&state, &form.member, Some(error)).await,
    }
}
