//! Layered configuration: built-in defaults < an optional TOML file
//! (`--config`) < `MASTHEAD_*` environment variables. Secrets are wrapped in
//! [`SecretString`] so they never reach a log line or a `Debug` print.

mod variables;

pub use variables::environment_variables;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where the service runs: development tolerates generated keys and the
/// SQLite default; production refuses to start without real secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (development).
    #[default]
    Text,
    /// One JSON object per line (log shippers).
    Json,
}

/// Whether Stripe prices include tax or have it added on top
/// (`tax_behavior`, <https://docs.stripe.com/tax/products-prices-tax-codes-tax-behavior>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TaxBehavior {
    /// Tax is added to the price at checkout (usual in the US).
    #[default]
    Exclusive,
    /// The price includes tax (usual for consumers in the EU and UK).
    Inclusive,
}

impl TaxBehavior {
    /// The value Stripe's `tax_behavior` parameter takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exclusive => "exclusive",
            Self::Inclusive => "inclusive",
        }
    }
}

/// Who reads published articles aloud (`MASTHEAD_NARRATOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NarratorKind {
    /// Nobody: articles without a recording have no audio, and the staff
    /// list them (`GET /v1/admin/articles?audio=missing`).
    #[default]
    None,
    /// `MASTHEAD_NARRATOR_COMMAND`, a text-to-speech engine run per article.
    Command,
}

