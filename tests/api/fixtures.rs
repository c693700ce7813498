//! Arranging subscriptions no endpoint creates yet: straight into the app's
//! database through `masthead::db::subscriptions`, so tests can put a reader
//! in any state of the lifecycle. Assertions still go through HTTP.

use crate::helpers::TestApp;
use chrono::{DateTime, Duration, Utc};
use masthead::db::subscriptions::{self, NewSubscription};
use masthead::domain::{ReaderId, SubscriptionId, SubscriptionState};

/// Who the fixture records as the author of the creation event.
pub const FIXTURE_ACTOR: &str = "test-fixture";

/// Gives the reader `reader_id` a subscription to `tier` (`digital` or
/// `print`) in `state`, started now, and returns its id.
///
/// - `period_end`: end of the paid period (what `active` and `canceling`
///   grant until; `None` on `active` means open-ended);
/// - `grace_ends_at`: end of a `past_due` grace window;
/// - `comped_until`: end of a `comped` subscription.
///
/// A comp has no billing interval; every other state is billed monthly,
/// its period starting 30 days before `period_end`. Give the subscription
/// before the reader's first gated request: the app caches a reader's
/// subscriptions for a short while.
///
/// ```ignore
/// let reader = app.new_reader().await;
/// let in_30_days = Some(Utc::now() + Duration::days(30));
/// give_subscription(&app, &reader.id, "digital", SubscriptionState::Active, in_30_days, None, None);
/// ```
pub fn give_subscription(
    app: &TestApp,
    reader_id: &str,
    tier: &str,
    state: SubscriptionState,
    period_end: Option<DateTime<Utc>>,
    grace_ends_at: Option<DateTime<Utc>>,
    comped_until: Option<DateTime<Utc>>,
) -> String {
    let id = SubscriptionId::generate();
    let reader = ReaderId::parse(reader_id).expect("a reader id (a UUID)");
    let now = Utc::now().naive_utc();
    let subscription = NewSubscription {
        billing_interval: (state != SubscriptionState::Comped).then_some("month"),
        current_period_start: period_end.map(|end| (end - Duration::days(30)).naive_utc()),
        current_period_end: period_end.map(|end| end.naive_utc()),
        grace_ends_at: grace_ends_at.map(|end| end.naive_utc()),
        comped_until: comped_until.map(|end| end.naive_utc()),
        ..NewSubscription::new(&id, &reader, tier, state, now)
    };
    subscriptions::insert(&mut app.db(), &subscription, FIXTURE_ACTOR, None)
        .expect("insert the subscription (does the tier and the reader exist?)");
    id.to_string()
}
