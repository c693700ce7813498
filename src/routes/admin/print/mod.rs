//! The print edition's logistics: who gets an issue in the post. Open to
//! the `support` role (and `admin`).

pub mod mailing_list;
mod recipients;

pub use recipients::{MailingList, MissingAddress, Recipient};
