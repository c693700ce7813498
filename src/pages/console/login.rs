//! `GET/POST /console/login` and `POST /console/logout`: the staff session.
//! Signing in goes through the API's login use case (the same rate limits,
//! lockout, metrics and session), called from [`sign_in`] only; a reader
//! who proves their password is told the console is for staff, and the
//! session the login opened is ended at once.

use super::cookies::{self, Jar};
use super::csrf;
use super::extract::ConsoleForm;
use super::render::{self, ConsoleError, describe, page, redirect};
use crate::accounts::sessions::{end_session, live_session_of_token};
use crate::accounts::{Client, Credentials, LoginOutcome, login};
use crate::error::ApiError;
use crate::routes::auth::accounts;
use crate::routes::extract::{AnyStaffRole, client_of};
use crate::state::AppState;
use actix_web::cookie::time::Duration;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// How long a login form stays usable.
const LOGIN_FORM_MINUTES: i64 = 60;

/// The login form.
#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage<'a> {
    /// The anti-forgery nonce, also in the login cookie.
    nonce: &'a str,
    /// The address typed, kept after a refusal.
    email: &'a str,
    /// Why the last attempt was refused.
    error: Option<&'a str>,
    /// A message from signing out.
    flash: Option<String>,
}

/// What the login form sends: `code` is a staff member's second factor
/// (the authenticator app's code or a recovery code).
struct SignIn {
    email: String,
    password: String,
    code: Option<String>,
}

/// The login page with a fresh nonce (and its cookie), showing `error`.
fn login_page(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    flash: Option<String>,
) -> HttpResponse {
    let nonce = csrf::nonce();
    let mut response = page(
        &state.settings,
        None,
        status,
        &LoginPage {
            nonce: &nonce,
            email,
            error,
            flash: flash.clone(),
        },
    );
    let login_cookie = cookies::make(
        &state.settings,
        Jar::Login,
        nonce,
        Some(Duration::minutes(LOGIN_FORM_MINUTES)),
    );
    let headers = [
        Some(login_cookie),
        flash.map(|_| cookies::removal(&state.settings, Jar::Flash)),
    ];
    for cookie in headers.into_iter().flatten() {
        if let Err(error) = response.add_cookie(&cookie) {
            tracing::warn!(%error, "cannot set a console cookie");
        }
    }
    response
}

/// Shows the login form (or, already signed in, the console).
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    if let Some(token) = cookies::read(&req, &state.settings, Jar::Session) {
        let live = live_session_of_token(&accounts(&state), &token).await?;
        if live.is_some_and(|live| live.reader.role().is_staff()) {
            return Ok(redirect(&state.settings, "/console", None));
        }
    }
    let flash =
        cookies::read(&req, &state.settings, Jar::Flash).map(|raw| render::decode_flash(&raw));
    Ok(login_page(&state, StatusCode::OK, "", None, flash))
}

/// The one call into the login use case (the second factor joins here).
async fn sign_in(state: &AppState, form: SignIn, client: Client) -> Result<LoginOutcome, ApiError> {
    let SignIn {
        email,
        password,
        code,
    } = form;
    let credentials = Credentials {
        email,
        password,
        second_factor: code,
    };
    login(&accounts(state), credentials, client).await
}

/// Checks the form, signs in, and sets the session cookie.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let fields = super::extract::Fields::new(form.into_inner());
    let email = fields.get("email").unwrap_or_default().to_owned();
    let cookie = cookies::read(&req, &state.settings, Jar::Login).unwrap_or_default();
    let nonce = fields.get("login_token").unwrap_or_default();
    if !csrf::same_origin(&req, &state.settings) || !csrf::matches(nonce, &cookie) {
        let error = "This login form has expired or was sent from another site. Try again.";
        return Ok(login_page(
            &state,
            StatusCode::FORBIDDEN,
            &email,
            Some(error),
            None,
        ));
    }
    let form = SignIn {
        email: email.clone(),
        password: fields.get("password").unwrap_or_default().to_owned(),
        code: fields.text("code"),
    };
    let outcome = match sign_in(&state, form, client_of(&req)).await {
        Ok(outcome) => outcome,
        Err(error) => {
            let message = describe(&error);
            return Ok(login_page(
                &state,
                render::status_of(&error),
                &email,
                Some(&message),
                None,
            ));
        }
    };
    if let LoginOutcome::SecondFactorRequired = outcome {
        let ask =
            "Enter the code from your authenticator app (or a recovery code) with your password.";
        return Ok(login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &email,
            Some(ask),
            None,
        ));
    }
    let logged_in = match outcome.into_result() {
        Ok(logged_in) => logged_in,
        Err(error) => {
            let message = describe(&error);
            return Ok(login_page(
                &state,
                render::status_of(&error),
                &email,
                Some(&message),
                None,
            ));
        }
    };
    if !logged_in.reader.role().is_staff() {
        end_session(&accounts(&state), logged_in.session.as_str().to_owned()).await?;
        let error =
            "This console is for the magazine's staff. Readers sign in on the magazine's website.";
        return Ok(login_page(
            &state,
            StatusCode::FORBIDDEN,
            &email,
            Some(error),
            None,
        ));
    }
    let mut response = redirect(&state.settings, "/console", None);
    for cookie in [
        cookies::make(&state.settings, Jar::Session, logged_in.refresh_token, None),
        cookies::removal(&state.settings, Jar::Login),
    ] {
        response
            .add_cookie(&cookie)
            .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("{e}")))?;
    }
    Ok(response)
}

/// Ends the session (revoked in the database, so the cookie is worthless
/// even if kept) and clears the cookie.
pub async fn logout(
    state: web::Data<AppState>,
    form: ConsoleForm<AnyStaffRole>,
) -> Result<HttpResponse, ConsoleError> {
    let session = form.member.staff.member.session_id.as_str().to_owned();
    end_session(&accounts(&state), session).await?;
    let mut response = redirect(
        &state.settings,
        "/console/login",
        Some("You are signed out."),
    );
    response
        .add_cookie(&cookies::removal(&state.settings, Jar::Session))
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(response)
}
