//! The components handlers reach, defined below the routes and the wiring
//! (like crates.io's `src/app.rs`): composition only, no behaviour.
//! `startup` builds it; extractors and handlers read it through
//! `web::Data<AppState>`.

use crate::auth::{AccessTokens, MediaTokens, PasswordWork};
use crate::cache::AppCache;
use crate::db::Database;
use crate::settings::Settings;
use std::sync::Arc;

/// What every handler can reach.
pub struct AppState {
    /// The connection pool.
    pub db: Database,
    /// Issues and verifies access tokens.
    pub tokens: AccessTokens,
    /// The settings in effect.
    pub settings: Settings,
    /// The bounded lane for password hashing.
    pub password_work: PasswordWork,
    /// What the gate reads on every page view.
    pub cache: AppCache,
    /// Signs and checks media URLs.
    pub media_tokens: MediaTokens,
    /// Signs and checks the one-click unsubscribe links of optional mail.
    pub unsubscribe_tokens: crate::auth::UnsubscribeTokens,
    /// Signs and checks anonymous visitors' meter credentials.
    pub meter_tokens: crate::auth::MeterTokens,
    /// Whoever takes the readers' money (the development provider or Stripe).
    pub payments: crate::billing::Provider,
    /// Per-address limits on login, sign-up and email requests.
    pub rate_limits: crate::auth::RateLimits,
    /// Sends verification, reset and notice emails (SMTP or the outbox);
    /// the `send_email` jobs use it.
    pub mailer: Arc<crate::mail::Mailer>,
    /// Writes the emails (the templates in effect, checked at start); the
    /// use cases queue what it writes in their transactions.
    pub letters: Arc<crate::mail::Letters>,
    /// Wakes this instance's job workers after a commit that queued work.
    pub jobs: crate::jobs::Queue,
    /// Where publishing queues narrations (nowhere with
    /// `MASTHEAD_NARRATOR=none`).
    pub narration: crate::catalogue::narration::NarrationQueue,
    /// What `GET /metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The time handlers read (the system clock; tests advance it).
    pub clock: crate::clock::Clock,
}
