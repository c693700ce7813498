//! The logged-in reader's own account.

pub mod cancel_subscription;
pub mod change_email;
pub mod change_password;
pub mod get;
pub mod request_refund;
pub mod resume_subscription;
pub mod subscription;
pub mod update;
