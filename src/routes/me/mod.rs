//! The logged-in reader's own account.

pub mod change_password;
pub mod get;
pub mod subscription;
pub mod update;
