//! The offers under `/v1/admin/offers` (`admin`): create, list with their
//! redemption counts, archive.

pub mod archive;
pub mod create;
pub mod list;
pub mod view;
