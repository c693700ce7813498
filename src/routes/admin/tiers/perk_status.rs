//! `PATCH /v1/admin/tiers/{tier}/perks/{perk}`: set a perk's status on a
//! tier. Turning a `coming_soon` perk `live` launches it: the gate grants
//! it at once, `GET /v1/plans` lists it live, and its readers who take
//! product updates are mailed ("Ad-free is here").

use crate::billing::perk_launch::{perk_not_found, set_perk_status};
use crate::domain::{AuditAction, FieldError, Perk, PerkStatus};
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, patch, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The status to set.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PerkStatusRequest {
    /// `live` (delivered: the gate grants it) or `coming_soon`.
    #[serde(default)]
    #[schema(required = true, example = "live")]
    pub status: Option<String>,
}

/// A tier's perk after the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierPerkView {
    /// The tier's id.
    pub tier: String,
    /// The perk.
    pub perk: Perk,
    /// Its status now.
    pub status: PerkStatus,
    /// Its status before the request (the same when nothing changed).
    pub previous_status: PerkStatus,
    /// Whether this request launched it and queued the announcement to
    /// its readers (`false` when it was `live` already: a second click
    /// announces nothing). Readers told of an earlier launch of the same
    /// perk are not mailed again.
    pub announced: bool,
}

fn status(raw: Option<String>) -> Result<PerkStatus, ApiError> {
    raw.as_deref()
        .map(str::trim)
        .and_then(PerkStatus::parse)
        .ok_or_else(|| {
            ApiError::invalid_field(
                FieldError::new("invalid_status", "the status is `live` or `coming_soon`")
                    .at("status"),
            )
        })
}

/// Sets a perk's status on a tier; audited as `perk_status_changed`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("tier" = String, Path, description = "The tier's id, e.g. `digital`"),
        ("perk" = String, Path, description = "The perk, e.g. `ad_free`"),
    ),
    request_body = PerkStatusRequest,
    responses(
        (status = 200, description = "The perk's status now (unchanged if it had it already)", body = TierPerkView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tier (`tier_not_found`), or the tier has no such perk (`perk_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The status is not `live` or `coming_soon` (`invalid_status`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{tier}/perks/{perk}")]
pub async fn set_tier_perk_status(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    path: web::Path<(String, String)>,
    body: web::Json<PerkStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let (tier, perk) = path.into_inner();
    let view = set_perk_status_as(&state, &admin, tier, &perk, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Sets `tier`'s `perk` as `admin` asks: the one path of this endpoint and
/// the staff console's perks page (audit, cache, announcement alike).
pub async fn set_perk_status_as(
    state: &AppState,
    admin: &Staff<AdminRole>,
    tier: String,
    perk: &str,
    body: PerkStatusRequest,
) -> Result<TierPerkView, ApiError> {
    let perk = Perk::parse(perk).ok_or_else(perk_not_found)?;
    let status = status(body.status)?;
    let target = format!("{tier}/{}", perk.as_str());
    let audit = admin.audit(AuditAction::PerkStatusChanged, ("tier_perk", &target));
    let change = set_perk_status(&state.db, tier.clone(), perk, status, audit).await?;
    if change.from != change.to {
        state.cache.tiers_changed();
    }
    if change.announced {
        state.jobs.wake();
    }
    Ok(TierPerkView {
        tier,
        perk,
        status: change.to,
        previous_status: change.from,
        announced: change.announced,
    })
}
