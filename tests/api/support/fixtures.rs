//! Arranging subscriptions no endpoint creates yet: straight into the app's
//! database through `masthead::db::subscriptions`, so tests can put a reader
//! in any state of the lifecycle. Assertions still go through HTTP.

use crate::support::helpers::TestApp;
use chrono::{DateTime, Duration, Utc};
use masthead::db::subscriptions::{self, NewSubscription};
use masthead::domain::{ReaderId, SubscriptionId, SubscriptionState};

/// Who the fixture records as the author of the creation event.
pub const FIXTURE_ACTOR: &str = "test-fixture";

/// A subscription to arrange straight in the database: `tier` (`digital` or
/// `print`) in `state`, started now, with only the dates a test names.
///
/// - [`period_end`](Self::period_end): end of the paid period (what `active`
///   and `canceling` grant until; none on `active` means open-ended);
/// - [`grace_ends_at`](Self::grace_ends_at): end of a `past_due` grace window;
/// - [`comped_until`](Self::comped_until): end of a `comped` subscription.
///
/// A comp has no billing interval; every other state is billed monthly
/// (or [`interval`](SubscriptionFixture::interval)), its period starting
/// 30 days before `period_end`. Give the subscription
/// before the reader's first gated request: the app caches a reader's
/// subscriptions for a short while.
///
/// ```ignore
/// let reader = app.new_reader().await;
/// subscription("digital", SubscriptionState::Active)
///     .period_end(Utc::now() + Duration::days(30))
///     .give(&app, &reader.id);
/// ```
#[must_use = "a fixture does nothing until it is given"]
pub struct SubscriptionFixture<'a> {
    tier: &'a str,
    state: SubscriptionState,
    period_end: Option<DateTime<Utc>>,
    grace_ends_at: Option<DateTime<Utc>>,
    comped_until: Option<DateTime<Utc>>,
    interval: &'a str,
}

/// Starts a [`SubscriptionFixture`] to `tier` in `state`, with no dates.
pub fn subscription(tier: &str, state: SubscriptionState) -> SubscriptionFixture<'_> {
    SubscriptionFixture {
        tier,
        state,
        period_end: None,
        grace_ends_at: None,
        comped_until: None,
        interval: "month",
    }
}

impl SubscriptionFixture<'_> {
    /// The end of the paid period (a date, or an `Option` the test computed).
    pub fn period_end(mut self, at: impl Into<Option<DateTime<Utc>>>) -> Self {
        self.period_end = at.into();
        self
    }

    /// The end of a `past_due` subscription's grace window.
    pub fn grace_ends_at(mut self, at: impl Into<Option<DateTime<Utc>>>) -> Self {
        self.grace_ends_at = at.into();
        self
    }

    /// The end of a `comped` subscription.
    pub fn comped_until(mut self, at: impl Into<Option<DateTime<Utc>>>) -> Self {
        self.comped_until = at.into();
        self
    }

    /// Billed every `interval` (`month`, the default, or `year`); a
    /// yearly period starts 365 days before `period_end`.
    pub fn interval(mut self, interval: &'static str) -> Self {
        self.interval = interval;
        self
    }

    /// Inserts the subscription for the reader `reader_id`; returns its id.
    pub fn give(self, app: &TestApp, reader_id: &str) -> String {
        let id = SubscriptionId::generate();
        let reader = ReaderId::parse(reader_id).expect("a reader id (a UUID)");
        let now = Utc::now().naive_utc();
        let subscription = NewSubscription {
            billing_interval: (self.state != SubscriptionState::Comped).then_some(self.interval),
            current_period_start: self.period_end.map(|end| {
                let days = if self.interval == "year" { 365 } else { 30 };
                (end - Duration::days(days)).naive_utc()
            }),
            current_period_end: self.period_end.map(|end| end.naive_utc()),
            grace_ends_at: self.grace_ends_at.map(|end| end.naive_utc()),
            comped_until: self.comped_until.map(|end| end.naive_utc()),
            ..NewSubscription::new(&id, &reader, self.tier, self.state, now)
        };
        subscriptions::insert(&mut app.db(), &subscription, FIXTURE_ACTOR, None)
            .expect("insert the subscription (does the tier and the reader exist?)");
        id.to_string()
    }
}

/// Waits until the sweeps the scheduler queued at start-up have run, so a
/// subscription planted after it (a comp past its end, a `past_due` past
/// its grace window) is seen as planted rather than moved on by a sweep
/// racing the test. The next ones come at the next period, an hour later.
pub async fn startup_sweeps_settled(app: &TestApp) {
    use diesel::prelude::*;
    use masthead::db::schema::jobs;
    let sweeps: Vec<&str> = masthead::jobs::housekeeping::SWEEPS
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let waiting: i64 = jobs::table
            .filter(jobs::kind.eq_any(&sweeps))
            .filter(jobs::state.eq_any(["pending", "running"]))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        let queued: i64 = jobs::table
            .filter(jobs::kind.eq_any(&sweeps))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        if waiting == 0 && queued > 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the start-up sweeps did not run"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Runs the sweep `kind` now, as the scheduler would at a period's start,
/// and waits for it and the emails it queued.
pub async fn run_sweep(app: &TestApp, kind: masthead::domain::JobKind) {
    use diesel::prelude::*;
    use masthead::db::schema::jobs;
    let id = masthead::jobs::enqueue(
        &mut app.db(),
        kind,
        &serde_json::json!({}),
        Utc::now().naive_utc(),
        None,
    )
    .unwrap()
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let state: String = jobs::table
            .find(id.as_str())
            .select(jobs::state)
            .first(&mut app.db())
            .unwrap();
        match state.as_str() {
            "done" => break,
            "dead" => panic!("the {} sweep died", kind.as_str()),
            _ => {}
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the {} sweep did not run",
            kind.as_str()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    crate::support::outbox::emails_settled(app).await;
}
