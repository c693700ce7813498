//! Turning a template into the console's answer: HTML with a strict
//! Content-Security-Policy (scripts and styles only from the console's own
//! compiled-in assets, no inline script), never cached, and with the flash
//! message shown once. [`ConsoleError`] is every way a console request
//! fails, each answered with a page (or a redirect to the login).

use super::cookies::{self, Jar};
use crate::error::ApiError;
use crate::settings::Settings;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use askama::Template;

/// Only the console's own scripts, styles and images; forms post only to
/// it; nobody may frame it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// What the layout shows around every signed-in page.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The staff member's display name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Their role, e.g. `support`.
    pub role: &'static str,
    /// May use the support pages.
    pub support: bool,
    /// May use the editor pages.
    pub editor: bool,
    /// Is an admin.
    pub admin: bool,
    /// The session's CSRF token, for every form's hidden field.
    pub csrf: String,
    /// A message from the previous action, shown once.
    pub flash: Option<String>,
}

/// The builder of a console page answer with `status`.
fn html(status: StatusCode) -> HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        // Not the API's `no-referrer`: with it, browsers send `Origin:
        // null` on the console's own form posts, which the origin check
        // must refuse. `same-origin` sends nothing to other sites.
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    response
}

/// Renders `template` with `status`, clearing the flash once shown.
pub fn page(
    settings: &Settings,
    ctx: Option<&Ctx>,
    status: StatusCode,
    template: &impl Template,
) -> HttpResponse {
    match template.render() {
        Ok(body) => {
            let mut response = html(status);
            if ctx.is_some_and(|ctx| ctx.flash.is_some()) {
                response.cookie(cookies::removal(settings, Jar::Flash));
            }
            response.body(body)
        }
        Err(error) => {
            tracing::error!(%error, "a console template failed to render");
            html(StatusCode::INTERNAL_SERVER_ERROR).body("The page could not be shown.")
        }
    }
}

/// `303 See Other` to `to` (a path under `/console`), carrying `flash` to
/// the next page: the answer to a form that did what it asked.
pub fn redirect(settings: &Settings, to: &str, flash: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::SeeOther();
    response
        .insert_header((header::LOCATION, to.to_owned()))
        .insert_header((header::CACHE_CONTROL, "private, no-store"));
    if let Some(flash) = flash {
        let text: String = flash.chars().take(300).collect();
        response.cookie(cookies::make(
            settings,
            Jar::Flash,
            super::fmt::encode(&text),
            Some(actix_web::cookie::time::Duration::minutes(5)),
        ));
    }
    response.finish()
}

/// The flash message of a cookie value written by [`redirect`].
pub fn decode_flash(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let (b'%', Some(byte)) = (bytes[i], hex) {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).chars().take(300).collect()
}

/// A sentence for the person at the console saying what went wrong.
pub fn describe(error: &ApiError) -> String {
    match error {
        ApiError::Validation(fields) => fields
            .iter()
            .map(|f| {
                if f.field.is_empty() {
                    f.message.clone()
                } else {
                    format!("{}: {}", f.field.replace('_', " "), f.message)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        ApiError::Unexpected(cause) => {
            tracing::error!(error = ?cause, "a console action failed unexpectedly");
            "Something went wrong on our side; it has been logged. Try again.".to_owned()
        }
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars.next().map_or(text.clone(), |first| {
                first.to_uppercase().collect::<String>() + chars.as_str()
            })
        }
    }
}

/// The status a page showing `error` answers with.
pub fn status_of(error: &ApiError) -> StatusCode {
    error.status_code()
}

/// The page shown for a refusal or a failure outside any form.
#[derive(Template)]
#[template(path = "console/error.html")]
pub struct ErrorPage<'a> {
    pub ctx: Option<&'a Ctx>,
    pub title: &'a str,
    pub message: &'a str,
}

/// Every way a console request fails.
#[derive(Debug)]
pub enum ConsoleError {
    /// No live staff session: to the login page.
    SignedOut,
    /// Signed in without the role the page needs.
    Forbidden {
        /// The layout's context.
        ctx: Box<Ctx>,
        /// The role it needs, e.g. `support`.
        needs: &'static str,
    },
    /// The CSRF token or the origin did not check out.
    Forged,
    /// A use case refused or failed.
    Api(ApiError, Option<Box<Ctx>>),
}

impl std::fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignedOut => write!(f, "not signed in"),
            Self::Forbidden { needs, .. } => write!(f, "needs the {needs} role"),
            Self::Forged => write!(f, "forged request"),
            Self::Api(error, _) => write!(f, "{error}"),
        }
    }
}

impl From<ApiError> for ConsoleError {
    fn from(error: ApiError) -> Self {
        Self::Api(error, None)
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignedOut => StatusCode::SEE_OTHER,
            Self::Forbidden { .. } | Self::Forged => StatusCode::FORBIDDEN,
            Self::Api(error, _) => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let settings = Settings::default();
        match self {
            Self::SignedOut => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/console/login"))
                .insert_header((header::CACHE_CONTROL, "private, no-store"))
                .finish(),
            Self::Forbidden { ctx, needs } => {
                let message = format!(
                    "This page is for the {needs} role; you are signed in as {}.",
                    ctx.role
                );
                page(
                    &settings,
                    None,
                    self.status_code(),
                    &ErrorPage {
                        ctx: Some(ctx),
                        title: "Not for your role",
                        message: &message,
                    },
                )
            }
            Self::Forged => page(
                &settings,
                None,
                self.status_code(),
                &ErrorPage {
                    ctx: None,
                    title: "Form refused",
                    message: "This form was sent from another site, from another session, or without its security token. Go back, reload the page and try again.",
                },
            ),
            Self::Api(error, ctx) => {
                let message = describe(error);
                page(
                    &settings,
                    None,
                    self.status_code(),
                    &ErrorPage {
                        ctx: ctx.as_deref(),
                        title: "That did not work",
                        message: &message,
                    },
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_the_cookie() {
        for text in ["Refunded €12.00; 2 payments.", "a;b,c d=e%f", ""] {
            assert_eq!(
                decode_flash(&crate::pages::console::fmt::encode(text)),
                text
            );
        }
        assert_eq!(decode_flash("100%"), "100%");
    }
}
