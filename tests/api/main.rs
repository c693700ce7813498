//! Black-box API tests: each test starts the real application on port 0 with
//! a fresh database and runs once on SQLite and once on PostgreSQL.

#[macro_use]
mod helpers;
#[allow(dead_code)]
mod test_database;
#[macro_use]
mod fake_stripe;
#[macro_use]
mod outbox;

mod admin_catalogue;
mod admin_readers;
mod admin_roles;
mod audit_log;
mod auth_login;
mod auth_logout;
mod auth_refresh;
mod auth_signup;
mod billing_cancel;
mod billing_dev;
mod billing_fixtures;
mod billing_stripe;
mod browser_mode;
mod browser_policy;
mod catalogue_fixtures;
mod docs;
mod email_change;
mod email_verification;
mod errors;
mod fixtures;
mod gate;
mod jobs;
mod jwks;
mod login_limits;
mod me;
mod me_password;
mod me_sessions;
mod metrics;
mod openapi_validity;
mod operations;
mod password_reset;
mod password_rules;
mod plans;
mod print_mailing_list;
mod reader_fixtures;
mod readers_import;
mod refund_requests;
mod resilience;
mod scale_out;
mod staff_fixtures;
mod staff_refunds;
mod staff_subscriptions;
#[macro_use]
mod stripe_events;
mod article_bodies;
mod browser_subdomains;
mod checkout_contract;
mod checkout_fixtures;
mod demo_magazine;
mod http_basics;
mod me_export;
mod me_payments;
mod one_subscription;
mod openapi_clients;
mod plan_change;
mod problems;
mod refresh_reuse_interval;
mod security_auth_scheme;
mod security_cache_headers;
mod security_csv_injection;
mod security_email_identity;
mod security_nul_bytes;
mod security_teaser_leak;
mod site_url;
mod smtp_sink;
mod staff_views;
mod stripe_fixtures;
mod stripe_scenarios_duplicates;
mod stripe_scenarios_lifecycle;
mod stripe_scenarios_payments;
mod stripe_scenarios_refund_requests;
mod stripe_scenarios_refunds;
mod subscription;
mod subscription_transitions;
mod tokens;
mod webhooks;
mod webhooks_lifecycle;
mod webhooks_refunds;

mod security_account_takeover;
mod security_credential_limits;
mod security_imported_hashes;
mod security_login_lock;
mod security_staff_scope;
mod stripe_setup;
mod stripe_tax;
