//! Fault tests: the service when its surroundings fail. PostgreSQL stopped
//! for 10 s under load (on a private cluster, never the machine's shared
//! one), SIGKILL in the middle of sign-ups, webhooks and refunds, and Stripe
//! failing or stalling. Each is bounded in time and cleans up after itself
//! (servers and clusters are stopped by their guards' `Drop`).

// The API tests' harness and fixtures, shared rather than copied; this
// binary uses only part of them.
#[allow(dead_code, unused_macros, unused_imports)]
#[macro_use]
#[path = "../api/support/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../api/support/test_database.rs"]
mod test_database;
#[allow(dead_code, unused_macros)]
#[macro_use]
#[path = "../api/support/fake_stripe.rs"]
mod fake_stripe;
#[allow(dead_code)]
#[path = "../api/support/staff_fixtures.rs"]
mod staff_fixtures;
#[allow(dead_code, unused_macros)]
#[path = "../api/support/stripe_events.rs"]
mod stripe_events;

/// The same modules under the path the API tests' harness names them by.
#[allow(unused_imports)]
mod support {
    pub(crate) use crate::{fake_stripe, helpers, staff_fixtures, stripe_events, test_database};
}

mod binary;
mod cluster;
mod postgres_outage;
mod sigkill;
mod stripe_outages;

/// The outage and the SIGKILL tests each drive a server as hard as they
/// can and measure its answers against time bounds: each runs alone
/// (`write`), so a two-core machine does not turn one test's load into
/// another's timeout; the light Stripe tests share (`read`).
static SERIAL: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());
