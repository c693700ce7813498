//! The API tests' harness, apart from the tests: spawning the application
//! ([`helpers`]), per-process template databases, the fake Stripe and its
//! signed events, the SMTP sink, outbox waiting, and the fixtures that
//! arrange readers, subscriptions, money and the catalogue.

#[macro_use]
pub mod helpers;
#[allow(dead_code)]
pub mod test_database;

pub mod billing_fixtures;
pub mod catalogue_fixtures;
pub mod checkout_fixtures;
pub mod fake_stripe;
pub mod fixtures;
pub mod offer_fixtures;
pub mod outbox;
pub mod reader_fixtures;
pub mod smtp_sink;
pub mod staff_fixtures;
pub mod stripe_events;
pub mod stripe_fixtures;
