//! `GET /console/offers`: every offer with its terms, redemptions and
//! status, the button that archives one, and the form that creates one —
//! the use cases of `GET /v1/admin/offers`, `POST
//! /v1/admin/offers/{code}/archive` (audited as `offer_archived`;
//! archiving twice answers as once) and `POST /v1/admin/offers` (audited
//! as `offer_created`; a second submit of the same code is refused as
//! `offer_code_taken` and creates nothing).

use super::offer_form::{OfferForm, PlanChoice};
use crate::billing::offers::{archive_offer, list_offers, offer_not_found};
use crate::billing::price_changes::list_all_prices;
use crate::domain::{AuditAction, OfferCode};
use crate::error::ApiError;
use crate::pages::console::api_body as body;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, redirect, status_of};
use crate::pages::console::{ConsoleForm, ConsoleStaff};
use crate::routes::admin::offers::create::create_offer_as;
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
    form: &'a OfferForm,
    plans: Vec<PlanChoice>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    member: &ConsoleStaff<AdminRole>,
    form: &OfferForm,
    error: Option<&ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let offers = list_offers(&state.db)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let tiers = list_all_prices(&state.db)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let public_url = state.settings.public_url();
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        error.map_or(StatusCode::OK, status_of),
        &OffersPage {
            ctx: Some(&member.ctx),
            offers: offers
                .iter()
                .map(|offer| AdminOfferView::of(offer, &public_url))
                .collect(),
            form,
            plans: form.plan_choices(&tiers),
            error: error.map(describe),
        },
    ))
}

/// The page.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
) -> Result<HttpResponse, ConsoleError> {
    render(&state, &member, &OfferForm::blank(), None).await
}

/// `POST /console/offers`: creates an offer.
pub async fn create(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
) -> Result<HttpResponse, ConsoleError> {
    let posted = OfferForm::posted(&form.fields);
    let created = match body(posted.json()) {
        Ok(sent) => create_offer_as(&state, &form.member.staff, sent).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(offer) => Ok(redirect(
            &state.settings,
            "/console/offers",
            Some(&format!(
                "Offer {} created: checkouts can redeem it{}.",
                offer.terms.code,
                if offer.listed {
                    ", and the plans list it"
                } else {
                    " by its code or link"
                }
            )),
        )),
        Err(error) => render(&state, &form.member, &posted, Some(&error)).await,
    }
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
        Err(error) => render(&state, &form.member, &OfferForm::blank(), Some(&error)).await,
    }
}
