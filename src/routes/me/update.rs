//! `PATCH /v1/me`: change the name, the shipping address, the email
//! preferences or the time zone; answers the
//! same shape as `GET /v1/me`, so a front-end keeps one model of the reader.

use crate::accounts::update_profile;
use crate::db::readers::ProfileChanges;
use crate::domain::{DisplayName, ReaderTimeZone, ShippingAddress};
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::get::MeView;
use crate::state::AppState;
use actix_web::{HttpResponse, patch, web};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateMeRequest {
    /// A new display name.
    #[serde(default)]
    pub name: Option<String>,
    /// A new shipping address, or `null` to remove it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ShippingAddress>)]
    pub shipping_address: Option<Option<ShippingAddress>>,
    /// Which optional emails to take; a switch left out stays as it is.
    #[serde(default)]
    pub email_preferences: Option<EmailPreferencesChange>,
    /// An IANA time zone for the dates in emails (`Europe/Paris`), or
    /// `null` for UTC.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "Europe/Paris")]
    pub time_zone: Option<Option<String>>,
}

/// Email switches to change; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailPreferencesChange {
    /// Perk launches and other product news.
    #[serde(default)]
    pub product_updates: Option<bool>,
}

/// Tells "absent" (outer `None`) from "null" (`Some(None)`): a PATCH must
/// distinguish "leave the address alone" from "remove it".
#[allow(clippy::option_option)]
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Updates the profile and returns it, with the entitlements, as `GET /v1/me`.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated profile, as `GET /v1/me` answers it", body = MeView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed (a `time_zone` not in the IANA database is `unknown_time_zone`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    body: web::Json<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let mut changes = ProfileChanges::default();
    if let Some(name) = body.name {
        match DisplayName::parse(name) {
            Ok(name) => changes.name = Some(name.as_str().to_owned()),
            Err(error) => errors.push(error.at("name")),
        }
    }
    if let Some(address) = body.shipping_address {
        match address.map(ShippingAddress::parse).transpose() {
            Ok(address) => changes.set_address(address),
            Err(nested) => errors.extend(nested.into_iter().map(|e| e.at("shipping_address"))),
        }
    }
    if let Some(preferences) = body.email_preferences {
        changes.product_updates = preferences.product_updates.map(i32::from);
    }
    if let Some(zone) = body.time_zone {
        match zone.as_deref().map(ReaderTimeZone::parse).transpose() {
            Ok(zone) => changes.time_zone = Some(zone.map(|zone| zone.name().to_owned())),
            Err(error) => errors.push(error.at("time_zone")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let row = update_profile(&accounts(&state), reader.reader_id, changes).await?;
    Ok(HttpResponse::Ok().json(MeView::of(&state, row).await?))
}
