//! The subscription aggregate's guarantees on both databases: every state
//! change is an event, refused moves write nothing, and of two concurrent
//! transitions from the same state exactly one applies.

use crate::support::fixtures::{FIXTURE_ACTOR, subscription};
use crate::support::helpers::TestApp;
use SubscriptionState::{Active, Canceling, Comped, Expired, Refunded};
use chrono::{Duration, Utc};
use masthead::db::readers::{self, NewReader};
use masthead::db::subscriptions::{self, SubscriptionChanges, TransitionError, TransitionOutcome};
use masthead::db::{DbConnection, write_transaction};
use masthead::domain::{ReaderId, Role, SubscriptionId, SubscriptionState};
use std::sync::{Arc, Barrier};

on_both_backends!(
    creation_and_transitions_are_events,
    refused_transitions_write_nothing,
    renewal_extends_without_an_event,
    concurrent_transitions_apply_once,
);

fn active_subscription(app: &TestApp) -> SubscriptionId {
    let reader_id = direct_reader(app);
    let id = subscription("digital", Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(app, &reader_id);
    SubscriptionId::parse(&id).unwrap()
}

/// A reader inserted directly (these tests need no HTTP round trip).
fn direct_reader(app: &TestApp) -> String {
    let id = ReaderId::generate();
    let now = Utc::now().naive_utc();
    let email = format!("{id}@example.com");
    let reader = NewReader::new(&id, &email, "not a hash", "Racer", Role::Reader, now);
    readers::insert(&mut app.db(), &reader).expect("insert a reader");
    id.to_string()
}

fn cancel(
    conn: &mut DbConnection,
    id: &SubscriptionId,
) -> Result<TransitionOutcome, TransitionError> {
    let changes = SubscriptionChanges {
        cancel_reason: Some(Some("too many tabs open".to_owned())),
        ..SubscriptionChanges::default()
    };
    subscriptions::transition(
        conn,
        id,
        Active,
        Canceling,
        &changes,
        "reader",
        Some("too many tabs open"),
        Utc::now().naive_utc(),
    )
}

async fn creation_and_transitions_are_events(app: TestApp) {
    let id = active_subscription(&app);
    let mut conn = app.db();
    assert_eq!(cancel(&mut conn, &id).unwrap(), TransitionOutcome::Applied);
    let row = subscriptions::find(&mut conn, &id).unwrap();
    assert_eq!(row.state(), Some(Canceling));
    assert_eq!(row.cancel_reason.as_deref(), Some("too many tabs open"));

    let events = subscriptions::events(&mut conn, &id).unwrap();
    let history: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.from_state.as_deref(),
                e.to_state.as_str(),
                e.actor.as_str(),
                e.reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            (None, "active", FIXTURE_ACTOR, None),
            (
                Some("active"),
                "canceling",
                "reader",
                Some("too many tabs open")
            )
        ]
    );
    assert_eq!(
        cancel(&mut conn, &id).unwrap(),
        TransitionOutcome::Conflict,
        "no longer active"
    );
    assert_eq!(subscriptions::events(&mut conn, &id).unwrap().len(), 2);
}

async fn refused_transitions_write_nothing(app: TestApp) {
    let id = active_subscription(&app);
    let mut conn = app.db();
    let now = Utc::now().naive_utc();
    let refused = subscriptions::transition(
        &mut conn,
        &id,
        Active,
        Comped,
        &SubscriptionChanges::default(),
        "staff",
        None,
        now,
    );
    let error = masthead::error::ApiError::from(refused.unwrap_err());
    assert_eq!(error.code(), "invalid_transition");
    assert_eq!(actix_web::ResponseError::status_code(&error).as_u16(), 409);
    assert_eq!(
        subscriptions::find(&mut conn, &id).unwrap().state(),
        Some(Active)
    );
    assert_eq!(subscriptions::events(&mut conn, &id).unwrap().len(), 1);
}

async fn renewal_extends_without_an_event(app: TestApp) {
    let id = active_subscription(&app);
    let mut conn = app.db();
    let now = Utc::now().naive_utc();
    let next_end = now + Duration::days(60);
    let renewal = SubscriptionChanges {
        current_period_end: Some(Some(next_end)),
        ..SubscriptionChanges::default()
    };
    let renewed =
        subscriptions::update_fields_without_transition(&mut conn, &id, Active, &renewal, now)
            .unwrap();
    assert_eq!(renewed, TransitionOutcome::Applied);
    let row = subscriptions::find(&mut conn, &id).unwrap();
    assert_eq!(row.state(), Some(Active));
    let stored = row.current_period_end.unwrap();
    assert!(
        (stored - next_end).num_milliseconds().abs() < 1,
        "{stored} != {next_end}"
    );
    assert_eq!(
        subscriptions::events(&mut conn, &id).unwrap().len(),
        1,
        "a renewal is not a state change"
    );

    let stale =
        subscriptions::update_fields_without_transition(&mut conn, &id, Expired, &renewal, now)
            .unwrap();
    assert_eq!(
        stale,
        TransitionOutcome::Conflict,
        "conditional on the expected state"
    );
}

async fn concurrent_transitions_apply_once(app: TestApp) {
    for _ in 0..5 {
        let id = active_subscription(&app);
        let start = Arc::new(Barrier::new(2));
        let racers = [Canceling, Refunded].map(|to| {
            let (url, id, start) = (app.database_url.clone(), id.clone(), start.clone());
            tokio::task::spawn_blocking(move || {
                let mut conn = DbConnection::open(&url).expect("open a connection");
                start.wait();
                write_transaction(&mut conn, |conn| {
                    let now = Utc::now().naive_utc();
                    subscriptions::transition(
                        conn,
                        &id,
                        Active,
                        to,
                        &SubscriptionChanges::default(),
                        "racer",
                        None,
                        now,
                    )
                })
                .expect("the transition runs")
            })
        });
        let mut outcomes = Vec::new();
        for racer in racers {
            outcomes.push(racer.await.unwrap());
        }
        outcomes.sort_by_key(|o| *o == TransitionOutcome::Conflict);
        assert_eq!(
            outcomes,
            [TransitionOutcome::Applied, TransitionOutcome::Conflict]
        );

        let mut conn = app.db();
        let events = subscriptions::events(&mut conn, &id).unwrap();
        assert_eq!(events.len(), 2, "the creation and exactly one transition");
        let state = subscriptions::find(&mut conn, &id)
            .unwrap()
            .state()
            .unwrap();
        assert_eq!(
            events[1].to_state,
            state.as_str(),
            "the event matches the winner"
        );
    }
}
