//! What we record about the device behind a login.

use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use std::net::IpAddr;

/// The user agent and address a session was created from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The `User-Agent` header, truncated.
    pub user_agent: Option<String>,
    /// The client's address: the peer's, or, when the peer is a trusted
    /// proxy (`MASTHEAD_TRUSTED_PROXIES`), the one it forwarded.
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
        let ip = client_ip(req).map(|ip| ip.to_string());
        Self { user_agent, ip }
    }
}

/// The client's address. From a trusted proxy, the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy (the left-most
/// entries are whatever the client claimed, so they are never believed);
/// otherwise the peer's.
pub fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.trusted_proxies.clone())
        .unwrap_or_default();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|hop| !trusted.contains(hop))
            .unwrap_or(peer),
    )
}
