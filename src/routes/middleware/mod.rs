//! Request middleware: the web glue every request passes through, in the
//! web layer so the library below it knows nothing of actix's service
//! chain. Each reads what it needs from the `web::Data` of its component
//! (e.g. `web::Data<Metrics>`), never through `AppState`.

pub mod cors;
pub mod head_requests;
pub mod no_nul;
pub mod request_id;
pub mod request_metrics;
pub mod security_headers;

pub use request_id::RequestId;
