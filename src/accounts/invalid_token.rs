//! The one answer for an emailed token that cannot be used.

use crate::domain::FieldError;
use crate::error::ApiError;

/// 400 `invalid_or_expired_token`: unknown, already used, expired, or for
/// another purpose. One answer for all, so a caller learns nothing about
/// which tokens exist.
pub fn invalid_or_expired_token() -> ApiError {
    ApiError::bad_request(
        "invalid_or_expired_token",
        "this link is invalid, was already used, or has expired; ask for a new one",
    )
}

/// 422 when no token was sent at all.
pub fn token_required() -> ApiError {
    ApiError::invalid_field(FieldError::new("required", "a token is required").at("token"))
}
