//! Support's queue of readers' refund requests: list, approve (which
//! refunds through the same path as a direct refund), deny with a note.

pub mod approve;
pub mod deny;
pub mod list;

use crate::db::refund_requests::RefundRequestRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A refund request as support sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundRequestView {
    /// The request id.
    pub id: String,
    /// The subscription to refund.
    pub subscription_id: String,
    /// Who asked.
    pub reader_id: String,
    /// In their words.
    pub reason: String,
    /// `pending`, `approved` or `denied`.
    pub status: String,
    /// Who decided (`staff:<id>`).
    pub decided_by: Option<String>,
    /// The decision's note.
    pub decision_note: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// When the reader asked.
    pub created_at: DateTime<Utc>,
}

impl From<&RefundRequestRow> for RefundRequestView {
    fn from(row: &RefundRequestRow) -> Self {
        Self {
            id: row.id.clone(),
            subscription_id: row.subscription_id.clone(),
            reader_id: row.reader_id.clone(),
            reason: row.reason.clone(),
            status: row.status.as_str().to_owned(),
            decided_by: row.decided_by.clone(),
            decision_note: row.decision_note.clone(),
            decided_at: row.decided_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
        }
    }
}
