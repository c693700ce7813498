//! What we record about the device behind a login.

use crate::accounts::Client;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use std::net::IpAddr;

const MAX_USER_AGENT: usize = 512;

/// The request's client for the account use cases: its address and its
/// user agent, truncated.
pub fn client_of(req: &HttpRequest) -> Client {
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
    Client {
        ip: client_ip(req),
        user_agent,
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
