//! The audit log, read-only: who did what to whom, and why. No endpoint
//! changes or deletes an entry (and the database refuses to).

pub mod list;
