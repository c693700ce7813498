//! The OpenAPI document, generated from the handlers' annotations.

use crate::error::{FieldError, Problem};
use actix_web::{App, HttpResponse, get, web};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Masthead",
        description = "Subscription and paywall API of the magazine. Every error is `application/problem+json` with a stable `code`.\n\nAccess tokens are EdDSA JWTs verifiable with the keys at `/.well-known/jwks.json` (pick the key by `kid`, accept only `EdDSA`, check `iss`, `aud`, `exp`). Their `perks` claim lists the perks the gate granted the reader when the token was issued (signup, login, refresh), e.g. `[\"archive\", \"audio\", \"digital_edition\", \"exclusive_content\"]`: informational, for rendering; it can lag a change by up to the token's 15 minutes, and the server's gate never reads it.\n\nBrowser mode (`MASTHEAD_REFRESH_COOKIE=true`): signup, login and refresh put the refresh token in the HttpOnly cookie `masthead_refresh` instead of the body and return a `csrf_token` (also the `masthead_csrf` cookie); refresh and logout by cookie require it echoed as `X-CSRF-Token` (403 `csrf_failed` otherwise)."
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign up, log in, refresh and log out; the JWKS that verifies access tokens"),
        (name = "me", description = "The logged-in reader's own account"),
        (name = "plans", description = "Tiers, perks and prices on offer"),
        (name = "billing", description = "Checkout, the billing portal, and the development payment provider"),
        (name = "operations", description = "Health, readiness, metrics, this document and its interactive reference (`/docs`)"),
        (name = "articles", description = "Articles behind the gate: full text or teaser, access checks, audio"),
        (name = "issues", description = "Issues, tables of contents and digital editions"),
        (name = "media", description = "Streaming of signed media URLs"),
        (name = "admin", description = "Staff: the catalogue (editors)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Builds the whole document by registering the routes on a throwaway app,
/// exactly as the server does.
pub fn openapi_document() -> String {
    let (_, paths) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(super::configure)
        .split_for_parts();
    paths.to_json().expect("the OpenAPI document serialises")
}

/// The OpenAPI document of every endpoint.
#[utoipa::path(tag = "operations", responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(document: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.get_ref().clone())
}
