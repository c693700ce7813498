//! Signed media URLs and the endpoint that streams them.

pub mod stream;

use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A short-lived URL to a media file.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedUrl {
    /// Absolute URL under `MASTHEAD_PUBLIC_URL`.
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Signs a URL for `media_id` valid from now.
pub fn signed_url(state: &AppState, media_id: &str) -> SignedUrl {
    let now = state.clock.now().timestamp();
    let (token, expires) = state.media_tokens.issue(media_id, now);
    SignedUrl {
        url: format!("{}/v1/media/{token}", state.settings.public_url()),
        expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
    }
}
