//! Request extractors: the web glue that turns a request into who is asking
//! (`AuthenticatedReader`, `Staff<R>`, `Visitor`), where from (`ClientInfo`)
//! and which retry it is (`idempotency_key`). They live in the web layer so
//! `auth/` holds credentials without knowing actix.

mod authenticated_reader;
mod bearer;
mod client_info;
mod idempotency_key;
mod meter_credential;
mod staff;
mod visitor;

pub use authenticated_reader::AuthenticatedReader;
pub use client_info::{client_ip, client_of};
pub use idempotency_key::idempotency_key;
pub use meter_credential::{
    CONSENT_HEADER, METER_COOKIE, METER_HEADER, MeterCredential, set_meter_credential,
};
pub use staff::{AdminRole, AnyStaffRole, EditorRole, RequiredRole, Staff, SupportRole};
pub use visitor::Visitor;
