//! Login attempts by outcome: a rise in `failed` or in the refusals is
//! someone guessing passwords; a fall in `succeeded` is a broken login.

use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// The `outcome` label of a counted login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginCounted {
    /// Logged in.
    Succeeded,
    /// Wrong email or password.
    Failed,
    /// Too many attempts from the client address.
    RateLimited,
    /// Too many failed checks for the address tried.
    TooManyFailed,
    /// The right password for a disabled account.
    Disabled,
}

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

    /// Counts a login by how it ended. Malformed requests and failures on
    /// our side are not login attempts and are not counted here (the
    /// request metrics have them).
    pub fn observe(&self, outcome: LoginCounted) {
        let counter = match outcome {
            LoginCounted::Succeeded => &self.succeeded,
            LoginCounted::Failed => &self.failed,
            LoginCounted::RateLimited => &self.rate_limited,
            LoginCounted::TooManyFailed => &self.too_many_failed_logins,
            LoginCounted::Disabled => &self.disabled,
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
        logins.observe(LoginCounted::Succeeded);
        logins.observe(LoginCounted::Failed);
        logins.observe(LoginCounted::Failed);
        logins.observe(LoginCounted::Disabled);
        logins.observe(LoginCounted::TooManyFailed);
        assert_eq!(logins.succeeded.get(), 1);
        assert_eq!(logins.failed.get(), 2);
        assert_eq!(logins.disabled.get(), 1);
        assert_eq!(logins.too_many_failed_logins.get(), 1);
        assert_eq!(logins.rate_limited.get(), 0);
    }
}
