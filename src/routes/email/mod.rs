//! Links in emails that work without a login: one-click unsubscribe.

pub mod unsubscribe;
