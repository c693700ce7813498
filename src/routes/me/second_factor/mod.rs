//! `/v1/me/second-factor`: a staff member enrols a TOTP second factor
//! (start, then confirm with the password and a first code) and sees
//! whether they have one. Readers are refused (403 `insufficient_role`).

pub mod confirm;
pub mod get;
pub mod start;
