//! Login attempts by outcome: a rise in `failed` or in the refusals is
//! someone guessing passwords; a fall in `succeeded` is a broken login.

use crate::error::ApiError;
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// `masthead_logins_total{outcome}`.
pub struct LoginMetrics {
    succeeded: IntCounter,
    failed: IntCounter,
    rate_limited: IntCounter,
    too_many_failed_logins: IntCounter,
    disabled: IntCounter,
}

impl LoginMetrics {
    pub(super) fn new(registry: &Registry) -> prometheus::Result<Self> {
        let family = IntCounterVec::new(
            Opts::new(
                "logins_total",
                "Login attempts by outcome: succeeded, failed (wrong credentials), rate_limited (this address), too_many_failed_logins (this account), disabled",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(family.clone()))?;
        let outcome = |name: &str| family.with_label_values(&[name]);
        Ok(Self {
            succeeded: outcome("succeeded"),
            failed: outcome("failed"),
            rate_limited: outcome("rate_limited"),
            too_many_failed_logins: outcome("too_many_failed_logins"),
            disabled: outcome("disabled"),
        })
    }

    /// Counts a login by what it answered. Malformed requests and
    /// failures on our side are not login attempts and are not counted
    /// here (the request metrics have them).
    pub fn observe<T>(&self, result: &Result<T, ApiError>) {
        let counter = match result {
            Ok(_) => &self.succeeded,
            Err(error) => match error.code() {
                "invalid_credentials" => &self.failed,
                "rate_limited" => &self.rate_limited,
                "too_many_failed_logins" => &self.too_many_failed_logins,
                "account_disabled" => &self.disabled,
                _ => return,
            },
        };
        counter.inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_the_answer() {
        let logins = LoginMetrics::new(&Registry::new()).unwrap();
        logins.observe(&Ok::<(), ApiError>(()));
        logins.observe::<()>(&Err(ApiError::unauthenticated("invalid_credentials", "")));
        logins.observe::<()>(&Err(ApiError::forbidden("account_disabled", "")));
        logins.observe::<()>(&Err(ApiError::Validation(Vec::new())));
        assert_eq!(logins.succeeded.get(), 1);
        assert_eq!(logins.failed.get(), 1);
        assert_eq!(logins.disabled.get(), 1);
        assert_eq!(
            logins.rate_limited.get() + logins.too_many_failed_logins.get(),
            0
        );
    }
}
