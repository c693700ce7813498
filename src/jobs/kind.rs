//! What a job does and where it stands: one source of truth for the strings
//! stored in `jobs.kind` and `jobs.state`.

/// What a job does; each kind has one [`super::JobHandler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Sends one email (payload: the rendered [`crate::mail::Email`]).
    SendEmail,
    /// Moves lapsed open checkouts to `expired`.
    ExpireCheckouts,
    /// Deletes spent and expired account tokens.
    PruneAccountTokens,
    /// Deletes long-revoked and long-expired sessions.
    PruneSessions,
    /// Deletes jobs done a week ago.
    PruneJobs,
    /// Runs the due Stripe follow-ups (calls a webhook made necessary,
    /// `billing::follow_ups`); queued with each follow-up and each retry,
    /// and swept periodically for what a crash left mid-attempt.
    RunFollowUps,
}

impl JobKind {
    /// Every kind, for metrics and the registry check at start.
    pub const ALL: [Self; 6] = [
        Self::SendEmail,
        Self::ExpireCheckouts,
        Self::PruneAccountTokens,
        Self::PruneSessions,
        Self::PruneJobs,
        Self::RunFollowUps,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendEmail => "send_email",
            Self::ExpireCheckouts => "expire_checkouts",
            Self::PruneAccountTokens => "prune_account_tokens",
            Self::PruneSessions => "prune_sessions",
            Self::PruneJobs => "prune_jobs",
            Self::RunFollowUps => "run_provider_follow_ups",
        }
    }

    /// The kind a stored name names; `None` for one this build does not know.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its `run_at`, or for a worker.
    Pending,
    /// Claimed by a worker until its lease ends.
    Running,
    /// Its effect happened.
    Done,
    /// Given up after its last attempt; staff may retry it.
    Dead,
}

impl JobState {
    /// Every state.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Running, Self::Done, Self::Dead];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    /// The state a stored name names.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobKind::parse("nope"), None);
    }
}
