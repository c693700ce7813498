//! Opening the provider's payment page of a row recorded first (a reader's
//! checkout, a gift): the provider is asked; if it cannot open a page, the
//! row is marked expired (it can never be paid) and the provider's error
//! returned; otherwise the page's id and URL are remembered on the row, so
//! the provider's reports find it. Shared by `checkout::start_checkout`
//! and `gifts::purchase`.

use super::provider::StartedCheckout;
use crate::db::{Database, DbConnection, checkouts, gifts};
use crate::domain::{CheckoutId, GiftId};
use crate::error::ApiError;
use diesel::QueryResult;
use std::fmt::Display;
use std::future::Future;

/// A row recorded `open` before its provider page exists.
pub(super) trait RecordedPage: Display + Clone + Send + 'static {
    /// What the row is, for the log.
    const KIND: &'static str;
    /// Marks it expired, if still open.
    fn expire(&self, conn: &mut DbConnection) -> QueryResult<bool>;
    /// Remembers the provider's page `session` at `url`.
    fn remember(&self, conn: &mut DbConnection, session: &str, url: &str) -> QueryResult<()>;
}

impl RecordedPage for CheckoutId {
    const KIND: &'static str = "checkout";

    fn expire(&self, conn: &mut DbConnection) -> QueryResult<bool> {
        checkouts::expire(conn, self)
    }

    fn remember(&self, conn: &mut DbConnection, session: &str, url: &str) -> QueryResult<()> {
        checkouts::set_provider_session(conn, self, session, url)
    }
}

impl RecordedPage for GiftId {
    const KIND: &'static str = "gift";

    fn expire(&self, conn: &mut DbConnection) -> QueryResult<bool> {
        gifts::expire(conn, self)
    }

    fn remember(&self, conn: &mut DbConnection, session: &str, url: &str) -> QueryResult<()> {
        gifts::set_provider_session(conn, self, session, url)
    }
}

/// Awaits `opening` (the provider's call, boxed by the caller: it is
/// large) for the row `recorded`: its page, remembered on the row; or the
/// provider's error, the row expired.
pub(super) async fn open_page<R: RecordedPage>(
    db: &Database,
    recorded: &R,
    opening: impl Future<Output = Result<StartedCheckout, ApiError>>,
) -> Result<StartedCheckout, ApiError> {
    let started = match opening.await {
        Ok(started) => started,
        Err(error) => {
            let abandoned = recorded.clone();
            if let Err(cleanup) = db.run(move |conn| Ok(abandoned.expire(conn)?)).await {
                tracing::warn!(kind = R::KIND, id = %recorded, error = %cleanup, "cannot expire an unopened checkout");
            }
            return Err(error);
        }
    };
    let (row, session, url) = (
        recorded.clone(),
        started.provider_session_id.clone(),
        started.url.clone(),
    );
    db.run(move |conn| Ok(row.remember(conn, &session, &url)?))
        .await?;
    Ok(started)
}
