//! `HEAD` answers every `GET` route (RFC 9110 §9.3.2: the same status and
//! headers as `GET`, without the content). Uptime monitors and link
//! checkers send `HEAD`; actix-web's `#[get]` routes match `GET` only, so
//! without this each such probe would be a 404.
//!
//! The request is routed as a `GET`; the HTTP/1 codec remembers the method
//! the client sent and leaves the body out of a `HEAD` answer while
//! keeping its `Content-Length`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Middleware (the outermost, before anything holds the request): routes a
/// `HEAD` request as the `GET` it asks about.
pub async fn route_head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
