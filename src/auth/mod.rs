//! Credentials: password hashing, access tokens (JWT), refresh tokens,
//! emailed account tokens and rate limits. The extractors that turn a
//! request's bearer token into a reader live in `routes::extract`.

mod account_token;
mod gift_link_token;
mod jwks;
mod jwt;
mod keys;
mod login_guard;
mod media_token;
mod meter_token;
mod password_hashing;
mod password_work;
mod rate_limits;
mod refresh_token;
pub mod signing;
mod stored_hash;
pub mod totp;
mod unsubscribe_token;

pub use account_token::{
    account_token_hash, end_outstanding_tokens, issue_account_token, token_still_honoured,
};
pub use gift_link_token::{gift_link_token_hash, new_gift_link_token};
pub use jwks::{Jwk, JwkSet};
pub use jwt::{AccessClaims, AccessTokens, IssuedAccessToken, TokenError};
pub use keys::{SigningKey, VerificationKey};
pub use login_guard::{
    Attempt, LOGIN_WINDOW, Locked, LoginLimits, begin_attempt, login_subject,
    unlock as unlock_logins,
};
pub use media_token::{MediaTokenError, MediaTokens};
pub use meter_token::MeterTokens;
pub use password_hashing::{
    HashWork, hash_password, measure_work, rehash_password, verify_password,
};
pub use password_work::PasswordWork;
pub use rate_limits::{Limited, RateLimits};
pub use refresh_token::RefreshToken;
pub use stored_hash::{
    ImportedHashKind, check_imported_hash, needs_rehash, unusable_password_hash,
};
pub use unsubscribe_token::{Unsubscribe, UnsubscribeTokens};
