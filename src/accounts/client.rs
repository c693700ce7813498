//! The device behind a request, as the account use cases see it.

use std::net::IpAddr;

/// The client a session is opened for and the login limits count.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The client's address (behind a trusted proxy, the one it forwarded).
    pub ip: Option<IpAddr>,
    /// The `User-Agent` header, truncated.
    pub user_agent: Option<String>,
}

impl Client {
    /// The address as stored on sessions and login counts.
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}
