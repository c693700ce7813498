//! One error type for the whole API, rendered as `application/problem+json`
//! (RFC 9457) with a stable snake_case `code` the front-end can switch on.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// Field errors are domain values (parsing fails with them); re-exported
/// here because every handler names them beside `ApiError`.
pub use crate::domain::FieldError;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body or a parameter could not be decoded at all.
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// The request was understood but fields are invalid; lists every one.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The fields are fine but the request cannot be acted on as it is
    /// (a print subscription without a shipping address): 422 with a code
    /// of its own, so the front-end can say what to fix.
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// No or invalid credentials.
    #[error("{detail}")]
    Unauthenticated { code: &'static str, detail: String },
    /// Authenticated but not allowed.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// The resource does not exist (or is not visible to the caller).
    #[error("{detail}")]
    NotFound { code: &'static str, detail: String },
    /// The request conflicts with the current state.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// Too many attempts: 429 with a `Retry-After` header saying in how many
    /// seconds trying again can succeed.
    #[error("{detail}")]
    TooManyRequests {
        code: &'static str,
        detail: String,
        retry_after_seconds: u64,
    },
    /// The body is larger than the endpoint accepts.
    #[error("request body is too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    /// The body has a content type the endpoint does not accept.
    #[error("{detail}")]
    UnsupportedMediaType { detail: String },
    /// A dependency (the database) cannot be reached right now.
    #[error("{detail}")]
    Unavailable { code: &'static str, detail: String },
    /// A dependency (the payment provider) answered, but refused the call
    /// or answered something unusable: 502, nothing was changed here.
    #[error("{detail}")]
    BadGateway { code: &'static str, detail: String },
    /// The gate refused: 401 when logging in would help, else 403; the
    /// code is the gate's reason and `perk` names a missing perk.
    #[error("{}", denial_detail(*.0))]
    AccessDenied(crate::domain::Denial),
    /// A bug or an unexpected failure; the cause is logged, never shown.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
    /// 409 `checkout_open`: the reader already has a checkout waiting for
    /// payment; `url` is its payment page, to resume instead of paying twice.
    #[error("you already have a checkout waiting for payment; finish or cancel it first")]
    CheckoutOpen { url: Option<String> },
}

impl ApiError {
    /// 400 with a code.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }
    /// 401 with a code.
    pub fn unauthenticated(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthenticated {
            code,
            detail: detail.into(),
        }
    }
    /// 403 with a code.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }
    /// 404 with a code.
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            detail: detail.into(),
        }
    }
    /// 409 with a code.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }
    /// 422 with a code of its own (not tied to one field).
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            detail: detail.into(),
        }
    }
    /// 429 with a code and the seconds to wait (at least 1).
    pub fn too_many_requests(
        code: &'static str,
        detail: impl Into<String>,
        retry_after_seconds: u64,
    ) -> Self {
        Self::TooManyRequests {
            code,
            detail: detail.into(),
            retry_after_seconds: retry_after_seconds.max(1),
        }
    }
    /// 422 for a single field.
    pub fn invalid_field(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthenticated { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::TooManyRequests { code, .. }
            | Self::Unprocessable { code, .. }
            | Self::Unavailable { code, .. }
            | Self::BadGateway { code, .. } => code,
            Self::Validation(_) => "validation_failed",
            Self::AccessDenied(denial) => denial.code(),
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Unexpected(_) => "internal_error",
            Self::CheckoutOpen { .. } => "checkout_open",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "Bad request",
            Self::Validation(_) => "Invalid request fields",
            Self::Unprocessable { .. } => "Unprocessable request",
            Self::Unauthenticated { .. } => "Authentication required",
            Self::Forbidden { .. } => "Forbidden",
            Self::NotFound { .. } => "Not found",
            Self::Conflict { .. } | Self::CheckoutOpen { .. } => "Conflict",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::PayloadTooLarge { .. } => "Payload too large",
            Self::UnsupportedMediaType { .. } => "Unsupported media type",
            Self::Unavailable { .. } => "Service unavailable",
            Self::BadGateway { .. } => "Bad gateway",
            Self::AccessDenied(_) => "Access denied",
            Self::Unexpected(_) => "Internal server error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                many => format!("{} fields are invalid", many.len()),
            },
            Self::Unexpected(_) => "an unexpected error occurred; it has been logged".to_owned(),
            other => other.to_string(),
        }
    }
}

