//! What we record about the device behind a login.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The user agent and address a session was created from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The `User-Agent` header, truncated.
    pub user_agent: Option<String>,
    /// The peer address (the proxy's when behind one).
    pub ip: Option<String>,
}

const MAX_USER_AGENT: usize = 512;

impl ClientInfo {
    /// Reads the request's user agent and peer address.
    pub fn of(req: &HttpRequest) -> Self {
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
        let ip = req.peer_addr().map(|addr| addr.ip().to_string());
        Self { user_agent, ip }
    }
}
