//! A reader's own data export (GDPR art. 15, the right of access): every
//! row Masthead holds about them, read in one connection. Secrets (the
//! password hash, the hashes of refresh and email tokens) are not read;
//! a gift's rows are read whole, and the export leaves out its token
//! hashes and payment page (`routes::me::export`).

use super::Accounts;
use crate::db;
use crate::db::billing_customers::BillingCustomerRow;
use crate::db::checkouts::CheckoutRow;
use crate::db::gifts::GiftRow;
use crate::db::reader_export::{self, ExportedSessionRow};
use crate::db::reader_money::{ReaderPaymentRow, ReaderRefundRow};
use crate::db::refund_requests::RefundRequestRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::ReaderId;
use crate::error::ApiError;

/// The rows of one reader's export.
pub struct ReaderData {
    /// Every subscription, newest first.
    pub subscriptions: Vec<SubscriptionRow>,
    /// Every payment, newest first.
    pub payments: Vec<ReaderPaymentRow>,
    /// Every refund, with its payment's amount and tax (as stored).
    pub refunds: Vec<(ReaderRefundRow, i64, Option<i64>)>,
    /// Every refund request.
    pub refund_requests: Vec<RefundRequestRow>,
    /// Every checkout, newest first.
    pub checkouts: Vec<CheckoutRow>,
    /// Every login, ended ones too, newest first.
    pub sessions: Vec<ExportedSessionRow>,
    /// Customer records at payment providers.
    pub billing_customers: Vec<BillingCustomerRow>,
    /// Gifts they ordered (logged in, or with their address) or redeemed,
    /// paid or not, newest first.
    pub gifts: Vec<GiftRow>,
}

/// Reads everything stored about `reader`.
pub async fn reader_data(
    accounts: &Accounts<'_>,
    reader: ReaderId,
) -> Result<ReaderData, ApiError> {
    accounts
        .db
        .run(move |conn| {
            let id = reader.as_str();
            let email = db::readers::find(conn, &reader)?.email;
            let mut subscriptions = db::subscriptions::for_reader(conn, &reader)?;
            subscriptions.sort_by(|a, b| {
                b.started_at
                    .cmp(&a.started_at)
                    .then_with(|| b.id.cmp(&a.id))
            });
            Ok::<_, ApiError>(ReaderData {
                subscriptions,
                payments: db::reader_money::payments_of(conn, id)?,
                refunds: db::reader_money::refunds_of(conn, id)?,
                refund_requests: db::refund_requests::for_reader(conn, id)?,
                checkouts: reader_export::checkouts_of(conn, id)?,
                sessions: reader_export::sessions_of(conn, id)?,
                billing_customers: reader_export::customers_of(conn, id)?,
                gifts: db::gifts::all_for_reader(conn, &reader, &email)?,
            })
        })
        .await
}
