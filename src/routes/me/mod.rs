//! The logged-in reader's own account.

pub mod cancel_subscription;
pub mod change_email;
pub mod change_password;
pub mod change_plan;
pub mod delete_account;
pub mod export;
pub mod get;
pub mod gift_links;
pub mod payments;
pub mod pending_plan_change;
pub mod refund_requests;
pub mod request_refund;
pub mod resume_subscription;
pub mod revoke_all_sessions;
pub mod revoke_gift_link;
pub mod revoke_session;
pub mod second_factor;
pub mod sessions;
pub mod subscription;
pub mod undo_plan_change;
pub mod update;