/// Every setting of the service. Field names are the environment variable
/// names without the `MASTHEAD_` prefix, lower-cased.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
// Each switch is an independent setting an operator flips, not a state.
#[allow(clippy::struct_excessive_bools)]
pub struct Settings {
    /// `MASTHEAD_BIND`: address and port to listen on.
    pub bind: String,
    /// `MASTHEAD_DATA_DIR`: the SQLite file, keys and media live here.
    pub data_dir: PathBuf,
    /// `MASTHEAD_DATABASE_URL`: `postgres://...` or a SQLite path; default
    /// `masthead.db` in the data directory.
    pub database_url: Option<SecretString>,
    /// `MASTHEAD_DATABASE_POOL_SIZE`: connections kept per instance (default
    /// 4 per core: more only makes the database's processes compete for
    /// the same cores).
    pub database_pool_size: Option<u32>,
    /// `MASTHEAD_DATABASE_TIMEOUT_SECONDS`: how long a request waits for a
    /// connection before it gets 503.
    pub database_timeout_seconds: u64,
    /// `MASTHEAD_ENV`: `development` or `production`.
    pub env: Environment,
    /// `MASTHEAD_PUBLIC_URL`: the URL readers reach the service at.
    pub public_url: Option<String>,
    /// `MASTHEAD_JWT_PRIVATE_KEY`: Ed25519 private key (PKCS#8 PEM) that signs
    /// access tokens; generated into the data directory in development.
    pub jwt_private_key: Option<SecretString>,
    /// `MASTHEAD_JWT_PREVIOUS_PUBLIC_KEYS`: Ed25519 public keys (SPKI PEM,
    /// several blocks back to back, or a TOML array) of earlier signing
    /// keys. Tokens they signed keep verifying, and they stay in the JWKS,
    /// so a rotation logs nobody out; remove them once the last such token
    /// has expired.
    #[serde(deserialize_with = "one_or_many")]
    pub jwt_previous_public_keys: Vec<String>,
    /// `MASTHEAD_JWT_ISSUER`: the `iss` claim.
    pub jwt_issuer: String,
    /// `MASTHEAD_JWT_AUDIENCE`: the `aud` claim.
    pub jwt_audience: String,
    /// `MASTHEAD_ACCESS_TOKEN_TTL_SECONDS`: access-token lifetime.
    pub access_token_ttl_seconds: i64,
    /// `MASTHEAD_REFRESH_TOKEN_TTL_DAYS`: absolute lifetime of a login.
    pub refresh_token_ttl_days: i64,
    /// `MASTHEAD_REFRESH_COOKIE`: browser mode. Refresh tokens travel in an
    /// HttpOnly cookie (never in JSON bodies, out of reach of page scripts),
    /// defended against CSRF by a required custom header and the `Origin`
    /// allowlist; off by default for server-side
    /// front-ends that keep the token themselves.
    pub refresh_cookie: bool,
    /// `MASTHEAD_STAFF_SECOND_FACTOR_REQUIRED`: whether staff actions (the
    /// admin API, the console) need a session that proved a TOTP second
    /// factor. Unset: required in production, optional in development
    /// (where a staff member who enrolled one still needs it to log in).
    /// Production refuses `false`.
    pub staff_second_factor_required: Option<bool>,
    /// `MASTHEAD_CORS_ORIGINS`: origins (`https://www.magazine.example`)
    /// whose pages may call the API from the browser, with cookies;
    /// comma-separated or a TOML array. Empty: no cross-origin access.
    #[serde(deserialize_with = "comma_list")]
    pub cors_origins: Vec<String>,
    /// `MASTHEAD_STRIPE_SECRET_KEY`: enables the Stripe payment provider.
    pub stripe_secret_key: Option<SecretString>,
    /// `MASTHEAD_STRIPE_WEBHOOK_SECRET`: verifies Stripe's webhook signatures.
    pub stripe_webhook_secret: Option<SecretString>,
    /// `MASTHEAD_STRIPE_API_BASE`: Stripe's API base URL (tests point it at a fake).
    pub stripe_api_base: Option<String>,
    /// `MASTHEAD_STRIPE_TIMEOUT_SECONDS`: the longest one Stripe call may
    /// take before the reader gets a 503 rather than a hanging request.
    pub stripe_timeout_seconds: u64,
    /// `MASTHEAD_STRIPE_AUTOMATIC_TAX`: checkout collects tax through
    /// Stripe Tax (`automatic_tax`, and the reader's address for it).
    pub stripe_automatic_tax: bool,
    /// `MASTHEAD_STRIPE_TAX_BEHAVIOR`: `exclusive` or `inclusive`, the
    /// `tax_behavior` of the prices Masthead creates at Stripe.
    pub stripe_tax_behavior: TaxBehavior,
    /// `MASTHEAD_STRIPE_TAX_CODE_DIGITAL`: the Stripe tax code
    /// `masthead stripe setup` gives the products of tiers without print.
    pub stripe_tax_code_digital: String,
    /// `MASTHEAD_STRIPE_TAX_CODE_PRINT`: the Stripe tax code of the
    /// products of tiers that mail a printed magazine.
    pub stripe_tax_code_print: String,
    /// `MASTHEAD_STRIPE_PORTAL_CONFIGURATION`: the billing-portal
    /// configuration (`bpc_…`) portal sessions use; unset, the account's
    /// default one. `masthead stripe setup` says when it must be set.
    pub stripe_portal_configuration: Option<String>,
    /// `MASTHEAD_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `MASTHEAD_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `MASTHEAD_GRACE_DAYS`: how long a `past_due` subscription keeps access.
    pub grace_days: i64,
    /// `MASTHEAD_CACHE_TTL_SECONDS`: the longest a stale grant (after a
    /// refund or cancellation on another instance) can last.
    pub cache_ttl_seconds: u64,
    /// `MASTHEAD_ARTICLE_CACHE_BYTES`: the memory the gate's cache of
    /// published articles (their text and rendered pages) may take.
    pub article_cache_bytes: u64,
    /// `MASTHEAD_MEDIA_URL_TTL_SECONDS`: lifetime of a signed media URL.
    pub media_url_ttl_seconds: i64,
    /// `MASTHEAD_MAX_AUDIO_BYTES`: largest accepted audio upload.
    pub max_audio_bytes: u64,
    /// `MASTHEAD_MAX_EDITION_BYTES`: largest accepted digital-edition PDF.
    pub max_edition_bytes: u64,
    /// `MASTHEAD_REFUND_WINDOW_DAYS`: the money-back guarantee, counted
    /// from a subscription's first payment; support refunds inside it,
    /// only admins (with an override) after it.
    pub refund_window_days: i64,
    /// `MASTHEAD_GIFT_LINKS_PER_MONTH`: gift links to one article a
    /// subscriber may make per calendar month (UTC); editors' publisher
    /// links are unlimited.
    pub gift_links_per_month: i64,
    /// `MASTHEAD_GIFT_LINKS_PUBLISHER_NAME`: who an editor's publisher
    /// link says the gift is from (`gift.from`).
    pub gift_links_publisher_name: String,
    /// `MASTHEAD_METER_ANONYMOUS`: walled articles a visitor who is not
    /// logged in may read per window (0, the default, turns it off).
    pub meter_anonymous: u32,
    /// `MASTHEAD_METER_REGISTERED`: walled articles a logged-in reader
    /// without access may read per window (0, the default, turns it off).
    pub meter_registered: u32,
    /// `MASTHEAD_METER_WINDOW_DAYS`: the meter's rolling window.
    pub meter_window_days: u32,
    /// `MASTHEAD_METER_CONSENT_REQUIRED`: meter anonymous visitors only
    /// once a request says `X-Masthead-Meter-Consent: granted`.
    pub meter_consent_required: bool,
    /// `MASTHEAD_PRINT_CUTOFF_DAYS`: how many days before an issue's
    /// publication date its print mailing list is drawn up.
    pub print_cutoff_days: i64,
    /// `MASTHEAD_LOGIN_ATTEMPTS_PER_MINUTE`: login attempts one client
    /// address may make per minute (per instance).
    pub login_attempts_per_minute: u32,
    /// `MASTHEAD_SIGNUPS_PER_MINUTE`: sign-ups one client address may make
    /// per minute (per instance).
    pub signups_per_minute: u32,
    /// `MASTHEAD_EMAIL_REQUESTS_PER_MINUTE`: password-reset and
    /// verification emails one client address may ask for per minute (per
    /// instance).
    pub email_requests_per_minute: u32,
    /// `MASTHEAD_LOGIN_FAILURES_PER_HOUR`: password checks for one email
    /// in an hour from every client address together before further ones
    /// are refused until the hour is over (counted in the database, so
    /// across instances); addresses the reader holds a live session from
    /// are not held back by it. See `auth::login_guard`.
    pub login_failures_per_hour: u32,
    /// `MASTHEAD_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR`: password checks for
    /// one email address one client address may make in an hour before it
    /// is refused until the hour is over (counted in the database; a
    /// password reset lifts it). See `auth::login_guard`.
    pub login_failures_per_address_per_hour: u32,
    /// `MASTHEAD_TRUSTED_PROXIES`: addresses of the load balancers in front
    /// of Masthead; from them, the client's address is read from
    /// `X-Forwarded-For` (for limits and the sessions list).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `MASTHEAD_SMTP_URL`: where email goes, as lettre reads it, e.g.
    /// `smtps://user:pass@host:465` or `smtp://host:587?tls=required`.
    /// Unset: messages are written to `<data dir>/outbox/` (refused in
    /// production).
    pub smtp_url: Option<SecretString>,
    /// `MASTHEAD_MAIL_FROM`: the sender, e.g. `Masthead <no-reply@magazine.example>`.
    pub mail_from: Option<String>,
    /// `MASTHEAD_SMTP_TIMEOUT_SECONDS`: the longest one message may take to
    /// send before it is given up (and logged).
    pub smtp_timeout_seconds: u64,
    /// `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`: how long an email
    /// verification (or email change) link works.
    pub verification_token_ttl_hours: i64,
    /// `MASTHEAD_VERIFICATION_RESEND_COOLDOWN_SECONDS`: the least time
    /// between two verification emails to one reader, so the endpoint
    /// cannot be used to flood a mailbox.
    pub verification_resend_cooldown_seconds: i64,
    /// `MASTHEAD_PASSWORD_RESET_TTL_MINUTES`: how long a reset link works.
    pub password_reset_ttl_minutes: i64,
    /// `MASTHEAD_REQUIRE_VERIFIED_EMAIL_FOR_CHECKOUT`: refuse checkout
    /// (403 `email_not_verified`) until the reader verified their address.
    pub require_verified_email_for_checkout: bool,
    /// `MASTHEAD_METRICS_TOKEN`: when set, `GET /metrics` answers only
    /// `Authorization: Bearer <token>` (for a `/metrics` reachable from
    /// outside the operators' network).
    pub metrics_token: Option<SecretString>,
    /// `MASTHEAD_METRICS_PUBLIC`: `true` lets production serve `/metrics`
    /// without `MASTHEAD_METRICS_TOKEN` (when only the operators' network
    /// reaches it); default false, so production asks for the token.
    pub metrics_public: bool,
    /// `MASTHEAD_JOB_MAX_ATTEMPTS`: attempts a queued job (an email, a
    /// sweep) gets before it is given up into `dead`, for staff to retry.
    pub job_max_attempts: i32,
    /// `MASTHEAD_JOB_POLL_MILLISECONDS`: how often each instance's workers
    /// look for due jobs (a job enqueued by this instance is run at once).
    pub job_poll_milliseconds: u64,
    /// `MASTHEAD_JOB_LEASE_SECONDS`: how long a claimed job stays with its
    /// worker; after it, a job whose worker died is claimed again.
    pub job_lease_seconds: i64,
    /// `MASTHEAD_JOB_WORKERS`: jobs one instance runs at once.
    pub job_workers: usize,
    /// `MASTHEAD_HOUSEKEEPING_MINUTES`: the period of the scheduled sweeps
    /// (expire checkouts, prune spent tokens, old sessions and done jobs;
    /// end comps and grace windows, finish stale refunds, send reminders).
    pub housekeeping_minutes: i64,
    /// `MASTHEAD_RENEWAL_REMINDER_DAYS`: how many days before an annual
    /// renewal the reader is reminded of it (the price, how to cancel), as
    /// automatic-renewal laws ask; `30,7` sends two. Each from 1 to 365,
    /// else Masthead refuses to start.
    pub renewal_reminder_days: crate::domain::ReminderDays,
    /// `MASTHEAD_TRIAL_REMINDER_DAYS`: how many days before a trial ends
    /// the reader is told (Stripe's own `trial_will_end` comes 3 before).
    pub trial_reminder_days: crate::domain::ReminderDays,
    /// `MASTHEAD_COMP_REMINDER_DAYS`: how many days before a comp ends the
    /// reader is told.
    pub comp_reminder_days: crate::domain::ReminderDays,
    /// `MASTHEAD_GIFT_REMINDER_DAYS`: how many days before a gift ends the
    /// reader is offered to continue as a subscriber (the remaining gift
    /// days kept before the first payment).
    pub gift_reminder_days: crate::domain::ReminderDays,
    /// `MASTHEAD_PRICE_CHANGE_NOTICE_DAYS`: how many days before the first
    /// renewal at a new price each subscriber is told of it (and so how
    /// far ahead an admin must schedule one).
    pub price_change_notice_days: i64,
    /// `MASTHEAD_NARRATOR`: `none` or `command`: whether publishing an
    /// article without a recording queues its narration.
    pub narrator: NarratorKind,
    /// `MASTHEAD_NARRATOR_COMMAND`: the text-to-speech command (article
    /// text on stdin, WAV on stdout), e.g. `espeak-ng --stdout`. Split on
    /// whitespace, never by a shell; a TOML array gives the arguments
    /// exactly (one with a space in it).
    #[serde(deserialize_with = "words")]
    pub narrator_command: Vec<String>,
    /// `MASTHEAD_NARRATOR_TIMEOUT_SECONDS`: the longest one narration (the
    /// engine and the encoder) may run before both are killed and the job
    /// is retried.
    pub narrator_timeout_seconds: u64,
    /// `MASTHEAD_NARRATOR_MAX_OUTPUT_BYTES`: the most WAV one narration may
    /// write (a runaway engine is killed past it).
    pub narrator_max_output_bytes: u64,
    /// `MASTHEAD_SITE_URL`: the magazine's site, which serves the pages a
    /// reader is sent to (email links, Stripe's return pages); default: the
    /// public URL (site and API on one host).
    pub site_url: Option<String>,
    /// `MASTHEAD_SITE_VERIFY_EMAIL_PATH`: the site's page for email
    /// verification links (`?token=`).
    pub site_verify_email_path: String,
    /// `MASTHEAD_SITE_RESET_PASSWORD_PATH`: the site's page for password
    /// reset links (`?token=`).
    pub site_reset_password_path: String,
    /// `MASTHEAD_SITE_CHECKOUT_SUCCESS_PATH`: where a paid checkout returns
    /// (`?checkout_id=`, and from Stripe `&session_id=`).
    pub site_checkout_success_path: String,
    /// `MASTHEAD_SITE_CHECKOUT_CANCELED_PATH`: where an abandoned checkout
    /// returns (`?checkout_id=`).
    pub site_checkout_canceled_path: String,
    /// `MASTHEAD_SITE_PORTAL_RETURN_PATH`: where the billing portal returns.
    pub site_portal_return_path: String,
    /// `MASTHEAD_SITE_ACCOUNT_PATH`: the reader's account page (cancel,
    /// resume, payments, the billing portal), which the lifecycle emails
    /// link to.
    pub site_account_path: String,
    /// `MASTHEAD_SITE_UNSUBSCRIBE_PATH`: the page the footer of optional
    /// mail links to (`?token=`), which confirms and posts the one-click
    /// unsubscribe.
    pub site_unsubscribe_path: String,
    /// `MASTHEAD_SITE_GIFT_REDEEM_PATH`: the page a gift's recipient is
    /// sent to (`?token=`): it shows `GET /v1/gifts/{token}` and, once the
    /// reader is logged in, posts `POST /v1/gifts/{token}/redeem`.
    pub site_gift_redeem_path: String,
    /// `MASTHEAD_SITE_GIFT_REFUND_PATH`: the page the gift receipt's refund
    /// link opens (`?token=`): it confirms and posts
    /// `POST /v1/gifts/refunds/{token}`.
    pub site_gift_refund_path: String,
    /// `MASTHEAD_TEMPLATES_DIR`: a directory of mail templates
    /// (`<message>.txt`, `<message>.html`) replacing the built-in ones of
    /// the same name; checked at start (`crate::mail::templates`).
    pub templates_dir: Option<PathBuf>,
    /// `MASTHEAD_REFRESH_REUSE_INTERVAL_SECONDS`: how long after a refresh
    /// token's rotation presenting it again still gets a new pair of the
    /// same session (two tabs whose access tokens expire together refresh
    /// at once) instead of being treated as theft; 0 turns it off.
    pub refresh_reuse_interval_seconds: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_pool_size: None,
            database_timeout_seconds: 5,
            env: Environment::Development,
            public_url: None,
            jwt_private_key: None,
            jwt_previous_public_keys: Vec::new(),
            jwt_issuer: "masthead".to_owned(),
            jwt_audience: "masthead".to_owned(),
            access_token_ttl_seconds: 15 * 60,
            refresh_token_ttl_days: 30,
            refresh_cookie: false,
            staff_second_factor_required: None,
            cors_origins: Vec::new(),
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: None,
            stripe_timeout_seconds: 10,
            stripe_automatic_tax: false,
            stripe_tax_behavior: TaxBehavior::Exclusive,
            stripe_tax_code_digital: "txcd_10000000".to_owned(),
            stripe_tax_code_print: "txcd_99999999".to_owned(),
            stripe_portal_configuration: None,
            workers: None,
            log_format: LogFormat::Text,
            grace_days: 7,
            cache_ttl_seconds: 30,
            article_cache_bytes: 64 * 1024 * 1024,
            media_url_ttl_seconds: 300,
            max_audio_bytes: 200 * 1024 * 1024,
            max_edition_bytes: 100 * 1024 * 1024,
            refund_window_days: 60,
            gift_links_per_month: 10,
            gift_links_publisher_name: "the editors".to_owned(),
            meter_anonymous: 0,
            meter_registered: 0,
            meter_window_days: 30,
            meter_consent_required: false,
            print_cutoff_days: 14,
            login_attempts_per_minute: 30,
            signups_per_minute: 10,
            email_requests_per_minute: 5,
            login_failures_per_hour: 100,
            login_failures_per_address_per_hour: 10,
            trusted_proxies: Vec::new(),
            smtp_url: None,
            mail_from: None,
            smtp_timeout_seconds: 10,
            verification_token_ttl_hours: 48,
            verification_resend_cooldown_seconds: 60,
            password_reset_ttl_minutes: 30,
            require_verified_email_for_checkout: false,
            metrics_token: None,
            metrics_public: false,
            job_max_attempts: 10,
            job_poll_milliseconds: 1000,
            job_lease_seconds: 120,
            job_workers: 4,
            housekeeping_minutes: 60,
            renewal_reminder_days: reminder_days(&[30, 7]),
            trial_reminder_days: reminder_days(&[3]),
            comp_reminder_days: reminder_days(&[7]),
            gift_reminder_days: reminder_days(&[7]),
            price_change_notice_days: 30,
            narrator: NarratorKind::None,
            narrator_command: Vec::new(),
            narrator_timeout_seconds: 300,
            narrator_max_output_bytes: 512 * 1024 * 1024,
            site_url: None,
            site_verify_email_path: "/verify-email".to_owned(),
            site_reset_password_path: "/reset-password".to_owned(),
            site_checkout_success_path: "/billing/checkout/success".to_owned(),
            site_checkout_canceled_path: "/billing/checkout/canceled".to_owned(),
            site_portal_return_path: "/billing/portal/return".to_owned(),
            site_account_path: "/account".to_owned(),
            site_unsubscribe_path: "/unsubscribe".to_owned(),
            site_gift_redeem_path: "/gifts/redeem".to_owned(),
            site_gift_refund_path: "/gifts/refund".to_owned(),
            templates_dir: None,
            refresh_reuse_interval_seconds: 30,
        }
    }
}

