//! The error a parse returns: which field, a stable code, a sentence. Parsing
//! happens in `domain/`, so the type lives here; `ApiError::Validation`
//! renders a list of them.

use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The JSON field name, e.g. `email` or `shipping_address.country`.
    pub field: String,
    /// A stable snake_case code, e.g. `too_short`.
    pub code: &'static str,
    /// A sentence a person can read.
    pub message: String,
}

impl FieldError {
    /// A field error not yet attached to a field name.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: String::new(),
            code,
            message: message.into(),
        }
    }

    /// Attaches the error to a field (prefixing any nested path).
    #[must_use]
    pub fn at(mut self, field: &str) -> Self {
        self.field = if self.field.is_empty() {
            field.to_owned()
        } else {
            format!("{field}.{}", self.field)
        };
        self
    }
}
