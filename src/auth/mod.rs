//! Credentials: password hashing, access tokens (JWT), refresh tokens, and
//! the extractors that turn a request's bearer token into a reader.

mod account_token;
mod extractors;
mod jwt;
mod keys;
mod media_token;
mod password_hashing;
mod password_work;
mod refresh_token;
mod visitor;

pub use account_token::{account_token_hash, issue_account_token};
pub use extractors::{
    AdminRole, AnyStaffRole, AuthenticatedReader, EditorRole, RequiredRole, Staff, SupportRole,
};
pub use jwt::{AccessClaims, AccessTokens, IssuedAccessToken, TokenError};
pub use keys::SigningKey;
pub use media_token::{MediaTokenError, MediaTokens};
pub use password_hashing::{hash_password, verify_password};
pub use password_work::PasswordWork;
pub use refresh_token::RefreshToken;
pub use visitor::Visitor;
