//! A reader's own sessions: listing them, ending one, ending all, and
//! logging out. Each end invalidates the session cache beside the write,
//! so a revoked access token stops working at once.

mod by_token;
mod list;
mod logout;
mod revoke_all;
mod revoke_one;

pub use by_token::{LiveSession, live_session_of_token};
pub use list::live_sessions;
pub use logout::{end_session, session_of_refresh_token};
pub use revoke_all::revoke_all_sessions;
pub use revoke_one::revoke_own_session;
