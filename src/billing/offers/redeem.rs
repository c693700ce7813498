//! What completing a checkout does for its offer and trial, in the
//! completion's transaction: the offer's redemption is counted (once per
//! checkout, never past its limit) and the reader's one trial is marked
//! used. A development checkout that loses the race for an offer's last
//! redemption, or for the reader's trial, is refused (409, nothing
//! written: nothing was charged either). A provider that has taken the
//! money at the offer's terms is never refused: the redemption is
//! recorded without raising the count, the trial mark stays the first
//! one, and both are logged for staff.

use crate::db::checkouts::CheckoutRow;
use crate::db::offers::{self, Redeemed, Redemption};
use crate::db::{DbConnection, trials};
use crate::domain::{ReaderId, SubscriptionId};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// Whether the provider took the money before we could refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::billing) enum Charged {
    /// Nothing is taken until this completion commits (development).
    NotYet,
    /// The provider has taken it (Stripe's report of a paid session).
    Already,
}

/// Counts `checkout`'s offer and marks its trial, for `subscription`.
pub(in crate::billing) fn redeem(
    conn: &mut DbConnection,
    checkout: &CheckoutRow,
    subscription: &SubscriptionId,
    charged: Charged,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let reader = ReaderId::from_db(checkout.reader_id.clone());
    let id = checkout.checkout_id();
    if let Some(code) = checkout.offer() {
        let redeemed = Redeemed {
            code: &code,
            checkout: &id,
            reader: &reader,
            subscription,
        };
        match (offers::redeem(conn, &redeemed, now)?, charged) {
            (Redemption::Counted | Redemption::AlreadyCounted, _) => {}
            (Redemption::Exhausted, Charged::NotYet) => {
                return Err(ApiError::conflict(
                    "offer_exhausted",
                    "the offer's last redemption was taken while this checkout was open; start a new checkout",
                ));
            }
            (Redemption::Exhausted, Charged::Already) => {
                tracing::error!(checkout = %id, offer = %code, "the provider took a payment at an offer's terms after its last redemption; recorded, not counted");
                offers::record_redemption(conn, &redeemed, now)?;
            }
        }
    }
    // Free days that are a gift's rest are not a trial: nothing is marked.
    let is_trial = checkout.trial_days > 0 && checkout.gift_days == 0;
    if is_trial && !trials::mark(conn, &reader, &id, checkout.trial_days, now)? {
        let first = trials::used_by(conn, &reader)?;
        if first.as_deref() != Some(checkout.id.as_str()) {
            match charged {
                Charged::NotYet => {
                    return Err(ApiError::conflict(
                        "trial_already_used",
                        "you have had your free trial; start a new checkout to subscribe",
                    ));
                }
                Charged::Already => {
                    tracing::error!(checkout = %id, "the provider started a second free trial for a reader; needs staff");
                }
            }
        }
    }
    Ok(())
}
