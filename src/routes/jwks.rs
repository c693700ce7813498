//! `GET /.well-known/jwks.json`: the public keys that verify access tokens,
//! so another service (or a front-end's server) can check a token itself.

use crate::auth::JwkSet;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// How long verifiers may cache the key set. A rotation keeps the previous
/// key listed far longer than this, so a verifier refreshing on schedule
/// never meets a token signed by a key it has not seen.
const MAX_AGE_SECONDS: u32 = 300;

/// The JSON Web Key Set of the access-token signer: the current key first,
/// then earlier keys still accepted during a rotation. Verify with EdDSA
/// only, pick the key by the token's `kid`, and check `iss`, `aud`, `exp`.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The key set (`Cache-Control: public, max-age=300`)", body = JwkSet, content_type = "application/json"),
    )
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={MAX_AGE_SECONDS}"),
        ))
        .json(state.tokens.jwks())
}
