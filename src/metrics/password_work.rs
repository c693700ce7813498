//! The work password verification did, by algorithm: argon2 in KiB ×
//! passes, bcrypt in key-schedule rounds. Every verification does the same
//! work, whatever the account, so this grows by the same step per check;
//! a check that did more or less would be a timing oracle.

use crate::auth::HashWork;
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// `masthead_password_work_total{algorithm}`.
pub struct PasswordWorkMetrics {
    argon2: IntCounter,
    bcrypt: IntCounter,
}

impl PasswordWorkMetrics {
    pub(super) fn new(registry: &Registry) -> prometheus::Result<Self> {
        let family = IntCounterVec::new(
            Opts::new(
                "password_work_total",
                "Work done verifying passwords: argon2 (KiB x passes) and bcrypt (rounds)",
            ),
            &["algorithm"],
        )?;
        registry.register(Box::new(family.clone()))?;
        Ok(Self {
            argon2: family.with_label_values(&["argon2"]),
            bcrypt: family.with_label_values(&["bcrypt"]),
        })
    }

    /// Counts one verification's work.
    pub fn observe(&self, work: HashWork) {
        self.argon2.inc_by(work.argon2_kib_passes);
        self.bcrypt.inc_by(work.bcrypt_rounds);
    }
}