impl Settings {
    /// Loads the layers: defaults, then the TOML file if given, then the
    /// environment.
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        if let Some(path) = config_file {
            anyhow::ensure!(
                path.exists(),
                "config file {} does not exist",
                path.display()
            );
            figment = figment.merge(Toml::file(path));
        }
        figment
            .merge(Env::prefixed("MASTHEAD_"))
            .extract()
            .context("invalid configuration")
    }

    /// The database URL in effect: the configured one or the SQLite file in
    /// the data directory.
    pub fn database_url(&self) -> String {
        self.database_url.as_ref().map_or_else(
            || self.data_dir.join("masthead.db").display().to_string(),
            |url| url.expose_secret().to_owned(),
        )
    }

    /// Whether this is a production deployment (`MASTHEAD_ENV=production`).
    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    /// Whether staff actions need a session that proved the second factor.
    pub fn staff_second_factor_required(&self) -> bool {
        self.staff_second_factor_required
            .unwrap_or_else(|| self.is_production())
    }

    /// The SQLite database file, when the database is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        if self.uses_postgres() {
            return None;
        }
        let url = self.database_url();
        let path = url.strip_prefix("sqlite://").unwrap_or(&url);
        (path != ":memory:" && !path.starts_with("file:")).then(|| PathBuf::from(path))
    }

    /// The pool size in effect.
    pub fn pool_size(&self) -> u32 {
        self.database_pool_size.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            u32::try_from(cores * 4).unwrap_or(u32::MAX)
        })
    }

    /// Whether the database in effect is PostgreSQL.
    pub fn uses_postgres(&self) -> bool {
        let url = self.database_url();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }

    /// Where uploaded media files live.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// Where the development mail transport writes messages.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
    /// The metered paywall's allowances and window.
    pub fn meter_policy(&self) -> crate::domain::MeterPolicy {
        crate::domain::MeterPolicy {
            anonymous: self.meter_anonymous,
            registered: self.meter_registered,
            window_days: self.meter_window_days,
        }
    }

    /// The public base URL (no trailing slash).
    pub fn public_url(&self) -> String {
        self.public_url.as_deref().map_or_else(
            || format!("http://{}", self.bind),
            |url| url.trim_end_matches('/').to_owned(),
        )
    }

    /// The site's base URL (no trailing slash): `MASTHEAD_SITE_URL`, else
    /// the public URL. Build page links with [`crate::site_url`].
    pub fn site_url(&self) -> String {
        self.site_url.as_deref().map_or_else(
            || self.public_url(),
            |url| url.trim_end_matches('/').to_owned(),
        )
    }

    /// In production, lists every development default still in use; an
    /// empty list means the settings are fit to serve real readers.
    pub fn production_problems(&self) -> Vec<String> {
        if self.env != Environment::Production {
            return Vec::new();
        }
        let mut missing = Vec::new();
        if self.jwt_private_key.is_none() {
            missing.push(
                "MASTHEAD_JWT_PRIVATE_KEY (an Ed25519 PKCS#8 PEM key; development generates one)"
                    .to_owned(),
            );
        }
        if self.stripe_secret_key.is_none() {
            missing.push(
                "MASTHEAD_STRIPE_SECRET_KEY (the development payment provider is refused)"
                    .to_owned(),
            );
        }
        if self.stripe_webhook_secret.is_none() {
            missing.push("MASTHEAD_STRIPE_WEBHOOK_SECRET".to_owned());
        }
        if self.smtp_url.is_none() {
            missing.push(
                "MASTHEAD_SMTP_URL (the development outbox would keep readers' emails on disk)"
                    .to_owned(),
            );
        }
        if self.mail_from.is_none() {
            missing.push("MASTHEAD_MAIL_FROM (the sender of readers' emails)".to_owned());
        }
        let https = self
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"));
        if !https {
            missing.push("MASTHEAD_PUBLIC_URL (an https:// URL)".to_owned());
        }
        if self
            .site_url
            .as_deref()
            .is_some_and(|url| !url.starts_with("https://"))
        {
            missing.push(
                "MASTHEAD_SITE_URL (an https:// URL: readers' email links and payment returns go there)"
                    .to_owned(),
            );
        }
        if self.refresh_cookie && !https {
            missing.push(
                "MASTHEAD_PUBLIC_URL over https:// (MASTHEAD_REFRESH_COOKIE sets Secure cookies)"
                    .to_owned(),
            );
        }
        if let Some(origin) = self
            .cors_origins
            .iter()
            .find(|origin| !origin.starts_with("https://"))
        {
            missing.push(format!(
                "MASTHEAD_CORS_ORIGINS with https:// origins only ({origin} is not)"
            ));
        }
        if self.staff_second_factor_required == Some(false) {
            missing.push(
                "MASTHEAD_STAFF_SECOND_FACTOR_REQUIRED unset or true (staff sign in with a second factor in production)"
                    .to_owned(),
            );
        }
        if self.metrics_token.is_none() && !self.metrics_public {
            missing.push(
                "MASTHEAD_METRICS_TOKEN (or MASTHEAD_METRICS_PUBLIC=true when only the operators reach /metrics)"
                    .to_owned(),
            );
        }
        missing
    }

    /// Refuses production settings that still rely on development defaults,
    /// naming exactly what is missing; warns about SQLite in production.
    pub fn check_fit_for_environment(&self) -> anyhow::Result<()> {
        let problems = self.production_problems();
        if !problems.is_empty() {
            anyhow::bail!(
                "MASTHEAD_ENV=production refuses to start with development defaults; set:\n  - {}",
                problems.join("\n  - ")
            );
        }
        if self.env == Environment::Production && !self.uses_postgres() {
            tracing::warn!(
                "running production on SQLite: fine for one instance, use PostgreSQL to run several"
            );
        }
        Ok(())
    }
}

