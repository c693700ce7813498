//! Taking back a downgrade before it takes effect: the provider is told
//! first (Stripe would otherwise still switch the price at the period
//! end), then the change is marked `undone`.

use crate::billing::provider::Provider;
use crate::db::plan_changes::{self, PlanChangeRow};
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{self, Database};
use crate::domain::PlanChangeStatus;
use crate::error::ApiError;
use chrono::Utc;

fn nothing_pending() -> ApiError {
    ApiError::conflict(
        "no_pending_plan_change",
        "no plan change is waiting for the period end",
    )
}

/// Undoes `reader`'s pending downgrade: 404 `subscription_not_found`
/// without a subscription, 409 `no_pending_plan_change` when nothing waits
/// (including a second undo). Answers the subscription and the change.
pub async fn undo_plan_change(
    db: &Database,
    provider: &Provider,
    reader: &ReaderRow,
) -> Result<(SubscriptionRow, PlanChangeRow), ApiError> {
    let id = reader.reader_id();
    let (subscription, pending) = db
        .run(move |conn| {
            let subscription = crate::billing::current_subscription(conn, &id, Utc::now())?
                .ok_or_else(crate::billing::subscription_not_found)?;
            let pending = plan_changes::pending_for(conn, &subscription.subscription_id())?
                .ok_or_else(nothing_pending)?;
            Ok((subscription, pending))
        })
        .await?;
    provider.cancel_downgrade(&subscription).await?;
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = Utc::now().naive_utc();
            if !plan_changes::settle(conn, &pending.id, PlanChangeStatus::Undone, now)? {
                return Err(nothing_pending());
            }
            let subscription = db::subscriptions::find(conn, &subscription.subscription_id())?;
            let change = plan_changes::for_subscription(conn, &subscription.subscription_id())?
                .into_iter()
                .find(|change| change.id == pending.id)
                .ok_or_else(|| anyhow::anyhow!("plan change {} vanished", pending.id))?;
            Ok((subscription, change))
        })
    })
    .await
}
