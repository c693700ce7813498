//! The OpenAPI document, generated from the handlers' annotations.

use crate::domain::FieldError;
use crate::error::Problem;
use actix_web::{App, HttpResponse, get, web};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Masthead",
        description = "Subscription and paywall API of the magazine. JSON under `/v1`.\n\n## Errors\n\nEvery error is `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, and a stable snake_case `code` to switch on (each operation lists the codes it answers). `type` is `/problems/{code}`, relative to this API's address and the same on every deployment; it serves a short page explaining the code. Validation failures (422 `validation_failed`) list every bad field in `errors: [{field, code, message}]`. Requests its decoding refuses: malformed JSON 400 `malformed_json`, a body not sent as `application/json` 415, a body over 64 KiB 413 (2 MiB for articles), an unparseable query 400 `invalid_query`, an unknown route 404 `route_not_found`. Dates, in bodies and in `detail` texts, are RFC 3339 in UTC (`2026-06-30T12:00:00Z`). 429 and 503 answers carry `Retry-After`. Every response carries an `X-Request-Id` (the caller's, if it sent a sane one): quote it when reporting a problem. `HEAD` answers every `GET` route with the same status and headers.\n\n## Authentication\n\nSign up or log in for an access token (15 minutes) and a refresh token (rotated on every use; reusing an old one revokes the session). Send `Authorization: Bearer <access_token>`; a missing, expired or revoked token is 401 (`WWW-Authenticate: Bearer`), a role that may not act 403 `insufficient_role`. Access tokens are EdDSA JWTs verifiable with the keys at `/.well-known/jwks.json` (pick the key by `kid`, accept only `EdDSA`, check `iss`, `aud`, `exp`). Their `perks` claim lists the perks the gate granted the reader when the token was issued (signup, login, refresh), e.g. `[\"archive\", \"audio\", \"digital_edition\", \"exclusive_content\"]`: informational, for rendering; it can lag a change by up to the token's 15 minutes, and the server's gate never reads it.\n\nBrowser mode (`MASTHEAD_REFRESH_COOKIE=true`): signup, login and refresh put the refresh token in the HttpOnly cookie `masthead_refresh` instead of the body; refresh and logout by cookie require an `X-CSRF-Token` header (any value; it forces a CORS preflight that only `MASTHEAD_CORS_ORIGINS` pass) and, when the browser sends `Origin`, an allowed origin (403 `csrf_failed` otherwise). A refresh token presented again within `MASTHEAD_REFRESH_REUSE_INTERVAL_SECONDS` of its rotation (two tabs) gets a sibling pair instead of revoking the session.\n\n## Paging\n\nLists take `page` (from 1) and `per_page` (1 to 100, default 20) and answer `{items, page, per_page, total}`; out-of-range values are 422.\n\n## Idempotency\n\nChanges are safe to retry: a repeated development-checkout confirmation or webhook changes nothing twice and answers as the first did; a repeated cancel or resume changes nothing and answers 409 with the state it found. Staff refunds (`/v1/admin/subscriptions/{id}/refund`, refund-request approval) also take an `Idempotency-Key` header (1 to 255 printable ASCII characters): a retry with the same key repeats the first result with `replayed: true`."
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign up, log in, refresh and log out; the JWKS that verifies access tokens"),
        (name = "me", description = "The logged-in reader's own account"),
        (name = "plans", description = "Tiers, perks and prices on offer"),
        (name = "billing", description = "Checkout, the billing portal, and the development payment provider"),
        (name = "gifts", description = "Gift subscriptions: buying one for someone (no account needed), the gift link, redeeming it, and the buyer's refund link"),
        (name = "operations", description = "Health, readiness, metrics, this document and its interactive reference (`/docs`)"),
        (name = "articles", description = "Articles behind the gate: full text or teaser, access checks, audio"),
        (name = "issues", description = "Issues, tables of contents and digital editions"),
        (name = "media", description = "Streaming of signed media URLs"),
        (name = "admin", description = "Staff: the catalogue (editors)"),
        (name = "email", description = "Links in emails that work without a login: one-click unsubscribe (RFC 8058)"),
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
    let mut paths = paths;
    add_request_problems(&mut paths);
    let mut document = serde_json::to_value(&paths).expect("the OpenAPI document serialises");
    super::openapi_examples::add_examples(&mut document);
    document.to_string()
}

/// The answers every handler gives to a request its extractors refuse,
/// added where an operation does not document them itself: a JSON body
/// that is not JSON (400 `malformed_json`), not sent as JSON (415
/// `unsupported_media_type`) or of the wrong shape (422
/// `validation_failed`), and a query string that does not parse (400
/// `invalid_query`).
fn add_request_problems(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Content, Ref, ResponseBuilder, path::ParameterIn};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build()
    };
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let json_body = operation
                .request_body
                .as_ref()
                .is_some_and(|body| match body {
                    utoipa::openapi::RefOr::T(body) => {
                        body.content.contains_key("application/json")
                    }
                    utoipa::openapi::RefOr::Ref(_) => false,
                });
            let query = operation.parameters.iter().flatten().any(|parameter| {
                matches!(parameter, utoipa::openapi::RefOr::T(p) if p.parameter_in == ParameterIn::Query)
            });
            let mut missing = Vec::new();
            if json_body {
                missing.push(("400", "Malformed JSON (`malformed_json`)"));
                missing.push((
                    "415",
                    "The body was not sent as `application/json` (`unsupported_media_type`)",
                ));
                missing.push((
                    "422",
                    "Fields of the wrong type or missing (`validation_failed`)",
                ));
            }
            if query {
                missing.push(("400", "Unparseable query string (`invalid_query`)"));
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in missing {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description).into());
            }
        }
    }
}

/// The OpenAPI document of every endpoint.
#[utoipa::path(tag = "operations", responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(document: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.get_ref().clone())
}
