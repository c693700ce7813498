//! The `Idempotency-Key` header of the staff refund actions.

use crate::domain::FieldError;
use actix_web::HttpRequest;

/// The `Idempotency-Key` header, when sent: at most 255 printable ASCII
/// characters.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, FieldError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| {
            !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
        })
        .map(|key| Some(key.to_owned()))
        .ok_or_else(|| FieldError::new("invalid", "1 to 255 printable ASCII characters"))
}
