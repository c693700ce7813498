//! `MeterCredential`: the anonymous visitor's meter a request names, by
//! the HttpOnly `masthead_meter` cookie (browsers) or the
//! `X-Masthead-Meter` header (a site rendering pages on its server), and
//! whether the visitor consented to being metered. An altered, forged or
//! unreadable value names no meter: the visitor counts as new.

use crate::settings::Settings;
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponseBuilder, web};
use std::future::{Ready, ready};

/// The meter cookie.
pub const METER_COOKIE: &str = "masthead_meter";
/// The header a server-side site passes the meter in (and gets a new
/// visitor's in).
pub const METER_HEADER: &str = "x-masthead-meter";
/// The header by which a site says the visitor consented to the meter
/// cookie (needed with `MASTHEAD_METER_CONSENT_REQUIRED=true`).
pub const CONSENT_HEADER: &str = "x-masthead-meter-consent";
/// The cookie goes to every API path that reads it: the article reads and
/// the login and sign-up that carry the count into an account.
const METER_PATH: &str = "/v1";

/// The meter named by a request, if any.
#[derive(Debug, Clone, Default)]
pub struct MeterCredential {
    /// The anonymous meter's id, from a valid cookie or header.
    pub meter_id: Option<String>,
    /// Whether the visitor may be metered: consent is not required, or the
    /// request says it was given, or it carries a meter already (one is
    /// only issued after consent).
    pub consented: bool,
}

impl FromRequest for MeterCredential {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Ok(Self::default()));
        };
        let header = req
            .headers()
            .get(METER_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let presented = req
            .cookie(METER_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .into_iter()
            .chain(header)
            .find_map(|token| state.meter_tokens.verify(token.trim()));
        let consent_given = req
            .headers()
            .get(CONSENT_HEADER)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("granted"));
        let consented =
            !state.settings.meter_consent_required || consent_given || presented.is_some();
        ready(Ok(Self {
            meter_id: presented,
            consented,
        }))
    }
}

/// Hands a new visitor their meter: the cookie for a browser and the same
/// value in `X-Masthead-Meter` for a server-side site, living as long as
/// the window (reads older than that no longer count anyway).
pub fn set_meter_credential(response: &mut HttpResponseBuilder, token: &str, settings: &Settings) {
    let cookie = Cookie::build(METER_COOKIE, token.to_owned())
        .path(METER_PATH)
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(Duration::days(i64::from(
            settings
                .meter_window_days
                .clamp(1, crate::domain::MAX_METER_WINDOW_DAYS),
        )))
        .finish();
    response.cookie(cookie);
    response.insert_header((METER_HEADER, token.to_owned()));
}
