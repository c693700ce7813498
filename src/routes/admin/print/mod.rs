//! The print edition's logistics: who gets an issue in the post. Open to
//! the `support` role (and `admin`).

pub mod mailing_list;

pub use crate::catalogue::mailing_list::{MailingList, MissingAddress, Recipient};
