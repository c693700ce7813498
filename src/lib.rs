//! Masthead: the subscription and paywall backend of a magazine.
//!
//! The folders tell the architecture: `domain` holds the rules (no I/O),
//! `db` the SQL, `auth` the credentials, `routes` the HTTP handlers, and
//! `startup` wires them into one actix-web application that the binary and
//! the tests build the same way.

pub mod accounts;
pub mod auth;
pub mod billing;
pub mod cache;
pub mod cache_listener;
pub mod catalogue;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod pages;
pub mod private_files;
pub mod problem_types;
pub mod routes;
pub mod settings;
pub mod site_url;
pub mod spreadsheet;
pub mod startup;
pub mod state;
pub mod telemetry;
