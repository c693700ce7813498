//! Offers as readers meet them: `GET /v1/offers/{code}` (the offer's
//! link) and the terms every offer view shares.

pub mod get;
pub mod view;
