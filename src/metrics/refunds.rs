//! Staff refunds by outcome, and the money given back. The amount is
//! counted when the provider confirms each refund, so money that moved
//! during an attempt that then failed is counted too.

use crate::error::ApiError;
use actix_web::ResponseError;
use prometheus::{IntCounterVec, Opts, Registry};

/// `masthead_staff_refunds_total{outcome}` and
/// `masthead_staff_refunded_cents_total{currency}`.
pub struct RefundMetrics {
    refunds: IntCounterVec,
    cents: IntCounterVec,
}

impl RefundMetrics {
    pub(super) fn new(registry: &Registry) -> prometheus::Result<Self> {
        let refunds = IntCounterVec::new(
            Opts::new(
                "staff_refunds_total",
                "Staff refunds by outcome: refunded, replayed (done before), refused (not refundable, in progress, not allowed), failed (the provider or the database failed; nothing ended)",
            ),
            &["outcome"],
        )?;
        let cents = IntCounterVec::new(
            Opts::new(
                "staff_refunded_cents_total",
                "Money given back by staff refunds, in minor units, by currency",
            ),
            &["currency"],
        )?;
        registry.register(Box::new(refunds.clone()))?;
        registry.register(Box::new(cents.clone()))?;
        for outcome in ["refunded", "replayed", "refused", "failed"] {
            refunds.with_label_values(&[outcome]);
        }
        Ok(Self { refunds, cents })
    }

    /// Counts one staff refund by its result: `replayed` tells whether it
    /// had been done before. Refusals are the 4xx answers, failures the
    /// 5xx ones.
    pub fn observe<T>(&self, result: &Result<T, ApiError>, replayed: impl Fn(&T) -> bool) {
        let outcome = match result {
            Ok(done) if replayed(done) => "replayed",
            Ok(_) => "refunded",
            Err(error) if error.status_code().is_client_error() => "refused",
            Err(_) => "failed",
        };
        self.refunds.with_label_values(&[outcome]).inc();
    }

    /// Counts money a provider confirmed giving back.
    pub fn refunded(&self, currency: &str, cents: i64) {
        let plausible = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_alphabetic());
        let currency = if plausible { currency } else { "other" };
        self.cents
            .with_label_values(&[currency.to_ascii_lowercase().as_str()])
            .inc_by(u64::try_from(cents).unwrap_or(0));
    }
}
