//! Prometheus metrics, served at `GET /metrics`: one registry per
//! application (no global registry), so each test's application counts
//! only its own traffic. One file per concern; every family is prefixed
//! `masthead_`.
//!
//! The request path stays cheap: counters and histograms are atomics, the
//! label sets a request can take are resolved once (at start-up, or the
//! first time a route answers a status) and then reached without a lock.

mod current;
mod gate;
mod http;
mod jobs;
mod logging;
mod logins;
mod password_work;
mod pool;
mod refunds;
mod webhooks;

pub use current::{in_scope, with_current};
pub use gate::{GateMetrics, GateResource};
pub use http::{HttpMetrics, UNMATCHED};
pub use jobs::JobMetrics;
pub use logins::{LoginCounted, LoginMetrics};
pub use password_work::PasswordWorkMetrics;
pub use refunds::RefundMetrics;
pub use webhooks::{WebhookMetrics, WebhookOutcome};

use crate::db::Database;
use prometheus::{Encoder, Registry, TextEncoder};

/// Every metric of one application.
pub struct Metrics {
    registry: Registry,
    /// Requests by route pattern, method and status.
    pub http: HttpMetrics,
    /// The gate's decisions by resource and outcome.
    pub gate: GateMetrics,
    /// Login attempts by outcome.
    pub logins: LoginMetrics,
    /// Stripe events by type and outcome.
    pub webhooks: WebhookMetrics,
    /// Staff refunds by outcome, and the money given back.
    pub refunds: RefundMetrics,
    /// The work password verification did.
    pub password_work: PasswordWorkMetrics,
    /// The job queue's runs, depth and oldest waiting job.
    pub jobs: JobMetrics,
}

impl Metrics {
    /// Registers every family. `documented_paths` is the OpenAPI document:
    /// its paths and methods are the label sets the request metrics
    /// resolve up front.
    pub fn new(db: &Database, openapi: &str) -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("masthead".to_owned()), None)?;
        registry.register(Box::new(pool::PoolCollector::new(db.clone())?))?;
        registry.register(Box::new(logging::LoggingCollector::new()?))?;
        Ok(Self {
            http: HttpMetrics::new(&registry, openapi)?,
            gate: GateMetrics::new(&registry)?,
            logins: LoginMetrics::new(&registry)?,
            webhooks: WebhookMetrics::new(&registry)?,
            refunds: RefundMetrics::new(&registry)?,
            password_work: PasswordWorkMetrics::new(&registry)?,
            jobs: JobMetrics::new(&registry)?,
            registry,
        })
    }

    /// The Prometheus text exposition of every family.
    pub fn render(&self) -> anyhow::Result<String> {
        let mut buffer = Vec::with_capacity(16 * 1024);
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        Ok(String::from_utf8(buffer)?)
    }
}

/// The content type of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = prometheus::TEXT_FORMAT;