/// The RFC 9457 body every error response carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type: `/problems/{code}`,
    /// relative to the API's address, where a page explains it.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the problem type.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// Stable snake_case code, e.g. `email_taken`.
    pub code: &'static str,
    /// For validation failures: every invalid field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For `perk_required`: the perk that would grant access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perk: Option<crate::domain::Perk>,
    /// For `checkout_open`: the open checkout's payment page, to resume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.code)
    }
}

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated { .. }
            | Self::AccessDenied(crate::domain::Denial::LoginRequired) => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } | Self::AccessDenied(_) => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } | Self::CheckoutOpen { .. } => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Self::Unexpected(cause) = self {
            tracing::error!(error = ?cause, "unexpected error");
        }
        let code = self.code();
        let problem = Problem {
            problem_type: crate::problem_types::type_uri(code),
            title: self.title(),
            status: status.as_u16(),
            detail: self.detail(),
            code,
            errors: match self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            perk: match self {
                Self::AccessDenied(denial) => denial.perk(),
                _ => None,
            },
            url: match self {
                Self::CheckoutOpen { url } => url.clone(),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if matches!(
            self,
            Self::Unauthenticated { .. } | Self::AccessDenied(crate::domain::Denial::LoginRequired)
        ) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if matches!(self, Self::Unavailable { .. }) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        if let Self::TooManyRequests {
            retry_after_seconds,
            ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.max(&1).to_string()));
        }
        response.json(problem)
    }
}

/// Database failures map to API errors in this one place: a missing row is
/// 404, a unique violation 409, an unreachable database 503.
impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::not_found("not_found", "no such resource"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::conflict("conflict", "the resource already exists")
            }
            Error::DatabaseError(
                DatabaseErrorKind::UnableToSendCommand | DatabaseErrorKind::ClosedConnection,
                info,
            ) => {
                tracing::warn!(error = info.message(), "database connection closed");
                Self::database_unavailable()
            }
            other => Self::Unexpected(anyhow::Error::new(other).context("database query failed")),
        }
    }
}

impl ApiError {
    /// 503: the database cannot be reached.
    pub fn database_unavailable() -> Self {
        Self::Unavailable {
            code: "database_unavailable",
            detail: "the database is unavailable; try again shortly".to_owned(),
        }
    }
}

/// Runs several field parsers, collects every failure, and either binds
/// each parsed value to its name or returns one 422 listing all bad fields.
///
/// ```ignore
/// parse_fields! {
///     email = "email" => ReaderEmail::parse(body.email),
///     name = "name" => DisplayName::parse(body.name),
/// }
/// ```
#[macro_export]
macro_rules! parse_fields {
    ($($name:ident = $field:literal => $parse:expr),+ $(,)?) => {
        $( let $name: Result<_, $crate::domain::FieldError> = $parse.map_err(|e| e.at($field)); )+
        {
            let errors: Vec<$crate::domain::FieldError> =
                [$( $name.as_ref().err().cloned() ),+].into_iter().flatten().collect();
            if !errors.is_empty() {
                return Err($crate::error::ApiError::Validation(errors));
            }
        }
        $( let Ok($name) = $name else { unreachable!("errors were checked above") }; )+
    };
}

fn denial_detail(denial: crate::domain::Denial) -> String {
    use crate::domain::Denial;
    match denial {
        Denial::LoginRequired => "log in to see this".to_owned(),
        Denial::SubscriptionRequired => "this needs a subscription".to_owned(),
        Denial::PerkRequired(perk) => {
            format!("your subscription does not include {}", perk.as_str())
        }
        Denial::SubscriptionExpired => "your subscription has ended".to_owned(),
        Denial::PaymentPastDue => {
            "your last payment failed and the grace period is over; update your payment method"
                .to_owned()
        }
    }
}

impl From<crate::domain::OutOfScope> for ApiError {
    fn from(refused: crate::domain::OutOfScope) -> Self {
        use crate::domain::OutOfScope;
        match refused {
            OutOfScope::OwnAccount => {
                Self::conflict(refused.code(), "staff cannot act on their own account")
            }
            OutOfScope::AdminProtected => Self::forbidden(
                refused.code(),
                "only an admin may act on an admin's account",
            ),
        }
    }
}

/// A refused move is 409 `invalid_transition`; database errors map as usual.
impl From<crate::db::subscriptions::TransitionError> for ApiError {
    fn from(error: crate::db::subscriptions::TransitionError) -> Self {
        match error {
            crate::db::subscriptions::TransitionError::Refused(refused) => {
                Self::conflict("invalid_transition", refused.to_string())
            }
            crate::db::subscriptions::TransitionError::Database(error) => error.into(),
        }
    }
}

/// `db/` reports that it could not run the work; the API answers 503
/// (`database_unavailable`) or an opaque 500.
impl From<crate::db::PoolError> for ApiError {
    fn from(error: crate::db::PoolError) -> Self {
        match error {
            crate::db::PoolError::Unavailable => Self::database_unavailable(),
            crate::db::PoolError::Unexpected(cause) => Self::Unexpected(anyhow::anyhow!(cause)),
        }
    }
}

impl crate::db::RunError for ApiError {
    fn may_come_from_the_connection(&self) -> bool {
        matches!(self, Self::Unavailable { .. } | Self::Unexpected(_))
    }
}

impl crate::db::Database {
    /// [`Database::run_with`](crate::db::Database::run_with) for the API's
    /// error type: what handlers and use cases call. A separate name
    /// because with one generic `run` the compiler could not tell the
    /// error type of every `Ok(query(conn)?)` closure.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut crate::db::DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run_with(f).await
    }
}
