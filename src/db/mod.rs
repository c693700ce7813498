//! Everything that speaks SQL. Handlers call the functions of the aggregate
//! files (`readers`, `sessions`) through [`Database::run`]; nothing outside
//! this folder imports `schema`.

pub mod account_tokens;
pub mod articles;
pub mod audit_log;
pub(crate) mod batch;
pub mod billing_customers;
pub mod catalogue;
pub mod checkouts;
mod connection;
pub mod dashboard;
pub mod due_dates;
pub mod email_collisions;
pub mod gift_links;
pub mod gifts;
pub mod housekeeping;
pub mod imported_readers;
pub mod issues;
pub mod jobs;
pub mod login_failures;
pub mod mailing_list;
pub mod media;
pub mod meters;
mod migrations;
pub mod offers;
pub mod payments;
pub mod perk_audience;
pub mod plan_changes;
mod pool;
pub mod price_changes;
pub mod provider_follow_ups;
pub mod provider_payments;
pub mod reader_cards;
pub mod reader_directory;
pub mod reader_export;
pub mod reader_money;
pub mod readers;
pub mod receipt_numbers;
pub mod refund_claims;
pub mod refund_queue;
pub mod refund_requests;
pub mod refunds;
pub mod reminders_sent;
mod run_error;
pub mod schema;
pub mod second_factors;
pub mod seed;
pub mod sessions;
pub mod subscriptions;
pub mod tiers;
mod transaction;
pub mod trials;
mod unique;
pub mod webhook_events;

#[cfg(test)]
mod typed_columns_tests;

pub use connection::{Backend, DbConnection};
pub use migrations::run_migrations;
pub use pool::{Database, PoolStats};
pub use run_error::{PoolError, RunError};
pub use transaction::write_transaction;
pub use unique::InsertError;