/// A list given as a TOML array or as one string; a string holds one item
/// (several PEM blocks may follow each other inside it).
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) if one.trim().is_empty() => Vec::new(),
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// A list given as a TOML array or as one comma-separated string (the
/// natural form in an environment variable); blanks are dropped.
fn comma_list<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(one_or_many(deserializer)?
        .iter()
        .flat_map(|item| item.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The default reminder thresholds (valid by construction).
fn reminder_days(days: &[i64]) -> crate::domain::ReminderDays {
    crate::domain::ReminderDays::new(days.iter().copied()).expect("valid default reminder days")
}

/// A command line given as one string (split on whitespace, as no shell
/// would be asked to) or as a TOML array of its words.
fn words<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Line {
        Split(String),
        Exact(Vec<String>),
    }
    Ok(match Line::deserialize(deserializer)? {
        Line::Split(line) => line.split_whitespace().map(str::to_owned).collect(),
        Line::Exact(words) => words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Settings {
        Settings {
            env: Environment::Production,
            ..Settings::default()
        }
    }

    #[test]
    fn development_defaults_need_nothing() {
        assert!(Settings::default().production_problems().is_empty());
    }

    #[test]
    fn production_names_every_missing_secret() {
        let problems = production().production_problems().join("\n");
        for name in [
            "MASTHEAD_JWT_PRIVATE_KEY",
            "MASTHEAD_STRIPE_SECRET_KEY",
            "MASTHEAD_STRIPE_WEBHOOK_SECRET",
            "MASTHEAD_PUBLIC_URL",
            "MASTHEAD_SMTP_URL",
            "MASTHEAD_MAIL_FROM",
            "MASTHEAD_METRICS_TOKEN",
        ] {
            assert!(problems.contains(name), "{name} not named in {problems}");
        }
    }

    #[test]
    fn production_with_real_secrets_is_accepted() {
        let settings = Settings {
            jwt_private_key: Some("pem".into()),
            stripe_secret_key: Some("sk_live".into()),
            stripe_webhook_secret: Some("whsec".into()),
            public_url: Some("https://magazine.example".into()),
            smtp_url: Some("smtps://user:pass@smtp.magazine.example".into()),
            mail_from: Some("Masthead <no-reply@magazine.example>".into()),
            metrics_token: Some("a long metrics token".into()),
            ..production()
        };
        assert!(settings.check_fit_for_environment().is_ok());
    }

    #[test]
    fn production_serves_metrics_openly_only_when_told() {
        let settings = Settings {
            jwt_private_key: Some("pem".into()),
            stripe_secret_key: Some("sk_live".into()),
            stripe_webhook_secret: Some("whsec".into()),
            public_url: Some("https://magazine.example".into()),
            smtp_url: Some("smtps://user:pass@smtp.magazine.example".into()),
            mail_from: Some("Masthead <no-reply@magazine.example>".into()),
            ..production()
        };
        assert_eq!(settings.production_problems().len(), 1);
        assert!(settings.production_problems()[0].starts_with("MASTHEAD_METRICS_TOKEN"));
        let open = Settings {
            metrics_public: true,
            ..settings
        };
        assert!(open.production_problems().is_empty());
    }

    #[test]
    fn production_refuses_staff_without_a_second_factor() {
        let settings = Settings {
            staff_second_factor_required: Some(false),
            ..production()
        };
        let problems = settings.production_problems().join("\n");
        assert!(
            problems.contains("MASTHEAD_STAFF_SECOND_FACTOR_REQUIRED"),
            "{problems}"
        );
        assert!(production().staff_second_factor_required());
        assert!(!Settings::default().staff_second_factor_required());
    }

    #[test]
    fn browser_mode_in_production_needs_https() {
        let settings = Settings {
            refresh_cookie: true,
            cors_origins: vec!["http://www.magazine.example".into()],
            public_url: Some("http://magazine.example".into()),
            ..production()
        };
        let problems = settings.production_problems().join("\n");
        assert!(problems.contains("MASTHEAD_REFRESH_COOKIE"), "{problems}");
        assert!(
            problems.contains("http://www.magazine.example"),
            "{problems}"
        );
    }

    #[test]
    fn production_needs_https_for_the_site_and_the_api() {
        let settings = Settings {
            public_url: Some("http://api.magazine.example".into()),
            site_url: Some("http://www.magazine.example".into()),
            ..production()
        };
        let problems = settings.production_problems().join("\n");
        assert!(
            problems.contains("MASTHEAD_PUBLIC_URL (an https://"),
            "{problems}"
        );
        assert!(
            problems.contains("MASTHEAD_SITE_URL (an https://"),
            "{problems}"
        );
        let https = Settings {
            public_url: Some("https://api.magazine.example".into()),
            site_url: Some("https://www.magazine.example".into()),
            ..production()
        };
        let problems = https.production_problems().join("\n");
        assert!(!problems.contains("MASTHEAD_SITE_URL"), "{problems}");
        assert!(!problems.contains("MASTHEAD_PUBLIC_URL"), "{problems}");
    }

    /// `MASTHEAD_RENEWAL_REMINDER_DAYS=30,7` (a string from the
    /// environment), `3` (a number) or `[30, 7]` (TOML); a day count out
    /// of 1 to 365 refuses the configuration, naming the key.
    #[test]
    fn reminder_days_are_read_and_checked() {
        use figment::providers::Serialized;
        let from = |value: serde_json::Value| -> Result<Settings, String> {
            Figment::from(Serialized::defaults(value))
                .extract()
                .map_err(|error| error.to_string())
        };
        let read = from(serde_json::json!({
            "renewal_reminder_days": "30,7",
            "trial_reminder_days": 5,
            "comp_reminder_days": [14, 1],
        }))
        .unwrap();
        assert_eq!(read.renewal_reminder_days.days(), [7, 30]);
        assert_eq!(read.trial_reminder_days.days(), [5]);
        assert_eq!(read.comp_reminder_days.days(), [1, 14]);
        let defaults = Settings::default();
        assert_eq!(defaults.renewal_reminder_days.to_string(), "30,7");
        assert_eq!(defaults.trial_reminder_days.to_string(), "3");
        assert_eq!(defaults.comp_reminder_days.to_string(), "7");
        for bad in [
            serde_json::json!("30,0"),
            serde_json::json!(400),
            serde_json::json!(""),
        ] {
            let error = from(serde_json::json!({ "renewal_reminder_days": bad })).unwrap_err();
            assert!(error.contains("renewal_reminder_days"), "{error}");
        }
    }

    #[test]
    fn lists_come_from_a_string_or_an_array() {
        use figment::providers::Serialized;
        let from = |value: serde_json::Value| -> Settings {
            Figment::from(Serialized::defaults(value))
                .extract()
                .unwrap()
        };
        let csv = from(serde_json::json!({
            "cors_origins": "https://a.example, https://b.example,",
            "jwt_previous_public_keys": "PEM",
        }));
        assert_eq!(csv.cors_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(csv.jwt_previous_public_keys, ["PEM"]);
        let array = from(serde_json::json!({
            "cors_origins": ["https://a.example"],
            "jwt_previous_public_keys": ["A", "B"],
        }));
        assert_eq!(array.cors_origins, ["https://a.example"]);
        assert_eq!(array.jwt_previous_public_keys, ["A", "B"]);
        assert!(from(serde_json::json!({})).cors_origins.is_empty());
        let narrator = from(serde_json::json!({
            "narrator": "command",
            "narrator_command": " espeak-ng  --stdout -v en ",
        }));
        assert_eq!(narrator.narrator, NarratorKind::Command);
        assert_eq!(
            narrator.narrator_command,
            ["espeak-ng", "--stdout", "-v", "en"]
        );
        let exact =
            from(serde_json::json!({"narrator_command": ["piper", "--model", "my voice.onnx"]}));
        assert_eq!(
            exact.narrator_command,
            ["piper", "--model", "my voice.onnx"]
        );
        assert_eq!(from(serde_json::json!({})).narrator, NarratorKind::None);
    }

    #[test]
    fn secrets_never_print() {
        let settings = Settings {
            stripe_secret_key: Some("sk_live_supersecret".into()),
            ..Settings::default()
        };
        assert!(!format!("{settings:?}").contains("supersecret"));
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let settings = Settings::default();
        assert!(!settings.uses_postgres());
        assert!(settings.database_url().ends_with("masthead.db"));
    }
}
