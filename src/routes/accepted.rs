//! The body of a `202 Accepted`: the request was taken, its effect arrives
//! by email.

use serde::Serialize;
use utoipa::ToSchema;

/// What happens next, in a sentence a front-end may show as is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// A sentence a person can read.
    pub detail: &'static str,
}
